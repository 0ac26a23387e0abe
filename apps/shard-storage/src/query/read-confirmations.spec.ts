import { describe, expect, it } from 'vitest';
import { ReadConfirmations } from './read-confirmations';

/** A ReadIndex that resolves (or fails) when the test says so, counting its rounds. */
function rounds() {
  const started: bigint[] = [];
  const settle: Array<(err?: Error) => void> = [];
  const readIndexFor = (ts: bigint) => () => {
    started.push(ts);
    return new Promise<void>((resolve, reject) => settle.push((err) => (err ? reject(err) : resolve())));
  };
  return { started, settle, readIndexFor };
}

describe('ReadConfirmations', () => {
  it('lets reads at or below a confirmed timestamp share its round, in flight or done', async () => {
    const c = new ReadConfirmations();
    const replica = {};
    const r = rounds();
    const first = c.confirm(replica, 10n, r.readIndexFor(10n));
    const sameTs = c.confirm(replica, 10n, r.readIndexFor(10n));
    const older = c.confirm(replica, 7n, r.readIndexFor(7n));
    expect(r.started).toEqual([10n]);
    r.settle[0]();
    await Promise.all([first, sameTs, older]);
    await c.confirm(replica, 9n, r.readIndexFor(9n));
    expect(r.started).toEqual([10n]);
  });

  it('starts a new round for a newer timestamp, and for another replica of the region', async () => {
    const c = new ReadConfirmations();
    const replica = {};
    const r = rounds();
    const first = c.confirm(replica, 10n, r.readIndexFor(10n));
    // A round started for 10 may have started before 11 existed: it cannot serve 11.
    const newer = c.confirm(replica, 11n, r.readIndexFor(11n));
    const reopened = c.confirm({}, 10n, r.readIndexFor(10n));
    expect(r.started).toEqual([10n, 11n, 10n]);
    r.settle.forEach((s) => s());
    await Promise.all([first, newer, reopened]);
  });

  it('fails every read sharing a failed round, and tries again for the next one', async () => {
    const c = new ReadConfirmations();
    const replica = {};
    const r = rounds();
    const a = c.confirm(replica, 5n, r.readIndexFor(5n));
    const b = c.confirm(replica, 5n, r.readIndexFor(5n));
    r.settle[0](new Error('not the leader'));
    await expect(a).rejects.toThrow('not the leader');
    await expect(b).rejects.toThrow('not the leader');
    const again = c.confirm(replica, 5n, r.readIndexFor(5n));
    expect(r.started).toEqual([5n, 5n]);
    r.settle[1]();
    await again;
  });
});
