/**
 * Process-wide byte budget for entry payloads kept in memory, shared by all groups.
 *
 * Eviction is FIFO by insertion: Raft reads are overwhelmingly of the newest entries (followers
 * being replicated to, entries being applied), and entries are inserted in index order, so the
 * oldest insertion is the coldest. Entries still being written are pinned by their group index
 * (never admitted here) until durable, because the file has no bytes to read back yet.
 */
export interface CacheSlot {
  data: Uint8Array | undefined;
  /** True once admitted: its bytes are counted here and it may be evicted. */
  cached: boolean;
}

export class EntryCache {
  private queue: CacheSlot[] = [];
  private head = 0;
  private usedBytes = 0;
  /** Slots in the queue whose data was already released by their owner. */
  private dead = 0;

  constructor(private readonly budgetBytes: number) {}

  get bytes(): number {
    return this.usedBytes;
  }

  /** Starts accounting for a slot's data; may evict older slots (their data becomes undefined). */
  admit(slot: CacheSlot): void {
    if (slot.data === undefined || slot.cached) return;
    slot.cached = true;
    this.queue.push(slot);
    this.usedBytes += slot.data.length;
    this.evictOverBudget();
  }

  /** The owner dropped the entry (truncated/compacted); free its bytes now. */
  release(slot: CacheSlot): void {
    const counted = slot.cached && slot.data !== undefined ? slot.data.length : -1;
    slot.data = undefined;
    slot.cached = false;
    if (counted < 0) return;
    this.usedBytes -= counted;
    this.dead++;
    this.dropDeadSlotsIfMany();
  }

  private evictOverBudget(): void {
    while (this.usedBytes > this.budgetBytes && this.head < this.queue.length) {
      const slot = this.queue[this.head++];
      if (slot.data !== undefined) {
        this.usedBytes -= slot.data.length;
        slot.data = undefined;
        slot.cached = false;
      } else {
        this.dead--;
      }
    }
    // Reclaim the consumed prefix of the queue in amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Compacted/truncated entries would otherwise sit in the queue until the budget is hit. */
  private dropDeadSlotsIfMany(): void {
    const live = this.queue.length - this.head;
    if (this.dead < 1024 || this.dead * 2 < live) return;
    this.queue = this.queue.slice(this.head).filter((s) => s.data !== undefined);
    this.head = 0;
    this.dead = 0;
  }
}
