import type { Term } from '@quarry/rdf';
import type { BinaryDb } from './lmdb-env';
import { CorruptDataError } from './errors';
import { decodeDictionaryValue, idKey } from './term-dictionary';

const CACHE_LIMIT = 200_000;

function readId(bytes: Uint8Array, offset: number): number {
  return bytes[offset] * 0x1000000 + ((bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]);
}

/** Decodes one region's term ids, with a bounded cache (ids are region-local). */
export class RegionTermDecoder {
  private readonly cache = new Map<number, Term>();
  // Scans return runs of entries sharing terms (same key, same predicate): remembering the
  // last id per quad position skips even the map lookup for those.
  private readonly lastIds = [-1, -1, -1, -1];
  private readonly lastTerms: (Term | undefined)[] = [undefined, undefined, undefined, undefined];

  constructor(
    private readonly id2term: BinaryDb,
    readonly region: Buffer,
  ) {}

  /** decode() of the id at `bytes[offset]`, with a one-entry memo for quad position `slot` (0..3). */
  decodeAt(bytes: Uint8Array, offset: number, slot: number): Term {
    const id = readId(bytes, offset);
    if (id === this.lastIds[slot]) return this.lastTerms[slot]!;
    const term = this.decode(id);
    this.lastIds[slot] = id;
    this.lastTerms[slot] = term;
    return term;
  }

  decodeIdAt(bytes: Uint8Array, offset: number): Term {
    return this.decode(readId(bytes, offset));
  }

  decode(id: number): Term {
    let term = this.cache.get(id);
    if (term === undefined) {
      const value = this.id2term.getBinaryFast(idKey(this.region, id));
      if (value === undefined) throw new CorruptDataError(`term id ${id} missing from the region dictionary`);
      term = decodeDictionaryValue(value);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(id, term);
    }
    return term;
  }
}

/**
 * Decoders per region. A region's ids change meaning when it is dropped, restored from a
 * snapshot or re-created: the store calls forget() then.
 */
export class TermDecodeCache {
  private readonly regions = new Map<string, RegionTermDecoder>();

  constructor(private readonly id2term: BinaryDb) {}

  forRegion(region: Buffer): RegionTermDecoder {
    const name = region.toString('latin1');
    let decoder = this.regions.get(name);
    if (decoder === undefined) {
      if (this.regions.size >= 1024) this.regions.clear();
      decoder = new RegionTermDecoder(this.id2term, Buffer.from(region));
      this.regions.set(name, decoder);
    }
    return decoder;
  }

  /** The term whose id is at `bytes[offset]` in an index key or value of `region`. */
  decode(bytes: Uint8Array, offset: number, region: Buffer): Term {
    return this.forRegion(region).decodeIdAt(bytes, offset);
  }

  forget(region: Buffer): void {
    this.regions.delete(region.toString('latin1'));
  }

  clear(): void {
    this.regions.clear();
  }
}
