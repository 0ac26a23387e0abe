import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { RdfFormat } from '@quarry/rdf';
import {
  abortSaga,
  fileSource,
  ownerIsDeadLocally,
  resumeSaga,
  SagaRepository,
  SagaStateError,
  startSaga,
  type SagaOutcome,
  type SagaProgress,
} from '@quarry/saga';
import { UsageError } from '../args';
import type { ClusterConnection } from '../cluster-connection';
import { cliSagaDeps, openControlDb } from '../saga-connection';

export interface SagaLoadOptions {
  files: { path: string; format: RdfFormat }[];
  graph?: string;
  chunkQuads: number;
  onFailure: 'pause' | 'abort';
}

type Values = Record<string, string | boolean | undefined>;

/** Progress lines on stderr (rewritten in place on a terminal), at most one a second. */
function progressPrinter(): { update(p: SagaProgress): void; done(): void } {
  const started = Date.now();
  let last = 0;
  let line = '';
  return {
    update(p) {
      const s = (Date.now() - started) / 1000;
      line =
        p.phase === 'load'
          ? `saga ${p.id}: ${p.chunksDone} chunks, ${p.quadsDone.toLocaleString('en')} quads (${Math.round(p.quadsDone / Math.max(s, 0.001)).toLocaleString('en')} quads/s this run)`
          : `saga ${p.id}: compensated chunk ${p.chunk + 1} of ${p.chunksDone + 1}`;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
    done() {
      if (process.stderr.isTTY && line) process.stderr.write('\n');
    },
  };
}

function report(outcome: SagaOutcome): number {
  if (outcome.state === 'completed') return 0;
  const why = outcome.error ? `: ${outcome.error}` : '';
  if (outcome.state === 'aborted') process.stderr.write(`saga ${outcome.id} aborted${why}\n`);
  else
    process.stderr.write(
      `saga ${outcome.id} ${outcome.state} after ${outcome.chunksDone} chunks${why}\n  resume: quarry load --resume ${outcome.id}\n  undo:   quarry load --abort ${outcome.id}\n`,
    );
  return 1;
}

/** `quarry load FILE...`: one saga per file, run by this process. */
export async function loadAsSagas(conn: ClusterConnection, values: Values, opts: SagaLoadOptions): Promise<number> {
  const db = await openControlDb(values);
  const progress = progressPrinter();
  try {
    const deps = cliSagaDeps(conn, db, (p) => progress.update(p));
    let total = 0;
    const started = Date.now();
    for (const file of opts.files) {
      // Blank nodes of different loads must stay distinct: labelled per saga (and the same on resume).
      const source = await fileSource(file.path, { format: file.format, graph: opts.graph, blankPrefix: `b${randomBytes(4).toString('hex')}_` });
      const { id, outcome } = await startSaga(deps, {
        cluster: conn.cluster,
        label: basename(file.path),
        source,
        onFailure: opts.onFailure,
        resumableBy: 'cli',
        chunkQuads: opts.chunkQuads,
        startTs: await conn.consensus.timestamp(),
      });
      process.stderr.write(`saga ${id}: loading ${file.path} in chunks of ${opts.chunkQuads.toLocaleString('en')} quads\n`);
      const result = await outcome;
      progress.done();
      if (report(result) !== 0) return 1;
      process.stderr.write(`saga ${id}: ${basename(file.path)} done, ${result.quadsDone.toLocaleString('en')} quads in ${result.chunksDone} chunks\n`);
      total += result.quadsDone;
    }
    // Same summary line as the direct loader, so the two are compared alike.
    const s = (Date.now() - started) / 1000;
    process.stderr.write(`loaded ${total.toLocaleString('en')} quads in ${s.toFixed(1)} s (${Math.round(total / Math.max(s, 0.001)).toLocaleString('en')} quads/s)\n`);
    process.stdout.write(`${total}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

/** `quarry load --resume ID` and `quarry load --abort ID`. */
export async function continueSaga(conn: ClusterConnection, values: Values, mode: 'resume' | 'abort', id: string): Promise<number> {
  const db = await openControlDb(values);
  const progress = progressPrinter();
  try {
    const saga = await new SagaRepository(db).find(id);
    if (!saga) throw new UsageError(`no saga ${id} (see quarry jobs)`);
    if (saga.cluster !== conn.cluster)
      throw new UsageError(`saga ${id} loads into cluster ${saga.cluster}, not ${conn.cluster}; pass --cluster ${saga.cluster}`);
    const deps = cliSagaDeps(conn, db, (p) => progress.update(p));
    // The previous run on this machine was killed: no need to wait for its heartbeat to go stale.
    const ownerDead = ownerIsDeadLocally(saga.owner);
    try {
      const outcome =
        mode === 'resume' ? await resumeSaga(deps, id, { ownerDead, overrideAbortRequest: true }) : await abortSaga(deps, id, { ownerDead, waitMs: 120_000 });
      progress.done();
      const code = report(outcome);
      if (outcome.state === 'completed') process.stdout.write(`${outcome.quadsDone}\n`);
      if (outcome.state === 'aborted') process.stdout.write('aborted\n');
      return mode === 'abort' && outcome.state === 'aborted' ? 0 : code;
    } catch (err) {
      if (err instanceof SagaStateError) throw new UsageError(err.message);
      throw err;
    }
  } finally {
    await db.destroy();
  }
}
