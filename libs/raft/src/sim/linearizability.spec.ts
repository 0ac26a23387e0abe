import { describe, expect, it } from 'vitest';
import { checkKvHistory, checkOperations, registerModel, type KeyedOperation } from './linearizability';

const put = (c: number, v: string, call: number, ret: number, key = 'x'): KeyedOperation => ({
  key,
  clientId: c,
  input: { kind: 'put', value: v },
  output: ret === Infinity ? undefined : 'ok',
  call,
  ret,
});
const get = (c: number, v: string, call: number, ret: number, key = 'x'): KeyedOperation => ({
  key,
  clientId: c,
  input: { kind: 'get' },
  output: v,
  call,
  ret,
});
const cas = (c: number, e: string, v: string, out: 'ok' | 'fail' | undefined, call: number, ret: number): KeyedOperation => ({
  key: 'x',
  clientId: c,
  input: { kind: 'cas', expect: e, value: v },
  output: out,
  call,
  ret,
});

describe('linearizability checker (register model)', () => {
  it('accepts the empty history and a sequential one', () => {
    expect(checkOperations(registerModel, []).ok).toBe(true);
    expect(checkKvHistory([put(1, 'a', 0, 1), get(1, 'a', 2, 3), put(1, 'b', 4, 5), get(1, 'b', 6, 7)]).ok).toBe(true);
  });

  it('accepts concurrent operations that can be ordered', () => {
    // get overlaps put: may see old or new value.
    expect(checkKvHistory([put(1, 'a', 0, 10), get(2, '', 1, 2)]).ok).toBe(true);
    expect(checkKvHistory([put(1, 'a', 0, 10), get(2, 'a', 1, 2)]).ok).toBe(true);
    // Two concurrent puts, reads after both see the one linearized last.
    expect(checkKvHistory([put(1, 'a', 0, 5), put(2, 'b', 1, 6), get(3, 'a', 7, 8), get(3, 'a', 9, 10)]).ok).toBe(true);
  });

  it('rejects a stale read after a completed write', () => {
    expect(checkKvHistory([put(1, 'a', 0, 1), get(2, '', 2, 3)]).ok).toBe(false);
  });

  it('rejects reads going back in time (new then old)', () => {
    // put b overlaps both reads, but once a read saw b a later read cannot see a.
    const h = [put(1, 'a', 0, 1), put(2, 'b', 2, 20), get(3, 'b', 3, 4), get(3, 'a', 5, 6)];
    expect(checkKvHistory(h).ok).toBe(false);
  });

  it('rejects a read of a value never written', () => {
    expect(checkKvHistory([put(1, 'a', 0, 1), get(2, 'zzz', 2, 3)]).ok).toBe(false);
  });

  it('handles compare-and-set', () => {
    expect(checkKvHistory([put(1, 'a', 0, 1), cas(2, 'a', 'b', 'ok', 2, 3), get(1, 'b', 4, 5)]).ok).toBe(true);
    // Two CAS from the same expected value cannot both succeed.
    expect(checkKvHistory([put(1, 'a', 0, 1), cas(2, 'a', 'b', 'ok', 2, 10), cas(3, 'a', 'c', 'ok', 3, 11)]).ok).toBe(false);
    // A failed CAS must have seen a different value.
    expect(checkKvHistory([put(1, 'a', 0, 1), cas(2, 'a', 'b', 'fail', 2, 3)]).ok).toBe(false);
  });

  it('lets operations with unknown outcome take effect late or never', () => {
    // The put never returned: a later read may or may not see it...
    expect(checkKvHistory([put(1, 'a', 0, Infinity), get(2, '', 1, 2), get(2, 'a', 3, 4)]).ok).toBe(true);
    expect(checkKvHistory([put(1, 'a', 0, Infinity), get(2, '', 1, 2), get(2, '', 3, 4)]).ok).toBe(true);
    // ...but not before it was called.
    expect(checkKvHistory([get(2, 'a', 0, 1), put(1, 'a', 2, Infinity)]).ok).toBe(false);
    // And once observed it cannot be un-observed.
    expect(checkKvHistory([put(1, 'a', 0, Infinity), get(2, 'a', 1, 2), get(2, '', 3, 4)]).ok).toBe(false);
  });

  it('checks keys independently', () => {
    const h = [put(1, 'a', 0, 1, 'x'), put(1, 'b', 2, 3, 'y'), get(2, 'a', 4, 5, 'x'), get(2, '', 6, 7, 'y')];
    const r = checkKvHistory(h);
    expect(r.ok).toBe(false);
    expect(r.badKey).toBe('y');
  });

  it('handles many concurrent operations quickly (memoization)', () => {
    const h: KeyedOperation[] = [];
    for (let i = 0; i < 24; i++) h.push(put(i, `v${i}`, i, 100 + i));
    h.push(get(99, 'v17', 200, 201));
    const t0 = Date.now();
    expect(checkKvHistory(h).ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
