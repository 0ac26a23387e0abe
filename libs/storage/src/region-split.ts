import { subjectHashKey } from '@quarry/rdf';
import type { StorageEnv } from './lmdb-env';
import { DEFAULT_GRAPH_INDEXES, DSPO, INDEX_TERM_SIZE, NAMED_GRAPH_INDEXES, SPOG, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, isInsertVersion, regionEnd, regionPrefix, type RegionId } from './keys';
import type { TermDecodeCache } from './term-cache';
import { encodedTermOf, idKey } from './term-dictionary';
import { indexEntryOf } from './quad-entries';
import { TOMBSTONE_MARK } from './commit-summary';

export interface SplitResult {
  /** Quad versions (index entries of the subject-first index) copied. */
  copiedVersions: number;
  subjects: number;
}

/** All index entries of one quad version, from its term ids in s, p, o, g order. */
function entriesOf(specs: readonly IndexSpec[], region: Buffer, terms: Buffer[], version: Buffer): [IndexSpec, Buffer, Buffer][] {
  return specs.map((spec) => [spec, ...indexEntryOf(spec, region, terms, version)]);
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
    // the target's versions are a subset of the source's: the source's summary holds for them
    const summary = env.commitSummary.getBinary(from);
    if (summary !== undefined) env.commitSummary.putSync(to, summary);
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
        if (!isInsertVersion(version, 0)) {
          const quad = value.subarray(0, subjectIndex.valueTermsSize);
          env.tombstoned.putSync(Buffer.concat([to, key.subarray(REGION_PREFIX_SIZE), quad]), TOMBSTONE_MARK);
          if (removeFromSource) env.tombstoned.removeSync(Buffer.concat([key, quad]));
        }
        for (const [spec, targetKey, targetValue] of entriesOf(family, to, terms, version)) {
          // version-less indexes list the quads that have an insert version
          if (!spec.versioned && !isInsertVersion(version, 0)) continue;
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
