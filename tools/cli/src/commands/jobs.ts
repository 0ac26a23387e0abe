import type { LoadSaga } from '@quarry/control-db';
import { ownerIsDeadLocally, SagaRepository } from '@quarry/saga';
import { intOption, type Command } from '../args';
import { clusterNameOf, clusterOptions } from '../cluster-connection';
import { openControlDb, pgOption, pgUsage, SAGA_STALE_MS } from '../saga-connection';

export interface SagaView {
  id: string;
  source: string;
  state: string;
  /** running sagas only: whether the owner still heartbeats (false: resumable with --resume, or by a coordinator). */
  ownerAlive: boolean | null;
  chunksDone: number;
  chunksTotal: number | null;
  quadsDone: number;
  chunksCompensated: number;
  chunkQuads: number;
  startTs: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  owner: string | null;
  resumableBy: string;
  onFailure: string;
  error: string | null;
}

export function sagaView(s: LoadSaga, now = Date.now()): SagaView {
  const alive = s.owner !== null && s.heartbeatAt !== null && now - s.heartbeatAt.getTime() < SAGA_STALE_MS && !ownerIsDeadLocally(s.owner);
  return {
    id: s.id,
    source: s.label,
    state: s.state,
    ownerAlive: s.state === 'running' || s.state === 'aborting' ? alive : null,
    chunksDone: s.chunksDone,
    chunksTotal: s.chunksTotal,
    quadsDone: s.quadsDone,
    chunksCompensated: s.chunksCompensated,
    chunkQuads: s.chunkQuads,
    startTs: s.startTs.toString(),
    startedAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    owner: s.owner,
    resumableBy: s.resumableBy,
    onFailure: s.onFailure,
    error: s.error,
  };
}

function stateText(v: SagaView): string {
  if (v.ownerAlive === false) return `${v.state} (owner gone)`;
  return v.state;
}

function progressText(v: SagaView): string {
  const chunks = v.chunksTotal === null ? `${v.chunksDone}` : `${v.chunksDone}/${v.chunksTotal}`;
  const undo = v.state === 'aborting' || v.state === 'aborted' ? `, undone ${v.chunksCompensated}` : '';
  return `${chunks} chunks, ${v.quadsDone.toLocaleString('en')} quads${undo}`;
}

export const jobs: Command = {
  name: 'jobs',
  summary: "List the cluster's bulk-load sagas with their progress (newest first).",
  usage: `Usage: quarry jobs [--json] [--limit N] [--pg-url URL] [--data-dir DIR]

  --json        one JSON object: {"sagas": [...]}
  --limit N     at most N sagas (default 50)
${pgUsage}

States: running, paused (resume: quarry load --resume ID), completed, aborting, aborted.
"owner gone" marks a running saga whose process stopped heartbeating: resume or abort it.`,
  options: { ...clusterOptions, ...pgOption, json: { type: 'boolean' }, limit: { type: 'string' } },
  async run(values) {
    const limit = intOption(values, 'limit', 50, 1, 10_000);
    const db = await openControlDb(values);
    try {
      const sagas = (await new SagaRepository(db).list(clusterNameOf(values), limit)).map((s) => sagaView(s));
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ sagas })}\n`);
        return 0;
      }
      if (!sagas.length) {
        process.stdout.write('no sagas\n');
        return 0;
      }
      const rows = sagas.map((v) => [v.id, v.source, stateText(v), progressText(v), v.startedAt.replace(/\.\d+Z$/, 'Z'), v.owner ?? '-', v.error ?? '']);
      const head = ['id', 'source', 'state', 'progress', 'started', 'owner', 'error'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 2))).join('')}\n`);
      return 0;
    } finally {
      await db.destroy();
    }
  },
};
