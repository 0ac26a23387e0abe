import { randomBytes } from 'node:crypto';

/** What a paged scan keeps between pages: at least the iterator it continues. */
export interface CursorState {
  rows: AsyncIterator<unknown>;
}

/**
 * Server-side cursors of paged star scans: the evaluation continues where the last page
 * stopped. Bounded in number and idle time, so abandoned scans cannot pin memory or LMDB
 * read snapshots; an expired cursor is an error the client sees, never a silent restart.
 */
export class StarCursors<S extends CursorState> {
  private readonly open = new Map<string, { state: S; expiresAt: number }>();

  constructor(
    private readonly maxOpen = 1024,
    private readonly idleMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(state: S): string {
    this.sweep();
    if (this.open.size >= this.maxOpen) {
      // Drop the one closest to expiry rather than refusing new queries.
      let oldest: string | undefined;
      let at = Infinity;
      for (const [id, c] of this.open) if (c.expiresAt < at) [oldest, at] = [id, c.expiresAt];
      if (oldest) this.close(oldest);
    }
    const id = randomBytes(12).toString('hex');
    this.open.set(id, { state, expiresAt: this.now() + this.idleMs });
    return id;
  }

  /** Takes the cursor out (the caller adds it again when more rows follow). */
  take(id: string): S | undefined {
    this.sweep();
    const c = this.open.get(id);
    this.open.delete(id);
    return c?.state;
  }

  get size(): number {
    return this.open.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, c] of this.open) if (c.expiresAt <= now) this.close(id);
  }

  private close(id: string): void {
    const c = this.open.get(id);
    this.open.delete(id);
    void c?.state.rows.return?.(undefined);
  }
}
