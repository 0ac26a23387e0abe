/**
 * Linearizability checker: the Wing & Gong search with Lowe's memoization, as in Porcupine
 * (anishathalye/porcupine). An operation with an unknown outcome (the client gave up) gets
 * return time +Infinity: it may take effect at any point after its call, or never.
 *
 * Callers partition histories per key (linearizability is compositional), which keeps each
 * search small.
 */

export interface Operation<I, O> {
  clientId: number;
  input: I;
  /** Undefined when the outcome is unknown. */
  output: O | undefined;
  call: number;
  /** Infinity when the outcome is unknown. */
  ret: number;
}

export interface Model<S, I, O> {
  init(): S;
  /** Applies input to state; ok=false if output is impossible from this state. */
  step(state: S, input: I, output: O | undefined): { ok: boolean; state: S };
  /** Canonical key of a state for memoization. */
  key(state: S): string;
}

interface Node<I, O> {
  isCall: boolean;
  id: number;
  time: number;
  op: Operation<I, O>;
  match: Node<I, O> | undefined; // call -> its return
  prev: Node<I, O> | undefined;
  next: Node<I, O> | undefined;
}

function lift<I, O>(call: Node<I, O>): void {
  // Remove a call and its matching return from the doubly linked list.
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift<I, O>(call: Node<I, O>): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

export interface CheckResult {
  ok: boolean;
  /** Set when the search was abandoned (too many states); treated as "unknown". */
  timedOut?: boolean;
}

/** Checks one (per-key) history. maxStates bounds the search to keep CI time predictable. */
export function checkOperations<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], maxStates = 2_000_000): CheckResult {
  const n = ops.length;
  if (n === 0) return { ok: true };
  const events: Node<I, O>[] = [];
  ops.forEach((op, id) => {
    const call: Node<I, O> = { isCall: true, id, time: op.call, op, match: undefined, prev: undefined, next: undefined };
    const ret: Node<I, O> = { isCall: false, id, time: op.ret, op, match: undefined, prev: undefined, next: undefined };
    call.match = ret;
    events.push(call, ret);
  });
  // By time; at equal times returns first (an op returning at t does not overlap one called at t).
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? 1 : -1));
  const head: Node<I, O> = { isCall: false, id: -1, time: -Infinity, op: ops[0], match: undefined, prev: undefined, next: undefined };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }

  const linearized = new Uint8Array(n);
  const cache = new Set<string>();
  const stack: { node: Node<I, O>; state: S }[] = [];
  let state = model.init();
  let entry = head.next;
  let explored = 0;
  const bitsKey = (): string => {
    // Compact bitset rendering: 6 bits per char.
    let s = '';
    for (let i = 0; i < n; i += 6) {
      let v = 0;
      for (let j = 0; j < 6 && i + j < n; j++) if (linearized[i + j]) v |= 1 << j;
      s += String.fromCharCode(48 + v);
    }
    return s;
  };

  while (head.next !== undefined) {
    if (++explored > maxStates) return { ok: false, timedOut: true };
    if (entry === undefined) return { ok: false }; // defensive; cannot happen with a valid list
    if (entry.isCall) {
      const res = model.step(state, entry.op.input, entry.op.output);
      if (res.ok) {
        linearized[entry.id] = 1;
        const k = `${bitsKey()}|${model.key(res.state)}`;
        if (!cache.has(k)) {
          cache.add(k);
          stack.push({ node: entry, state });
          state = res.state;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[entry.id] = 0;
      }
      entry = entry.next;
    } else {
      // A return whose call is still pending: backtrack.
      const top = stack.pop();
      if (top === undefined) return { ok: false };
      state = top.state;
      linearized[top.node.id] = 0;
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return { ok: true };
}

// ---- per-key register model used by the KV simulation ---------------------------------

export type RegisterInput = { kind: 'put'; value: string } | { kind: 'get' } | { kind: 'cas'; expect: string; value: string };

/** put → 'ok'; get → current value; cas → 'ok' or 'fail'. Initial value is ''. */
export type RegisterOutput = string;

export const registerModel: Model<string, RegisterInput, RegisterOutput> = {
  init: () => '',
  step(state, input, output) {
    switch (input.kind) {
      case 'put':
        return { ok: output === undefined || output === 'ok', state: input.value };
      case 'get':
        return { ok: output === undefined || output === state, state };
      case 'cas':
        if (state === input.expect) return { ok: output === undefined || output === 'ok', state: input.value };
        return { ok: output === undefined || output === 'fail', state };
    }
  },
  key: (s) => s,
};

export interface KeyedOperation extends Operation<RegisterInput, RegisterOutput> {
  key: string;
}

/** Checks a multi-key history key by key; returns the first non-linearizable key, if any. */
export function checkKvHistory(ops: readonly KeyedOperation[]): { ok: boolean; badKey?: string; timedOut?: boolean } {
  const byKey = new Map<string, KeyedOperation[]>();
  for (const op of ops) {
    let l = byKey.get(op.key);
    if (!l) byKey.set(op.key, (l = []));
    l.push(op);
  }
  let timedOut = false;
  for (const [key, l] of byKey) {
    const r = checkOperations(registerModel, l);
    if (r.timedOut) {
      timedOut = true;
      continue;
    }
    if (!r.ok) return { ok: false, badKey: key };
  }
  return { ok: true, timedOut };
}
