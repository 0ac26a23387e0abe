interface Waiter {
  count: number;
  resolve: (first: bigint) => void;
  reject: (err: unknown) => void;
}

/** The most timestamps one request asks for (the oracle grants up to 2^17 at once). */
const MAX_BATCH = 100_000;

/**
 * Shares TSO requests among concurrent callers (as TiDB's PD client does): callers waiting at
 * the same time go out as one request for the sum of their counts, and the range granted is
 * split among them. One request is outstanding by default (as in PD's client): on a loaded
 * 2-core machine more in flight cost more CPU per timestamp than they saved in waiting.
 * Timestamps stay linearizable: a request sent after another's reply was received is served
 * after it by the oracle, which only goes up.
 */
export class TsoBatcher {
  private waiting: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly fetch: (count: number) => Promise<bigint>,
    private readonly maxInFlight = 1,
  ) {}

  request(count: number): Promise<bigint> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ count, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // After the event loop's current turn: callers that a reply just resumed (microtasks) and
    // that ask again join this request, rather than the first leaving alone and the rest a
    // round trip later.
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    if (this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    let total = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || total + this.waiting[n].count <= MAX_BATCH)) total += this.waiting[n++].count;
    const batch = this.waiting.splice(0, n);
    this.inFlight++;
    this.fetch(total)
      .then(
        (first) => {
          let next = first;
          for (const w of batch) {
            w.resolve(next);
            next += BigInt(w.count);
          }
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
    this.schedule();
  }
}
