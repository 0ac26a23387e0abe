/** Yields batches from several async streams as soon as any has one (order across streams is free). */
export async function* mergeStreams<T>(streams: AsyncIterator<T>[]): AsyncGenerator<T> {
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number): void => {
    pending.set(
      i,
      streams[i].next().then((r) => ({ i, r })),
    );
  };
  streams.forEach((_, i) => pull(i));
  try {
    while (pending.size) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) pending.delete(i);
      else {
        pull(i);
        yield r.value;
      }
    }
  } finally {
    // Stop the other regions' scans when the consumer stops early (LIMIT, error, disconnect).
    await Promise.allSettled(streams.map((s) => s.return?.()));
  }
}
