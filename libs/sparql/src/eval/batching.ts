import type { Binding } from './binding';
import type { EvalContext } from './context';
import { checkAborted, checkMaterialized } from './context';

export type BindingStream = AsyncIterable<Binding[]>;

/** Collects output rows into batches of roughly ctx.batchSize. */
export class BatchBuffer {
  private rows: Binding[] = [];
  constructor(private readonly size: number) {}

  push(b: Binding): boolean {
    this.rows.push(b);
    return this.rows.length >= this.size;
  }

  take(): Binding[] {
    const out = this.rows;
    this.rows = [];
    return out;
  }

  get length(): number {
    return this.rows.length;
  }
}

/** Applies a per-row function producing zero or more rows, re-batching the output. */
export async function* flatMapRows(input: BindingStream, ctx: EvalContext, fn: (b: Binding) => Iterable<Binding>): BindingStream {
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const batch of input) {
    checkAborted(ctx);
    for (const row of batch) for (const out of fn(row)) if (buffer.push(out)) yield buffer.take();
  }
  if (buffer.length > 0) yield buffer.take();
}

/** Reads a whole stream into memory, enforcing the materialisation limit. */
export async function materialize(input: BindingStream, ctx: EvalContext): Promise<Binding[]> {
  const out: Binding[] = [];
  for await (const batch of input) {
    checkAborted(ctx);
    for (const b of batch) out.push(b);
    checkMaterialized(ctx, out.length);
  }
  return out;
}

export async function* fromArray(rows: Binding[], size: number): BindingStream {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export async function isEmpty(input: BindingStream): Promise<boolean> {
  for await (const batch of input) if (batch.length > 0) return false;
  return true;
}

/**
 * The input's only solution when it holds exactly one (a BGP evaluated from its seed), else
 * the whole input, still unread past what was looked at.
 */
export type SplitInput = { lone: Binding; rest?: undefined } | { lone?: undefined; rest: BindingStream };

export async function loneSolution(input: BindingStream): Promise<SplitInput> {
  const it = input[Symbol.asyncIterator]();
  const first: Binding[] = [];
  let r = await it.next();
  while (!r.done && first.length < 2) {
    first.push(...r.value);
    if (first.length >= 2) break;
    r = await it.next();
  }
  if (r.done && first.length === 1) return { lone: first[0] };
  const ended = r.done === true;
  return {
    rest: (async function* () {
      let finished = ended;
      try {
        if (first.length) yield first;
        while (!finished) {
          const n = await it.next();
          if (n.done) finished = true;
          else yield n.value;
        }
      } finally {
        if (!finished) await it.return?.();
      }
    })(),
  };
}
