import type { LoadSaga, LoadSagaState } from '@quarry/control-db';
import type { Quad } from '@quarry/rdf';
import type { ChunkCommitter } from './chunk-committer';
import { chunksOf } from './chunker';
import { LostOwnershipError, type NewSaga, type SagaRepository } from './saga-repository';
import { readSource } from './saga-source';

export interface SagaProgress {
  id: string;
  phase: 'load' | 'compensate';
  chunk: number;
  chunksDone: number;
  quadsDone: number;
}

export interface SagaDeps {
  repo: SagaRepository;
  committer: ChunkCommitter;
  /** Which quads were visible at a timestamp (one answer per quad): RegionContains.contains. */
  contains(readTs: bigint, quads: readonly Quad[]): Promise<boolean[]>;
  /** This process, as recorded in load_saga.owner. */
  owner: string;
  /** An owner silent this long is presumed dead and its saga may be taken over. */
  staleMs: number;
  heartbeatMs?: number;
  onProgress?(p: SagaProgress): void;
}

export interface SagaOutcome {
  id: string;
  state: LoadSagaState;
  chunksDone: number;
  quadsDone: number;
  error?: string;
}

/** The saga cannot do what was asked in its current state. */
export class SagaStateError extends Error {}

/** Records a new saga (owned by `deps.owner`) and runs it; see runSaga. */
export async function startSaga(deps: SagaDeps, saga: NewSaga): Promise<{ id: string; outcome: Promise<SagaOutcome> }> {
  const row = await deps.repo.create(saga, deps.owner);
  return { id: row.id, outcome: drive(deps, row) };
}

/** Takes over a running (owner dead) or paused saga and runs it from its last recorded chunk. */
export async function resumeSaga(deps: SagaDeps, id: string, opts: { ownerDead?: boolean; overrideAbortRequest?: boolean } = {}): Promise<SagaOutcome> {
  const saga = await deps.repo.find(id);
  if (!saga) throw new SagaStateError(`no saga ${id}`);
  if (saga.state === 'aborting') throw new SagaStateError(`saga ${id} is being aborted; finish that with --abort`);
  if (saga.state !== 'running' && saga.state !== 'paused') throw new SagaStateError(`saga ${id} is ${saga.state}; nothing to resume`);
  const claimed = await deps.repo.claim(id, deps.owner, ['running', 'paused'], 'running', opts.ownerDead ? 0 : deps.staleMs);
  if (!claimed)
    throw new SagaStateError(`saga ${id} is being run by ${saga.owner ?? 'another process'} (last heartbeat ${saga.heartbeatAt?.toISOString() ?? 'never'})`);
  if (claimed.abortRequested && opts.overrideAbortRequest) await deps.repo.clearAbortRequest(id, deps.owner);
  return drive(deps, claimed);
}

/** Runs the saga forward: every chunk after the last recorded one, committed then recorded. */
async function drive(deps: SagaDeps, saga: LoadSaga): Promise<SagaOutcome> {
  const { repo, owner } = deps;
  const stop = keepAlive(deps, saga.id);
  let chunksDone = saga.chunksDone;
  let quadsDone = saga.quadsDone;
  try {
    const blob = saga.source.kind === 'blob' ? await repo.blob(saga.id) : undefined;
    // Chunk `chunksDone` may have been committed by a process that died before recording it:
    // committing it again is harmless (the same quads), and then it is recorded exactly once.
    for await (const chunk of chunksOf(readSource(saga.source, blob), saga.chunkQuads, saga.chunksDone)) {
      await deps.committer.commit({ inserts: chunk.quads, deletes: [] });
      const { abortRequested } = await repo.chunkCommitted(saga.id, owner, chunk.index, chunk.quads.length);
      chunksDone = chunk.index + 1;
      quadsDone += chunk.quads.length;
      deps.onProgress?.({ id: saga.id, phase: 'load', chunk: chunk.index, chunksDone, quadsDone });
      if (abortRequested) {
        // Hand over to the aborter: released and paused, it claims the saga and compensates.
        await repo.finish(saga.id, owner, 'running', 'paused', { error: 'abort requested' });
        return { id: saga.id, state: 'paused', chunksDone, quadsDone, error: 'abort requested' };
      }
    }
    if (!(await repo.finish(saga.id, owner, 'running', 'completed', { chunksTotal: chunksDone })))
      throw new LostOwnershipError(`saga ${saga.id} was taken over before it could complete`);
    return { id: saga.id, state: 'completed', chunksDone, quadsDone };
  } catch (err) {
    if (err instanceof LostOwnershipError) throw err;
    const error = (err as Error).message;
    await repo.finish(saga.id, owner, 'running', 'paused', { error });
    if (saga.onFailure === 'abort') {
      stop();
      const aborted = await abortSaga(deps, saga.id);
      return { ...aborted, error };
    }
    return { id: saga.id, state: 'paused', chunksDone, quadsDone, error };
  } finally {
    stop();
  }
}

