import { createReadStream, existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { formatFromFileName, isQuadFormat, parseBatches, type Quad, type RdfFormat } from '@quarry/rdf';
import { RegionWriter } from '@quarry/store-client';
import { DataFactory } from 'n3';
import { UsageError, type Command } from '../args';
import { clusterOptions, clusterUsage, connectCluster } from '../cluster-connection';

const BATCH_QUADS = 100_000;

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
  summary: 'Stream RDF files (N-Triples, N-Quads, Turtle, TriG; gzip too) into the cluster.',
  usage: `Usage: quarry load FILE... [--graph IRI] [--format nt|nq|ttl|trig] [cluster options]

  --graph IRI     put the triples of triple formats into this named graph (default: the default graph)
  --format F      override the format guessed from the file name (.nt .nq .ttl .trig, optionally .gz)
${clusterUsage}

Quads are grouped by region and written in large batches, one Raft entry per region batch,
each batch at its own timestamp. A batch is all or nothing; a failed load can be re-run:
loading the same quads again changes nothing. Prints progress and a final count.`,
  options: { ...clusterOptions, graph: { type: 'string' }, format: { type: 'string' } },
  async run(values, files) {
    if (!files.length) throw new UsageError(`name at least one file\n\n${load.usage}`);
    for (const f of files) if (!existsSync(f) || !statSync(f).isFile()) throw new UsageError(`no such file: ${f}`);
    const graph = values.graph ? DataFactory.namedNode(values.graph as string) : undefined;
    const conn = await connectCluster(values);
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
    try {
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
    } finally {
      await conn.close();
    }
  },
};
