import { createHash } from 'node:crypto';
import type { StorageEnv } from './lmdb-env';
import { ALL_INDEXES, DEFAULT_GRAPH_INDEXES, DSPO, INDEX_TERM_SIZE, NAMED_GRAPH_INDEXES, SPOG, type IndexSpec } from './index-layout';
import { indexEntryOf, quadTermsOf } from './quad-entries';
import { commitSummaryValue, readCommitSummary } from './commit-summary';
import { REGION_PREFIX_SIZE, isInsertVersion, regionEnd, regionPrefix, versionAtMost, versionLimit, MAX_TIMESTAMP, type RegionId } from './keys';
import { visibleVersions } from './visible-versions';
import type { RawEntry } from './part-entries';
import type { TermDecodeCache } from './term-cache';
import type { RegionStats } from './scan-types';
import { encodedTermOf, idKey } from './term-dictionary';
import { CorruptDataError } from './errors';

function regionEntries(env: StorageEnv, spec: IndexSpec, regionId: RegionId): Iterable<RawEntry> {
  const db = env.indexes.get(spec)!;
  return db.getRange({ start: regionPrefix(regionId), end: regionEnd(regionId) }) as Iterable<RawEntry>;
}

/** Deletes every key of the region in every table, and the region itself (one transaction). */
export function dropRegionData(env: StorageEnv, regionId: RegionId, keepRegistration: boolean): void {
  const start = regionPrefix(regionId);
  const end = regionEnd(regionId);
  env.root.transactionSync(() => {
    for (const db of [...env.indexes.values(), env.term2id, env.id2term, env.commitSummary, env.tombstoned]) {
      const keys = [...db.getKeys({ start, end })];
      for (const key of keys) db.removeSync(key); // without a value: all duplicates
    }
    if (!keepRegistration) env.regions.removeSync(start);
  });
}

/**
 * Removes versions no reader can need any more: for each quad, every version at or below the
 * safe point except the newest one, and that one too when it is a tombstone. Reads at any
 * timestamp ≥ safePoint see the same result before and after. Versions live in the
 * subject-first indexes; a quad that loses all of them also leaves the version-less indexes.
 * Returns the number of index entries removed (versions and version-less entries).
 */
export function collectGarbage(env: StorageEnv, regionId: RegionId, safePoint: bigint): number {
  const limit = versionLimit(safePoint);
  const region = regionPrefix(regionId);
  let removed = 0;
  let keptTombstones = 0;
  env.root.transactionSync(() => {
    for (const [spec, family] of [
      [DSPO, DEFAULT_GRAPH_INDEXES],
      [SPOG, NAMED_GRAPH_INDEXES],
    ] as const) {
      const db = env.indexes.get(spec)!;
      const doomed: RawEntry[] = [];
      const gone: RawEntry[] = [];
      const unmarked: RawEntry[] = [];
      let group: RawEntry[] = [];
      const flush = (): void => {
        // versions ascend within a group; find the newest at or below the safe point
        let newest = -1;
        for (let i = 0; i < group.length; i++) if (versionAtMost(group[i].value, spec.valueTermsSize, limit)) newest = i;
        for (let i = 0; i < newest; i++) doomed.push(group[i]);
        if (newest >= 0 && !isInsertVersion(group[newest].value, spec.valueTermsSize)) {
          doomed.push(group[newest]);
          if (newest === group.length - 1) gone.push(group[newest]);
        }
        let kept = 0;
        for (let i = newest + 1; i < group.length; i++) if (!isInsertVersion(group[i].value, spec.valueTermsSize)) kept++;
        // the quad's tombstone marker lives as long as one of its tombstones
        if (kept === 0 && group.length > 0 && group.some((e) => !isInsertVersion(e.value, spec.valueTermsSize))) unmarked.push(group[0]);
        keptTombstones += kept;
        group = [];
      };
      for (const entry of [...regionEntries(env, spec, regionId)]) {
        const previous = group[group.length - 1];
        if (
          previous !== undefined &&
          !(previous.key.equals(entry.key) && previous.value.compare(entry.value, 0, spec.valueTermsSize, 0, spec.valueTermsSize) === 0)
        )
          flush();
        group.push(entry);
      }
      flush();
      for (const { key, value } of doomed) db.removeSync(key, value);
      removed += doomed.length;
      for (const { key, value } of unmarked) env.tombstoned.removeSync(Buffer.concat([key, value.subarray(0, spec.valueTermsSize)]));
      for (const { key, value } of gone) {
        const terms = quadTermsOf(spec, key, value);
        for (const other of family) {
          if (other !== spec && env.indexes.get(other)!.removeSync(...indexEntryOf(other, region, terms))) removed++;
        }
      }
    }
    const summary = readCommitSummary(env, region);
    if (summary !== undefined) env.commitSummary.putSync(region, commitSummaryValue({ newestTs: summary.newestTs, tombstones: keptTombstones > 0 }));
  });
  return removed;
}

