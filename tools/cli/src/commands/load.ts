import { createReadStream, existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { formatFromFileName, isQuadFormat, parseBatches, type Quad, type RdfFormat } from '@quarry/rdf';
import { RegionWriter } from '@quarry/store-client';
import { DataFactory } from 'n3';
import { intOption, UsageError, type Command } from '../args';
import { clusterOptions, clusterUsage, connectCluster, type ClusterConnection } from '../cluster-connection';
import { pgOption, pgUsage } from '../saga-connection';
import { continueSaga, loadAsSagas } from './load-saga';

const BATCH_QUADS = 100_000;
/** Same size as the direct loader's batches, so a saga costs one PostgreSQL update per 100k quads. */
const DEFAULT_CHUNK_QUADS = 100_000;

function formatOf(file: string, forced?: string): RdfFormat {
  const known: Record<string, RdfFormat> = { nt: 'N-Triples', ntriples: 'N-Triples', nq: 'N-Quads', nquads: 'N-Quads', ttl: 'Turtle', turtle: 'Turtle', trig: 'TriG' };
  if (forced) {
    const f = known[forced.toLowerCase()];
    if (!f) throw new UsageError(`--format must be one of nt, nq, ttl, trig`);
    return f;
  }
  const f = formatFromFileName(file.replace(/\.gz$/, ''));
  if (!f) throw new UsageError(`cannot tell the RDF format of ${file} from its name; pass --format nt|nq|ttl|trig`);
  return f;
}

export const load: Command = {
  name: 'load',
  summary: 'Load RDF files (N-Triples, N-Quads, Turtle, TriG; gzip too) as resumable, undoable sagas.',
  usage: `Usage: quarry load FILE... [--graph IRI] [--format nt|nq|ttl|trig] [--chunk-quads N] [--on-failure pause|abort]
       quarry load --resume ID | --abort ID
       quarry load --direct FILE...

  --graph IRI             put the triples of triple formats into this named graph (default: the default graph)
  --format F              override the format guessed from the file name (.nt .nq .ttl .trig, optionally .gz)
  --chunk-quads N         quads per saga chunk, each committed atomically (default ${DEFAULT_CHUNK_QUADS.toLocaleString('en')})
  --on-failure P          pause (default: stop, resumable with --resume) or abort (compensate at once)
  --resume ID             continue a saga from its last committed chunk (after this command was killed, or paused)
  --abort ID              undo a saga: delete exactly the quads it added that were not there before it began
  --direct                no saga: write batches without recording progress (not resumable, not undoable)
${pgUsage}
${clusterUsage}

Each file is one saga (docs/sagas.md): its chunks are committed one after another and its
progress is recorded in PostgreSQL, so a killed load is resumed with --resume and an unwanted
one undone with --abort. \`quarry jobs\` lists sagas. Prints progress and a final quad count.`,
  options: {
    ...clusterOptions,
    ...pgOption,
    graph: { type: 'string' },
    format: { type: 'string' },
    'chunk-quads': { type: 'string' },
    'on-failure': { type: 'string' },
    resume: { type: 'string' },
    abort: { type: 'string' },
    direct: { type: 'boolean' },
  },
  async run(values, files) {
    const resume = values.resume as string | undefined;
    const abort = values.abort as string | undefined;
    if (resume && abort) throw new UsageError('--resume and --abort exclude each other');
    if ((resume || abort) && files.length) throw new UsageError('--resume and --abort take a saga id, not files');
    const onFailure = (values['on-failure'] as string | undefined) ?? 'pause';
    if (onFailure !== 'pause' && onFailure !== 'abort') throw new UsageError('--on-failure must be pause or abort');
    const chunkQuads = intOption(values, 'chunk-quads', DEFAULT_CHUNK_QUADS, 1, 10_000_000);
    if (!resume && !abort) {
      if (!files.length) throw new UsageError(`name at least one file\n\n${load.usage}`);
      for (const f of files) if (!existsSync(f) || !statSync(f).isFile()) throw new UsageError(`no such file: ${f}`);
    }
    const formats = files.map((f) => ({ path: f, format: formatOf(f, values.format as string | undefined) }));
    const conn = await connectCluster(values);
    try {
      if (resume) return await continueSaga(conn, values, 'resume', resume);
      if (abort) return await continueSaga(conn, values, 'abort', abort);
      if (values.direct) return await loadDirect(conn, files, values);
      return await loadAsSagas(conn, values, { files: formats, graph: values.graph as string | undefined, chunkQuads, onFailure });
    } finally {
      await conn.close();
    }
  },
};

/** The non-transactional loader: batches at their own timestamps, nothing recorded. */
async function loadDirect(conn: ClusterConnection, files: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const graph = values.graph ? DataFactory.namedNode(values.graph as string) : undefined;
  const writer = new RegionWriter(conn.stores);
  const started = Date.now();
  let total = 0;
  const progress = (final = false): void => {
    const s = (Date.now() - started) / 1000;
    const line = `loaded ${total.toLocaleString('en')} quads in ${s.toFixed(1)} s (${Math.round(total / Math.max(s, 0.001)).toLocaleString('en')} quads/s)`;
    if (process.stderr.isTTY && !final) process.stderr.write(`\r${line}`);
    else process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${line}\n`);
  };
  let lastReport = 0;
  for (const file of files) {
    const format = formatOf(file, values.format as string | undefined);
    // Blank nodes of different loads must stay distinct: label them per load and file.
    const prefix = `b${randomBytes(4).toString('hex')}_`;
    let pending: Quad[] = [];
    const flush = async (): Promise<void> => {
      if (!pending.length) return;
      await writer.write(await conn.consensus.timestamp(), pending);
      total += pending.length;
      pending = [];
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        progress();
      }
    };
    for await (const batch of parseBatches(createReadStream(file), { format, blankNodePrefix: prefix })) {
      for (const q of batch) {
        const g = graph && !isQuadFormat(format) ? graph : q.graph;
        pending.push(g === q.graph ? q : DataFactory.quad(q.subject, q.predicate, q.object, g));
      }
      if (pending.length >= BATCH_QUADS) await flush();
    }
    await flush();
    process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${basename(file)}: done\n`);
  }
  progress(true);
  process.stdout.write(`${total}\n`);
  return 0;
}
