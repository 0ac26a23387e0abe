import { create } from '@bufbuild/protobuf';
import { WatchEventSchema, WatchEventType, WatchReplySchema, type WatchReply } from '@quarry/proto';
import { QuarryError } from '@quarry/transport';
import { describe, expect, it } from 'vitest';
import { ConsensusUnavailableError, WatchCompactedError } from './errors';
import { WatchStream } from './watch-stream';

const ev = (rev: number) => create(WatchEventSchema, { type: WatchEventType.PUT, kv: { key: new TextEncoder().encode(`k${rev}`), modRevision: BigInt(rev) } });
const reply = (revs: number[], next: number): WatchReply => create(WatchReplySchema, { events: revs.map(ev), nextRevision: BigInt(next) });

describe('WatchStream', () => {
  it('polls from the revision after the last one seen, drops overlap from retried polls, survives outages', async () => {
    const asked: bigint[] = [];
    const script: (WatchReply | Error)[] = [
      reply([5, 6], 7),
      new ConsensusUnavailableError('election'),
      new QuarryError('UNAVAILABLE', 'no leader yet'),
      reply([6, 7, 9], 10), // a replica answering with an overlap: 6 is not delivered twice
      reply([], 10),
      reply([12], 13),
    ];
    const w = new WatchStream(async (from) => {
      asked.push(from);
      const next = script.shift();
      if (!next) return new Promise<WatchReply>(() => undefined); // waits forever: the test cancels
      if (next instanceof Error) throw next;
      return next;
    }, { fromRevision: 5n });
    const got: bigint[] = [];
    for await (const e of w) {
      got.push(e.kv!.modRevision);
      if (got.length === 5) break;
    }
    expect(got).toEqual([5n, 6n, 7n, 9n, 12n]);
    expect(asked).toEqual([5n, 7n, 7n, 7n, 10n, 10n]);
    expect(w.revision).toBe(13n);
  });

  it('cancel() ends a pending next() at once', async () => {
    const w = new WatchStream(() => new Promise<WatchReply>(() => undefined));
    const pending = w.next();
    w.cancel();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('stops with the typed error when the revision is compacted', async () => {
    const w = new WatchStream(async () => {
      throw new WatchCompactedError('compacted', 10n, 11n);
    }, { fromRevision: 3n });
    const err = await w.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchCompactedError);
    expect((err as WatchCompactedError).oldestRevision).toBe(11n);
  });
});
