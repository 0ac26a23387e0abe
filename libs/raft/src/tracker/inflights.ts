/**
 * Flow control window of one follower: the MsgApps sent but not yet acknowledged, as a ring
 * buffer of (last index, bytes). The leader stops sending when either the count or the byte
 * budget is exhausted; acknowledgements free slots from the front. Preallocated to avoid
 * per-message allocation.
 */
export class Inflights {
  private start = 0;
  private count = 0;
  private bytes = 0;
  private readonly indexes: Float64Array;
  private readonly sizes: Float64Array;

  constructor(
    readonly size: number,
    /** 0 means no byte limit. */
    readonly maxBytes: number = 0,
  ) {
    this.indexes = new Float64Array(size);
    this.sizes = new Float64Array(size);
  }

  clone(): Inflights {
    const c = new Inflights(this.size, this.maxBytes);
    c.indexes.set(this.indexes);
    c.sizes.set(this.sizes);
    c.start = this.start;
    c.count = this.count;
    c.bytes = this.bytes;
    return c;
  }

  /** Records a MsgApp whose last entry is `index`, carrying `bytes` of payload. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights');
    let next = this.start + this.count;
    if (next >= this.size) next -= this.size;
    this.indexes[next] = index;
    this.sizes[next] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every in-flight message whose last index is <= to (acknowledged). */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.indexes[this.start]) return;
    let idx = this.start;
    let i = 0;
    let bytes = 0;
    for (; i < this.count; i++) {
      if (to < this.indexes[idx]) break;
      bytes += this.sizes[idx];
      if (++idx >= this.size) idx -= this.size;
    }
    this.count -= i;
    this.bytes -= bytes;
    this.start = idx;
    if (this.count === 0) this.start = 0;
  }

  full(): boolean {
    return this.count === this.size || (this.maxBytes !== 0 && this.bytes >= this.maxBytes);
  }

  len(): number {
    return this.count;
  }

  totalBytes(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
