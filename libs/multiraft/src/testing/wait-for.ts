export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `f` every 10 ms until it returns a value (not undefined or false); throws after `ms`. */
export async function waitFor<T>(f: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    await sleep(10);
  }
  throw new Error('timed out');
}
