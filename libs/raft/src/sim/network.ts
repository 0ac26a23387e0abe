import type { SeededRng } from '../rng';
import type { Message } from '../types';

export interface NetworkOptions {
  /** Delivery delay in steps, uniform in [minDelay, maxDelay] (different delays reorder). */
  minDelay: number;
  maxDelay: number;
  /** Probability a message is lost. */
  lossRate: number;
  /** Probability a message is delivered twice. */
  dupRate: number;
}

interface InFlight {
  at: number;
  seq: number;
  m: Message;
}

/**
 * Seeded fake network. Links can be cut per direction (asymmetric partitions); a cut link
 * drops messages at delivery time, so messages already in flight when a partition starts are
 * lost too (as TCP connections would be reset).
 */
export class SimNetwork {
  private queue: InFlight[] = [];
  private seq = 0;
  /** Blocked directed links "from>to". */
  private readonly blocked = new Set<string>();
  delivered = 0;
  dropped = 0;

  /** Called for every message lost (loss or cut link), e.g. to report failed snapshots. */
  onDrop: (m: Message) => void = () => undefined;

  constructor(
    private readonly rng: SeededRng,
    readonly opts: NetworkOptions,
  ) {}

  send(m: Message, now: number): void {
    if (this.rng.chance(this.opts.lossRate)) {
      this.dropped++;
      this.onDrop(m);
      return;
    }
    const copies = this.rng.chance(this.opts.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.opts.minDelay + this.rng.intn(this.opts.maxDelay - this.opts.minDelay + 1);
      this.queue.push({ at: now + delay, seq: this.seq++, m });
    }
  }

  /** Messages due at or before now, in delivery order; blocked ones are dropped. */
  due(now: number): Message[] {
    if (this.queue.length === 0) return [];
    const ready: InFlight[] = [];
    const rest: InFlight[] = [];
    for (const f of this.queue) (f.at <= now ? ready : rest).push(f);
    this.queue = rest;
    ready.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const out: Message[] = [];
    for (const f of ready) {
      if (this.blocked.has(`${f.m.from}>${f.m.to}`)) {
        this.dropped++;
        this.onDrop(f.m);
        continue;
      }
      this.delivered++;
      out.push(f.m);
    }
    return out;
  }

  block(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Symmetric partition: no traffic between the two groups. */
  partition(a: readonly number[], b: readonly number[]): void {
    for (const x of a) {
      for (const y of b) {
        this.block(x, y);
        this.block(y, x);
      }
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  isBlocked(from: number, to: number): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  describeBlocked(): string {
    return [...this.blocked].sort().join(' ');
  }

  /** Drops everything addressed to or from a node (it crashed: its sockets are gone). */
  dropNode(id: number): void {
    this.queue = this.queue.filter((f) => f.m.to !== id && f.m.from !== id);
  }

  inFlight(): number {
    return this.queue.length;
  }
}
