import { describe, expect, it } from 'vitest';
import { pipelineBatches } from './pipeline';

async function* batches(rows: number[][], delayMs = 0): AsyncGenerator<number[]> {
  for (const b of rows) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    yield b;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('pipelineBatches', () => {
  it('yields every row once, in input order, with its result', async () => {
    const input = Array.from({ length: 40 }, (_, i) => Array.from({ length: 7 }, (_, j) => i * 7 + j));
    const seen: number[] = [];
    for await (const [batch, sum] of pipelineBatches(batches(input), { maxRows: 50, concurrency: 3 }, async (b) => {
      await sleep(Math.random() * 5);
      return b.reduce((a, x) => a + x, 0);
    })) {
      expect(sum).toBe(batch.reduce((a, x) => a + x, 0));
      expect(batch.length).toBeLessThanOrEqual(50);
      seen.push(...batch);
    }
    expect(seen).toEqual(Array.from({ length: 280 }, (_, i) => i));
  });

  it('sends the first rows at once and coalesces rows that arrive while calls are out', async () => {
    const sizes: number[] = [];
    const input = Array.from({ length: 20 }, () => [1, 1, 1, 1, 1]);
    for await (const _ of pipelineBatches(batches(input, 1), { maxRows: 1000, concurrency: 1 }, async (b) => {
      sizes.push(b.length);
      await sleep(15);
      return b.length;
    })) void _;
    expect(sizes[0]).toBe(5);
    expect(sizes.reduce((a, x) => a + x, 0)).toBe(100);
    expect(sizes.length).toBeLessThan(20);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const input = Array.from({ length: 30 }, (_, i) => [i]);
    for await (const _ of pipelineBatches(batches(input), { maxRows: 1, concurrency: 4 }, async (b) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(2);
      inFlight--;
      return b;
    })) void _;
    expect(most).toBe(4);
  });

  it('rethrows a failed call and stops reading the input', async () => {
    let pulled = 0;
    async function* counting(): AsyncGenerator<number[]> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield [i];
      }
    }
    const run = async (): Promise<void> => {
      for await (const _ of pipelineBatches(counting(), { maxRows: 1, concurrency: 2 }, async (b) => {
        if (b[0] === 3) throw new Error('region down');
        return b;
      })) void _;
    };
    await expect(run()).rejects.toThrow('region down');
    expect(pulled).toBeLessThan(100);
  });

  it('an early stop by the consumer closes the input', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<number[]> {
      try {
        for (let i = 0; ; i++) yield [i];
      } finally {
        closed = true;
      }
    }
    for await (const [batch] of pipelineBatches(endless(), { maxRows: 10, concurrency: 2 }, async (b) => b.length)) {
      if (batch.length > 0) break;
    }
    await sleep(5);
    expect(closed).toBe(true);
  });
});
