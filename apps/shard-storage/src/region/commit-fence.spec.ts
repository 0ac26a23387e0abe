import { describe, expect, it } from 'vitest';
import { CommitFence } from './commit-fence';

describe('CommitFence', () => {
  it('refuses one-phase writes at or below a timestamp already read at, and asks a new leader for a floor', async () => {
    let oracle = 50n;
    const fence = new CommitFence(async () => oracle);
    // First write of the term: the floor comes from the oracle (reads of earlier terms are below it).
    await expect(fence.admit(1, 40n, async () => 'x')).rejects.toMatchObject({ details: { reason: 'COMMIT_TS_TOO_OLD' } });
    await expect(fence.admit(1, 60n, async () => 'ok')).resolves.toBe('ok');
    await fence.beforeRead(100n);
    await expect(fence.admit(1, 100n, async () => 'x')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(fence.admit(1, 101n, async () => 'ok')).resolves.toBe('ok');
    oracle = 500n;
    await expect(fence.admit(2, 200n, async () => 'x')).rejects.toMatchObject({ details: { reason: 'COMMIT_TS_TOO_OLD' } });
  });

  it('makes a read wait for the writes in flight at or below its timestamp, not for later ones', async () => {
    const fence = new CommitFence(async () => 0n);
    let finishLow!: () => void;
    let finishHigh!: () => void;
    const low = fence.admit(1, 10n, () => new Promise<void>((r) => (finishLow = r)));
    const high = fence.admit(1, 30n, () => new Promise<void>((r) => (finishHigh = r)));
    await new Promise((r) => setTimeout(r, 5));
    let readDone = false;
    const read = fence.beforeRead(20n).then(() => (readDone = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(readDone).toBe(false);
    finishLow();
    await read;
    expect(readDone).toBe(true);
    finishHigh();
    await Promise.all([low, high]);
  });
});
