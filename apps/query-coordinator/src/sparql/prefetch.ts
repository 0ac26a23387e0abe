/**
 * Pulls the first item of a stream now and returns a stream that replays it. Evaluation
 * errors that surface before the first result (timeouts, limits, missing SERVICE handlers)
 * then happen before any byte is written and still get their HTTP status.
 */
export async function prefetchFirst<T>(stream: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
}
