/**
 * How join stages feed batches of solutions to a remote source. Against a distributed store a
 * batch costs a network round trip whatever its size, so stages send few, large batches and
 * keep several in flight: the optional and path queries of the LUBM bench went from one
 * round trip per 128 rows, one after another, to a handful overlapping.
 */
export interface PipelineOptions {
  /** Rows per batch at most. */
  maxRows: number;
  /** Batches being worked on at once. */
  concurrency: number;
}

export const REMOTE_PIPELINE: PipelineOptions = { maxRows: 1024, concurrency: 4 };

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Task<T, R> {
  batch: T[];
  done: boolean;
  result: Promise<Settled<R>>;
}

/**
 * Runs `fn` over `input` re-batched, with up to `concurrency` calls in flight, and yields
 * each batch with its result in input order. A batch is sent as soon as nothing is in flight
 * (so the first rows are not held back waiting for more: LIMIT queries stay cheap), or when
 * `maxRows` rows are waiting; rows arriving while calls are out accumulate into the next one
 * (read ahead by at most one batch).
 */
export async function* pipelineBatches<T, R>(input: AsyncIterable<T[]>, opts: PipelineOptions, fn: (batch: T[]) => Promise<R>): AsyncGenerator<[T[], R]> {
  const it = input[Symbol.asyncIterator]();
  const tasks: Task<T, R>[] = [];
  let pending: T[] = [];
  let inputDone = false;
  let next: Promise<IteratorResult<T[]>> | undefined;
  const launch = (): void => {
    const batch = pending.length > opts.maxRows ? pending.splice(0, opts.maxRows) : pending;
    if (batch === pending) pending = [];
    const task: Task<T, R> = {
      batch,
      done: false,
      result: fn(batch).then(
        (value): Settled<R> => ({ ok: true, value }),
        (error: unknown): Settled<R> => ({ ok: false, error }),
      ),
    };
    void task.result.then(() => (task.done = true));
    tasks.push(task);
  };
  try {
    for (;;) {
      while (pending.length > 0 && tasks.length < opts.concurrency && (tasks.length === 0 || pending.length >= opts.maxRows || inputDone)) launch();
      const head = tasks[0];
      // Read ahead at most one batch beyond what is in flight; otherwise wait for the oldest call.
      if (head && (head.done || inputDone || pending.length >= opts.maxRows)) {
        tasks.shift();
        const settled = await head.result;
        if (!settled.ok) throw settled.error;
        yield [head.batch, settled.value];
        continue;
      }
      if (inputDone) return;
      next ??= it.next();
      // Wait for more input, but hand a finished call's rows on as soon as it is done.
      const winner = head ? await Promise.race([next.then(() => 'input' as const), head.result.then(() => 'head' as const)]) : 'input';
      if (winner === 'head') continue;
      const r = await next;
      next = undefined;
      if (r.done) inputDone = true;
      else for (const row of r.value) pending.push(row);
    }
  } finally {
    // An upstream still producing is told to stop once its current step ends.
    if (!inputDone) {
      const closing = next ? next.then(() => it.return?.()) : it.return?.();
      void Promise.resolve(closing).catch(() => undefined);
    }
  }
}
