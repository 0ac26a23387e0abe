import type { KvStateMachine } from './kv-state-machine';

/** Wakes long-polling watches when the state machine applies something. */
export class AppliedSignal {
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(sm: KvStateMachine) {
    this.unsubscribe = sm.onApplied(() => this.fire());
  }

  /** Resolves at the next apply, or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  /** Releases every waiting watch (apply, shutdown, lost leadership). */
  fire(): void {
    for (const w of [...this.waiters]) w();
  }

  close(): void {
    this.unsubscribe();
    this.fire();
  }
}
