import { INDEX_TERM_SIZE, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE } from './keys';

/** The term ids (4 bytes each) of the quad of an index entry, in s, p, o[, g] order. */
export function quadTermsOf(spec: IndexSpec, key: Buffer, value: Buffer): Buffer[] {
  const terms: Buffer[] = [];
  spec.order.forEach((position, k) => {
    terms[position] =
      k === 0 ? key.subarray(REGION_PREFIX_SIZE, REGION_PREFIX_SIZE + INDEX_TERM_SIZE) : value.subarray((k - 1) * INDEX_TERM_SIZE, k * INDEX_TERM_SIZE);
  });
  return terms;
}

/**
 * The key and value of a quad's entry in `spec` under `region`, from its term ids in s, p, o[, g]
 * order. `version` is appended only in a versioned index (dspo, spog).
 */
export function indexEntryOf(spec: IndexSpec, region: Buffer, terms: readonly Buffer[], version?: Buffer): [Buffer, Buffer] {
  const key = Buffer.concat([region, terms[spec.order[0]]]);
  const parts = spec.order.slice(1).map((position) => terms[position]);
  if (spec.versioned) {
    if (version === undefined) throw new Error(`an entry of ${spec.name} needs a version`);
    parts.push(version);
  }
  return [key, Buffer.concat(parts)];
}