/**
 * Compensates: for every chunk that may have been committed (those recorded, and the one after,
 * which may have landed unrecorded), deletes the quads that were not visible at the saga's
 * start timestamp. A saga run by a live owner is first asked to stop (it pauses at its next
 * chunk); waits up to `waitMs` for that. Resumable: compensated chunks are recorded too.
 */
export async function abortSaga(deps: SagaDeps, id: string, opts: { waitMs?: number; ownerDead?: boolean } = {}): Promise<SagaOutcome> {
  const { repo, owner } = deps;
  const saga = await repo.find(id);
  if (!saga) throw new SagaStateError(`no saga ${id}`);
  if (saga.state === 'aborted') return { id, state: 'aborted', chunksDone: saga.chunksDone, quadsDone: saga.quadsDone };
  if (saga.state === 'completed') throw new SagaStateError(`saga ${id} completed; its quads are ordinary data now (remove them with SPARQL Update)`);
  const from: LoadSagaState[] = ['running', 'paused', 'aborting'];
  let claimed = await repo.claim(id, owner, from, 'aborting', opts.ownerDead ? 0 : deps.staleMs);
  if (!claimed) {
    await repo.requestAbort(id);
    const deadline = Date.now() + (opts.waitMs ?? 60_000);
    while (!claimed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      claimed = await repo.claim(id, owner, from, 'aborting', deps.staleMs);
    }
    if (!claimed) throw new SagaStateError(`saga ${id} is still run by ${saga.owner ?? 'another process'}; it was asked to stop, try again later`);
  }
  const stop = keepAlive(deps, id);
  try {
    const blob = claimed.source.kind === 'blob' ? await repo.blob(id) : undefined;
    const last = claimed.chunksTotal === null ? claimed.chunksDone : Math.min(claimed.chunksDone, claimed.chunksTotal - 1);
    for await (const chunk of chunksOf(readSource(claimed.source, blob), claimed.chunkQuads, claimed.chunksCompensated)) {
      if (chunk.index > last) break;
      const before = await deps.contains(claimed.startTs, chunk.quads);
      const deletes = chunk.quads.filter((_, i) => !before[i]);
      await deps.committer.commit({ inserts: [], deletes });
      await repo.chunkCompensated(id, owner, chunk.index);
      deps.onProgress?.({ id, phase: 'compensate', chunk: chunk.index, chunksDone: claimed.chunksDone, quadsDone: claimed.quadsDone });
    }
    if (!(await repo.finish(id, owner, 'aborting', 'aborted'))) throw new LostOwnershipError(`saga ${id} was taken over during its abort`);
    return { id, state: 'aborted', chunksDone: claimed.chunksDone, quadsDone: claimed.quadsDone };
  } catch (err) {
    if (!(err instanceof LostOwnershipError)) await repo.finish(id, owner, 'aborting', 'aborting', { error: (err as Error).message }).catch(() => undefined);
    throw err;
  } finally {
    stop();
  }
}

/** Heartbeats while an owner works on a saga; returns the function that stops them. */
function keepAlive(deps: SagaDeps, id: string): () => void {
  const timer = setInterval(
    () => void deps.repo.heartbeat(id, deps.owner).catch(() => undefined),
    deps.heartbeatMs ?? Math.max(200, Math.floor(deps.staleMs / 5)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
