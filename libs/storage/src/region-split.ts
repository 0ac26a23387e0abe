import { subjectHashKey } from '@quarry/rdf';
import type { StorageEnv } from './lmdb-env';
import { DEFAULT_GRAPH_INDEXES, DSPO, INDEX_TERM_SIZE, NAMED_GRAPH_INDEXES, SPOG, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, regionEnd, regionPrefix, type RegionId } from './keys';
import type { TermDecodeCache } from './term-cache';
import { encodedTermOf, idKey } from './term-dictionary';

export interface SplitResult {
  /** Quad versions (index entries of the subject-first index) copied. */
  copiedVersions: number;
  subjects: number;
}

/** Rebuilds all index entries of one quad version from its term ids in s, p, o, g order. */
function entriesOf(specs: readonly IndexSpec[], region: Buffer, terms: Buffer[], version: Buffer): [IndexSpec, Buffer, Buffer][] {
  return specs.map((spec) => {
    const key = Buffer.concat([region, terms[spec.order[0]]]);
    const value = Buffer.concat([...spec.order.slice(1).map((pos) => terms[pos]), version]);
    return [spec, key, value];
  });
}

/**
 * Copies every version of every quad whose subject's routing hash is ≥ `splitKey` from
 * `source` into `target` (registered by the caller, empty), with the dictionary entries of the
 * terms they use under the same term ids; with `removeFromSource` the copied entries leave the
 * source in the same transaction (the source keeps its dictionary entries).
 * Subjects are visited through the subject-first indexes (DSPO, SPOG).
 */
export function splitRegionData(
  env: StorageEnv,
  decoder: TermDecodeCache,
  source: RegionId,
  target: RegionId,
  splitKey: Uint8Array,
  removeFromSource: boolean,
): SplitResult {
  const from = regionPrefix(source);
  const to = regionPrefix(target);
  const splitBuffer = Buffer.from(splitKey);
  let copiedVersions = 0;
  let subjects = 0;
  env.root.transactionSync(() => {
    const subjectsOf = decoder.forRegion(from);
    const copiedIds = new Set<number>();
    const copyDictionaryEntry = (term: Buffer): void => {
      const id = term.readUInt32BE(0);
      if (copiedIds.has(id)) return;
      copiedIds.add(id);
      const value = env.id2term.getBinary(idKey(from, id));
      if (value === undefined) return;
      env.id2term.putSync(idKey(to, id), value);
      env.term2id.putSync(Buffer.concat([to, encodedTermOf(value)]), Buffer.from(term));
    };
    for (const [subjectIndex, family] of [
      [DSPO, DEFAULT_GRAPH_INDEXES],
      [SPOG, NAMED_GRAPH_INDEXES],
    ] as const) {
      const db = env.indexes.get(subjectIndex)!;
      const entries = [...db.getRange({ start: from, end: regionEnd(source) })];
      let lastKey: Buffer | undefined;
      let moving = false;
      const toRemove: [IndexSpec, Buffer, Buffer][] = [];
      for (const { key, value } of entries) {
        if (lastKey === undefined || !key.equals(lastKey)) {
          lastKey = key;
          const subject = subjectsOf.decodeIdAt(key, REGION_PREFIX_SIZE);
          moving = Buffer.from(subjectHashKey(subject)).compare(splitBuffer) >= 0;
          if (moving) subjects++;
        }
        if (!moving) continue;
        // terms in s, p, o, g order; the subject-first index stores s | p o [g] version
        const terms: Buffer[] = [key.subarray(REGION_PREFIX_SIZE)];
        const termCount = subjectIndex.order.length;
        for (let k = 1; k < termCount; k++) terms.push(value.subarray((k - 1) * INDEX_TERM_SIZE, k * INDEX_TERM_SIZE));
        const version = value.subarray(subjectIndex.valueTermsSize);
        for (const term of terms) copyDictionaryEntry(term);
        for (const [spec, targetKey, targetValue] of entriesOf(family, to, terms, version)) {
          env.indexes.get(spec)!.putSync(targetKey, targetValue);
          if (removeFromSource) toRemove.push([spec, Buffer.concat([from, targetKey.subarray(REGION_PREFIX_SIZE)]), targetValue]);
        }
        copiedVersions++;
      }
      for (const [spec, key, value] of toRemove) env.indexes.get(spec)!.removeSync(key, value);
    }
  });
  return { copiedVersions, subjects };
}
