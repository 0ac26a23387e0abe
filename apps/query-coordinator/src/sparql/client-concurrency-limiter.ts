/**
 * Caps in-flight requests per client so one client cannot take every evaluation slot.
 * `tryAcquire` returns a release function, or undefined when the client is at its limit.
 */
export class ClientConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  tryAcquire(client: string): (() => void) | undefined {
    const current = this.inFlight.get(client) ?? 0;
    if (current >= this.maxPerClient) return undefined;
    this.inFlight.set(client, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(client) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(client);
      else this.inFlight.set(client, n);
    };
  }

  active(client: string): number {
    return this.inFlight.get(client) ?? 0;
  }
}