/**
 * SHA-256 over the visible quads of the default and named graphs, each as its 17-byte encoded
 * terms, sorted: independent of the region id and of the region's term ids (two regions
 * holding the same quads agree however their dictionaries were filled).
 */
export function regionChecksum(env: StorageEnv, regionId: RegionId, readTs: bigint = MAX_TIMESTAMP): string {
  const hash = createHash('sha256');
  const limit = versionLimit(readTs);
  const region = regionPrefix(regionId);
  const encodings = new Map<number, string>();
  const encodingOf = (bytes: Buffer, offset: number): string => {
    const id = bytes.readUInt32BE(offset);
    let encoded = encodings.get(id);
    if (encoded === undefined) {
      const value = env.id2term.getBinary(idKey(region, id));
      if (value === undefined) throw new CorruptDataError(`term id ${id} missing from the region dictionary`);
      encoded = Buffer.from(encodedTermOf(value)).toString('latin1');
      encodings.set(id, encoded);
    }
    return encoded;
  };
  for (const spec of [DSPO, SPOG]) {
    hash.update(spec.name);
    const quads: string[] = [];
    for (const entry of visibleVersions(regionEntries(env, spec, regionId), spec.valueTermsSize, limit)) {
      let quad = encodingOf(entry.key, REGION_PREFIX_SIZE);
      for (let at = 0; at < spec.valueTermsSize; at += INDEX_TERM_SIZE) quad += encodingOf(entry.value, at);
      quads.push(quad);
    }
    quads.sort();
    for (const quad of quads) hash.update(quad, 'latin1');
  }
  return hash.digest('hex');
}

/** Quad count, bytes and per-predicate counts at the latest version (a full region pass). */
export function computeRegionStats(env: StorageEnv, decoder: TermDecodeCache, regionId: RegionId): RegionStats {
  const region = regionPrefix(regionId);
  const limit = versionLimit(MAX_TIMESTAMP);
  const perPredicate = new Map<string, number>();
  const terms = decoder.forRegion(region);
  let quadCount = 0;
  // the subject-first indexes hold every version: s | p … version, the predicate first in the value
  const perPredicateId = new Map<number, number>();
  for (const spec of [DSPO, SPOG]) {
    for (const entry of visibleVersions(regionEntries(env, spec, regionId), spec.valueTermsSize, limit)) {
      const id = entry.value.readUInt32BE(0);
      perPredicateId.set(id, (perPredicateId.get(id) ?? 0) + 1);
      quadCount++;
    }
  }
  const idBytes = Buffer.alloc(INDEX_TERM_SIZE);
  for (const [id, count] of perPredicateId) {
    idBytes.writeUInt32BE(id, 0);
    const predicate = terms.decodeIdAt(idBytes, 0).value;
    perPredicate.set(predicate, (perPredicate.get(predicate) ?? 0) + count);
  }
  let entryCount = 0;
  let approximateBytes = 0;
  for (const spec of ALL_INDEXES) {
    const count = env.indexes.get(spec)!.getCount({ start: region, end: regionEnd(regionId) });
    entryCount += count;
    approximateBytes += count * spec.valueSize; // keys are shared by a key's duplicates
  }
  for (const db of [env.term2id, env.id2term]) {
    for (const { key, value } of db.getRange({ start: region, end: regionEnd(regionId) })) approximateBytes += key.length + value.length;
  }
  return {
    regionId,
    quadCount,
    entryCount,
    approximateBytes,
    predicates: [...perPredicate].map(([predicate, count]) => ({ predicate, count })).sort((a, b) => b.count - a.count),
  };
}
