import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { ChangeEventSchema, type PendingChange } from '@quarry/proto';
import { quadToLine } from '@quarry/rdf';
import type { ServiceContext } from '@quarry/service-kit';
import { decodeBatch, deserializeEncodedBatch } from '@quarry/storage';
import { fromPhysicalMs, physicalMs } from '@quarry/store-client';
import type { StoreNode } from '../store-node';

/** Text per feed message; NATS refuses messages over 1 MiB by default. */
const MAX_EVENT_TEXT = 700 * 1024;
/**
 * How far behind the oracle the feed's resolved timestamp trails. Resolving up to the newest
 * timestamp would pass the commit fence a read at "now", which refuses every one-phase write
 * whose timestamp was taken a moment earlier and is still on its way (it retries with a new
 * one); half a second back, writes in flight are above it.
 */
const RESOLVE_LAG_MS = 500n;
/** JetStream drops a re-published message with the same id within this window. */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/**
 * Publishes what regions commit to the change feed (docs/change-feed.md): on each region this
 * store leads, the changes of its outbox that no later apply can precede, in commit-timestamp
 * order, then a TrimChanges entry so every replica drops them.
 *
 * "No later apply can precede" is a resolved timestamp, as TiCDC's: an oracle timestamp T
 * (RESOLVE_LAG_MS back) passed through the commit fence (no one-phase write at or below T can still be admitted or be
 * in flight) and a ReadIndex (everything committed is applied), capped below the oldest open
 * lock (a prewritten transaction commits above its start). Exactly once: each message carries
 * the id region-ts-part (JetStream drops duplicates), and a new leader starts after the commit
 * timestamp of the last message the stream holds for the region.
 */
export class ChangePublisher {
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private timer?: NodeJS.Timeout;
  private busy = false;
  /** Per region: the last commit ts known published, and in which leader term it was learnt. */
  private readonly published = new Map<number, { term: number; ts: bigint }>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly node: StoreNode,
    private readonly intervalMs = 200,
  ) {}

  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.ctx.bus.nc);
    await ensureChangesStream(this.jsm, this.ctx.subjects.changesStream, this.ctx.subjects.changes());
    this.js = jetstream(this.ctx.bus.nc);
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const [regionId, sm] of this.node.machines) {
        if (!sm.outbox.size) continue;
        try {
          if (this.node.host.group(regionId).isLeader) await this.publishRegion(regionId);
        } catch (err) {
          this.ctx.logger.warn({ err, regionId }, 'change feed: publishing failed; will retry');
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async publishRegion(regionId: number): Promise<void> {
    const term = this.node.term(regionId);
    let last = this.published.get(regionId);
    if (!last || last.term !== term) last = { term, ts: await this.lastPublished(regionId) };
    this.published.set(regionId, last);
    const now = fromPhysicalMs(physicalMs(await this.node.consensus.timestamp()) - RESOLVE_LAG_MS);
    await this.node.fence(regionId).beforeRead(now);
    await this.node.host.readIndex(regionId);
    if (!this.node.host.group(regionId).isLeader) return;
    const sm = this.node.machine(regionId);
    const lock = sm.locks.blocking(now);
    const resolved = lock ? lock.startTs - 1n : now;
    const due = sm.outbox.upTo(resolved);
    if (!due.length) return;
    for (const change of due) {
      if (change.commitTs <= last.ts) continue; // published by an earlier leader
      await this.publish(regionId, change);
      last.ts = change.commitTs;
    }
    await this.node.propose(regionId, { case: 'trimChanges', value: { upToTs: due[due.length - 1].commitTs } });
  }

  private async publish(regionId: number, change: PendingChange): Promise<void> {
    let inserted = '';
    let deleted = '';
    for (const bytes of change.batches) {
      const { inserts, deletes } = decodeBatch(deserializeEncodedBatch(bytes, { verifyHashes: false }));
      for (const q of inserts) inserted += quadToLine(q, 'N-Quads');
      for (const q of deletes) deleted += quadToLine(q, 'N-Quads');
    }
    const parts = splitText(inserted, deleted);
    for (let i = 0; i < parts.length; i++) {
      const event = create(ChangeEventSchema, { regionId, commitTs: change.commitTs, txId: change.txId, inserted: parts[i].inserted, deleted: parts[i].deleted, part: i + 1, parts: parts.length });
      await this.js!.publish(this.ctx.subjects.changes(regionId), toBinary(ChangeEventSchema, event), { msgID: `${regionId}-${change.commitTs}-${i + 1}` });
    }
  }

  /**
   * The commit ts of the region's last change wholly in the stream (0 when none). A change
   * whose last part is missing counts as unpublished: publishing it again re-sends the parts
   * already there, which the stream drops as duplicates.
   */
  private async lastPublished(regionId: number): Promise<bigint> {
    const msg = await this.jsm!.streams.getMessage(this.ctx.subjects.changesStream, { last_by_subj: this.ctx.subjects.changes(regionId) }).catch(() => null);
    if (!msg) return 0n;
    const event = fromBinary(ChangeEventSchema, msg.data);
    return event.part < event.parts ? event.commitTs - 1n : event.commitTs;
  }
}

/** Creates the change-feed stream if missing (idempotent; several stores race to create it). */
export async function ensureChangesStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams
      .add({ name, subjects: [subject], retention: RetentionPolicy.Limits, max_age: 7 * 24 * 3600 * 1e9, max_bytes: 1024 * 1024 * 1024, duplicate_window: DUPLICATE_WINDOW_NS })
      .catch(async (err: unknown) => {
        await jsm.streams.info(name).catch(() => {
          throw err;
        });
      });
  }
}

/** Cuts a change's text at line ends into messages of at most MAX_EVENT_TEXT characters. */
export function splitText(inserted: string, deleted: string): { inserted: string; deleted: string }[] {
  const parts: { inserted: string; deleted: string }[] = [];
  let current = { inserted: '', deleted: '' };
  const add = (text: string, key: 'inserted' | 'deleted'): void => {
    for (const line of text.split('\n')) {
      if (!line) continue;
      if (current.inserted.length + current.deleted.length + line.length + 1 > MAX_EVENT_TEXT && (current.inserted || current.deleted)) {
        parts.push(current);
        current = { inserted: '', deleted: '' };
      }
      current[key] += `${line}\n`;
    }
  };
  add(inserted, 'inserted');
  add(deleted, 'deleted');
  parts.push(current);
  return parts;
}
