import type { Transaction } from 'lmdb';
import type { BinaryDb } from './lmdb-env';
import type { ScanPart } from './scan-plan';
import { INDEX_KEY_SIZE } from './index-layout';
import { REGION_PREFIX_SIZE, VERSION_SIZE, regionEnd } from './keys';
import type { RegionId } from './keys';

export interface RawEntry {
  key: Buffer;
  value: Buffer;
}

/** Resume strictly after every version of the quad whose terms are `valueTerms` under `key`. */
export interface ResumeAfter {
  key: Buffer;
  valueTerms: Buffer;
}

function afterAllVersions(valueTerms: Buffer): Buffer {
  // Versions are < 2^63, so FF×8 is above every version of this quad's entries.
  return Buffer.concat([valueTerms, Buffer.alloc(VERSION_SIZE, 0xff)]);
}

function prefixEnd(prefix: Uint8Array, valueSize: number): Buffer {
  return Buffer.concat([prefix, Buffer.alloc(valueSize - prefix.length + 1, 0xff)]);
}

function* valuesOf(db: BinaryDb, key: Buffer, start: Buffer | undefined, end: Buffer | undefined, txn: Transaction): Generator<RawEntry> {
  const options = start === undefined && end === undefined ? { transaction: txn } : { start, end, transaction: txn };
  for (const value of db.getValues(key, options)) yield { key, value };
}

/**
 * Every (key, duplicate value) pair of one scan part, in index order, read in `txn`:
 * the duplicates of one key when the index's first term is bound, otherwise every entry of
 * the region. Starts after `resume` when given.
 */
export function* partEntries(db: BinaryDb, part: ScanPart, regionId: RegionId, region: Buffer, txn: Transaction, resume?: ResumeAfter): Generator<RawEntry> {
  const valueSize = part.spec.valueSize;
  const hasPrefix = part.valuePrefix.length > 0;
  const end = hasPrefix ? prefixEnd(part.valuePrefix, valueSize) : undefined;
  if (part.keyTerm !== undefined) {
    const key = Buffer.concat([region, part.keyTerm]);
    if (resume !== undefined && !resume.key.equals(key)) return;
    const start = resume !== undefined ? afterAllVersions(resume.valueTerms) : hasPrefix ? Buffer.from(part.valuePrefix) : undefined;
    yield* valuesOf(db, key, start, start === undefined ? end : (end ?? prefixEnd(new Uint8Array(0), valueSize)), txn);
    return;
  }
  let rangeStart: Buffer = region;
  if (resume !== undefined) {
    if (resume.key.length !== INDEX_KEY_SIZE || !resume.key.subarray(0, REGION_PREFIX_SIZE).equals(region)) return;
    yield* valuesOf(db, resume.key, afterAllVersions(resume.valueTerms), prefixEnd(new Uint8Array(0), valueSize), txn);
    rangeStart = Buffer.concat([resume.key, Buffer.from([0])]);
  }
  for (const { key, value } of db.getRange({ start: rangeStart, end: regionEnd(regionId), transaction: txn })) {
    yield { key, value };
  }
}
