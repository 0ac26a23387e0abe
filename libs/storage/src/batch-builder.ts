import { ENCODED_TERM_SIZE } from './term-encoding/term-kind';
import type { EncodedBatch } from './encoded-batch';

function compareTerms(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ENCODED_TERM_SIZE; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Accumulates quads given as encoded term references and produces an EncodedBatch: distinct
 * terms sorted into a table, quads rewritten as ranks into it. Term identity is by object
 * (cheap Map lookups); equal bytes under different objects are merged when sorting.
 */
export class BatchBuilder {
  private refIds = new Map<Uint8Array, number>();
  private refs: Uint8Array[] = [];
  private strings: { hash: Uint8Array; value: string }[] = [];
  private inserts: Uint32Array = new Uint32Array(4096);
  private insertLength = 0;
  private deletes: Uint32Array = new Uint32Array(64);
  private deleteLength = 0;

  constructor(private readonly storedString: (ref: Uint8Array) => string | undefined) {}

  get size(): number {
    return (this.insertLength + this.deleteLength) / 4;
  }

  private idOf(ref: Uint8Array): number {
    let id = this.refIds.get(ref);
    if (id === undefined) {
      id = this.refs.length;
      this.refs.push(ref);
      this.refIds.set(ref, id);
      const value = this.storedString(ref);
      if (value !== undefined) this.strings.push({ hash: ref.subarray(1), value });
    }
    return id;
  }

  add(s: Uint8Array, p: Uint8Array, o: Uint8Array, g: Uint8Array, insert: boolean): void {
    if (insert) {
      if (this.insertLength + 4 > this.inserts.length) this.inserts = grow(this.inserts);
      const at = this.insertLength;
      this.inserts[at] = this.idOf(s);
      this.inserts[at + 1] = this.idOf(p);
      this.inserts[at + 2] = this.idOf(o);
      this.inserts[at + 3] = this.idOf(g);
      this.insertLength += 4;
    } else {
      if (this.deleteLength + 4 > this.deletes.length) this.deletes = grow(this.deletes);
      const at = this.deleteLength;
      this.deletes[at] = this.idOf(s);
      this.deletes[at + 1] = this.idOf(p);
      this.deletes[at + 2] = this.idOf(o);
      this.deletes[at + 3] = this.idOf(g);
      this.deleteLength += 4;
    }
  }

  /** Produces the batch and resets the builder for the next one. */
  build(): EncodedBatch {
    const refs = this.refs;
    const order = refs.map((_, i) => i).sort((a, b) => compareTerms(refs[a], refs[b]));
    const rankOf = new Uint32Array(refs.length);
    const terms = new Uint8Array(refs.length * ENCODED_TERM_SIZE);
    let termCount = 0;
    let previous: Uint8Array | undefined;
    for (const index of order) {
      const ref = refs[index];
      if (previous === undefined || compareTerms(ref, previous) !== 0) {
        terms.set(ref, termCount * ENCODED_TERM_SIZE);
        termCount++;
        previous = ref;
      }
      rankOf[index] = termCount - 1;
    }
    const inserts = this.inserts.slice(0, this.insertLength);
    const deletes = this.deletes.slice(0, this.deleteLength);
    for (let i = 0; i < inserts.length; i++) inserts[i] = rankOf[inserts[i]];
    for (let i = 0; i < deletes.length; i++) deletes[i] = rankOf[deletes[i]];
    const batch: EncodedBatch = { terms: terms.subarray(0, termCount * ENCODED_TERM_SIZE), termCount, inserts, deletes, strings: this.strings };
    this.refIds = new Map();
    this.refs = [];
    this.strings = [];
    this.insertLength = 0;
    this.deleteLength = 0;
    return batch;
  }
}

function grow(array: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
