import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { RegionCommandSchema } from '@quarry/proto';
import type { Quad } from '@quarry/rdf';
import type { QuadStore } from '@quarry/storage';
import { DataFactory } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { TempQuadStores } from '../testing/temp-quad-stores';
import { RegionStateMachine, type RegionApplyResult } from './region-state-machine';

const { namedNode, literal, quad } = DataFactory;
const q = (s: string, o: string): Quad => quad(namedNode(`http://x/${s}`), namedNode('http://x/balance'), literal(o));

/** Two-phase commit as a region replica applies it (ADR 0009). */
describe('RegionStateMachine transactions', () => {
  const temp = new TempQuadStores('quarry-txn');
  const open = (): QuadStore => temp.open();
  afterEach(() => temp.closeAll());

  let index = 0;
  async function run(sm: RegionStateMachine, op: MessageInitShape<typeof RegionCommandSchema>['op']): Promise<RegionApplyResult> {
    const data = toBinary(RegionCommandSchema, create(RegionCommandSchema, { op }));
    return (await sm.apply([{ term: 1, index: ++index, type: 'normal', data }]))[0];
  }
  const visible = async (store: QuadStore, readTs: bigint): Promise<string[]> => {
    const out: string[] = [];
    for await (const page of store.scanAll(1n, {}, readTs)) for (const x of page) out.push(`${x.subject.value} ${x.object.value}`);
    return out.sort();
  };

  async function setup() {
    const store = open();
    const sm = new RegionStateMachine(store, 1);
    await sm.ensureCreated();
    const batch = (ins: Quad[], del: Quad[] = []) => store.encodeToBytes(ins, del);
    expect((await run(sm, { case: 'write', value: { regionId: 1, commitTs: 10n, batch: batch([q('a', '100'), q('b', '100')]) } })).ok).toBe(true);
    return { store, sm, batch };
  }

  it('holds a prewritten part invisible and blocking readers until it commits at the commit timestamp', async () => {
    const { store, sm, batch } = await setup();
    const transfer = batch([q('a', '90')], [q('a', '100')]);
    expect(await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't1', startTs: 20n, batch: transfer, lockTtlMs: 1000 } })).toMatchObject({ ok: true });
    expect(await visible(store, 100n)).toEqual(['http://x/a 100', 'http://x/b 100']);
    expect(sm.locks.blocking(19n)).toBeUndefined(); // started after the read: cannot commit below it
    expect(sm.locks.blocking(20n)).toMatchObject({ txId: 't1', startTs: 20n, ttlMs: 1000 });

    expect(await run(sm, { case: 'commitTxn', value: { regionId: 1, txId: 't1', commitTs: 30n } })).toMatchObject({ ok: true, found: true });
    expect(sm.locks.size).toBe(0);
    expect(await visible(store, 29n)).toEqual(['http://x/a 100', 'http://x/b 100']);
    expect(await visible(store, 30n)).toEqual(['http://x/a 90', 'http://x/b 100']);
    // A repeated commit (a lost reply, a second reader resolving the lock) changes nothing.
    const before = store.checksum(1n);
    expect(await run(sm, { case: 'commitTxn', value: { regionId: 1, txId: 't1', commitTs: 30n } })).toMatchObject({ ok: true, found: false });
    expect(store.checksum(1n)).toBe(before);
  });

  it('refuses a second transaction on a locked quad, and a write of a quad changed after its snapshot', async () => {
    const { sm, batch } = await setup();
    expect((await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't1', startTs: 20n, batch: batch([], [q('a', '100')]), lockTtlMs: 1000 } })).ok).toBe(true);
    const locked = await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't2', startTs: 21n, batch: batch([q('a', '5')], [q('a', '100')]), lockTtlMs: 1000 } });
    expect(locked).toMatchObject({ ok: false, code: 'LOCKED', lock: { txId: 't1', startTs: 20n } });
    const lockedWrite = await run(sm, { case: 'write', value: { regionId: 1, commitTs: 22n, startTs: 21n, batch: batch([], [q('a', '100')]) } });
    expect(lockedWrite).toMatchObject({ ok: false, code: 'LOCKED' });
    // Another quad is free; the same transaction may prewrite more parts.
    expect((await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't2', startTs: 21n, batch: batch([q('b', '7')]), lockTtlMs: 1000 } })).ok).toBe(true);
    expect((await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't1', startTs: 20n, batch: batch([q('c', '1')]), lockTtlMs: 1000 } })).ok).toBe(true);
    expect((await run(sm, { case: 'commitTxn', value: { regionId: 1, txId: 't1', commitTs: 25n } })).ok).toBe(true);

    // a's balance 100 was deleted at 25: a transaction whose older snapshot still saw it loses.
    const stale = await run(sm, { case: 'write', value: { regionId: 1, commitTs: 40n, startTs: 24n, batch: batch([q('a', '1')], [q('a', '100')]) } });
    expect(stale).toMatchObject({ ok: false, code: 'WRITE_CONFLICT' });
    const stalePrewrite = await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't3', startTs: 24n, batch: batch([], [q('a', '100')]), lockTtlMs: 1000 } });
    expect(stalePrewrite).toMatchObject({ ok: false, code: 'WRITE_CONFLICT' });
    expect(sm.locks.has('t3')).toBe(false);
    // A blind change (it read nothing) is checked against locks only.
    expect((await run(sm, { case: 'write', value: { regionId: 1, commitTs: 40n, startTs: 24n, blind: true, batch: batch([q('a', '2')], [q('a', '100')]) } })).ok).toBe(true);
    expect(await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't4', startTs: 24n, blind: true, batch: batch([q('b', '7')]), lockTtlMs: 1000 } })).toMatchObject({ ok: false, code: 'LOCKED' });
    // A fresh snapshot passes; the same write applied again (a retried request) is not its own conflict.
    const fresh = { case: 'write' as const, value: { regionId: 1, commitTs: 41n, startTs: 26n, batch: batch([q('a', '1')], [q('a', '90')]) } };
    expect((await run(sm, fresh)).ok).toBe(true);
    expect((await run(sm, fresh)).ok).toBe(true);
  });

  it('rolls back without a trace, carries locks in snapshots, and refuses to split while locks are open', async () => {
    const { store, sm, batch } = await setup();
    const before = store.checksum(1n);
    expect((await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't1', startTs: 20n, batch: batch([q('z', '1')]), lockTtlMs: 1000 } })).ok).toBe(true);
    expect((await run(sm, { case: 'prewrite', value: { regionId: 1, txId: 't2', startTs: 21n, batch: batch([q('y', '1')]), lockTtlMs: 1000 } })).ok).toBe(true);
    expect((await run(sm, { case: 'rollbackTxn', value: { regionId: 1, txId: 't1' } })).found).toBe(true);
    expect((await run(sm, { case: 'commitTxn', value: { regionId: 1, txId: 't1', commitTs: 30n } })).found).toBe(false);
    expect(store.checksum(1n)).toBe(before);

    const split = await run(sm, { case: 'split', value: { splitHash: 1n << 63n, newRegionId: 2, expectedVersion: 0n } });
    expect(split).toMatchObject({ ok: false, code: 'BUSY' });
    expect(split.error).toMatch(/open transaction/);

    const copy = new RegionStateMachine(open(), 1);
    await copy.restore(await sm.snapshot());
    expect(copy.locks.blocking(100n)).toMatchObject({ txId: 't2', startTs: 21n });
    expect((await run(copy, { case: 'commitTxn', value: { regionId: 1, txId: 't2', commitTs: 31n } })).found).toBe(true);
    expect(await visible(temp.opened[1], 31n)).toEqual(['http://x/a 100', 'http://x/b 100', 'http://x/y 1']);
  });
});
