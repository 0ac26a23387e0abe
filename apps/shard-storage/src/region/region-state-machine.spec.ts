import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { RegionCommandSchema } from '@quarry/proto';
import { QuadStore } from '@quarry/storage';
import { DataFactory } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { RegionStateMachine } from './region-state-machine';

const { namedNode, literal, quad } = DataFactory;

describe('RegionStateMachine', () => {
  const dirs: string[] = [];
  const open = (): QuadStore => {
    const d = mkdtempSync(join(tmpdir(), 'quarry-rsm-'));
    dirs.push(d);
    return new QuadStore({ path: d, noSync: true });
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  const entry = (store: QuadStore, index: number, ts: bigint, n: number, garbage = false) => ({
    term: 6,
    index,
    type: 'normal' as const,
    data: garbage
      ? new Uint8Array([0xff, 0x01])
      : toBinary(RegionCommandSchema, create(RegionCommandSchema, { op: { case: 'write', value: { regionId: 1, commitTs: ts, batch: store.encodeToBytes(Array.from({ length: n }, (_, i) => quad(namedNode(`http://x/${index}/${i}`), namedNode('http://x/p'), literal(String(i))))) } } })),
  });

  it('applies batches idempotently, rejects garbage deterministically, and snapshots to an equal replica', async () => {
    const a = open();
    const sm = new RegionStateMachine(a, 1);
    await sm.ensureCreated();
    const entries = [entry(a, 7, 10n, 50), entry(a, 8, 11n, 50), entry(a, 9, 12n, 1, true)];
    const results = await sm.apply(entries);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const before = a.checksum(1n);
    await sm.apply(entries.slice(0, 2)); // replay after a crash: no change
    expect(a.checksum(1n)).toBe(before);
    expect(a.regionStats(1n).quadCount).toBe(100);

    const b = open();
    const copy = new RegionStateMachine(b, 1);
    await copy.restore(await sm.snapshot());
    expect(b.checksum(1n)).toBe(before);
    await expect(copy.restore(new Uint8Array([0, 0, 0, 9, 1]))).rejects.toThrow(/truncated/);
    expect(b.checksum(1n)).toBe(before); // a bad snapshot changed nothing
    await a.close();
    await b.close();
  });
});
