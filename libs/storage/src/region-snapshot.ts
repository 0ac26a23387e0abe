import type { StorageEnv } from './lmdb-env';
import { ALL_INDEXES, INDEX_TERM_SIZE } from './index-layout';
import { ENCODED_TERM_SIZE, isHashedKind, isKnownKind } from './term-encoding/term-kind';
import { REGION_PREFIX_SIZE, isInsertVersion, readVersionTs, regionEnd, regionPrefix, type RegionId } from './keys';
import { TOMBSTONE_MARK, commitSummaryValue, readCommitSummary, withCommits } from './commit-summary';
import { CorruptDataError } from './errors';
import { DictionaryFullError, MAX_TERM_ID, TERM_ID_SIZE, encodedTermOf, idKey, lookupTermId, nextTermId } from './term-dictionary';

/**
 * Snapshot stream of one region (what Raft ships in InstallSnapshot). Every chunk is
 * self-delimiting: "QSN" | version u8 | records. Records drop the region prefix, so a snapshot
 * restores under any region id:
 *   index entry:      tag 0..8 (position in ALL_INDEXES) | first term id (4) | duplicate value
 *   dictionary entry: tag 0x21 | term id (4) | length u32 LE | id2term value
 *   end:              tag 0xFF | record count u64 LE   (last record of the last chunk)
 * All records come from one LMDB read transaction: a consistent cut of the region. Term ids
 * travel unchanged (they are what the index entries hold); term2id is rebuilt on restore.
 * Version 3: only the subject-first indexes' values carry a version (version 2 had one in
 * every index; version 1 carried 17-byte terms and an id2str table).
 */
export const SNAPSHOT_VERSION = 3;
const MAGIC = [0x51, 0x53, 0x4e];
const DICTIONARY_TAG = 0x21;
const END_TAG = 0xff;
const CHUNK_TARGET = 256 * 1024;

class ChunkWriter {
  private buffer = Buffer.allocUnsafe(CHUNK_TARGET + 64 * 1024);
  private length = 0;

  constructor() {
    this.reset();
  }

  private reset(): void {
    this.buffer = Buffer.allocUnsafe(CHUNK_TARGET + 64 * 1024);
    this.buffer.set(MAGIC, 0);
    this.buffer[3] = SNAPSHOT_VERSION;
    this.length = 4;
  }

  ensure(bytes: number): void {
    if (this.length + bytes > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
  }

  write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  u64(value: number): void {
    this.ensure(8);
    this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    this.length += 8;
  }

  /** Returns the chunk if it reached the target size (or `force`), starting a new one. */
  take(force: boolean): Uint8Array | undefined {
    if (!force && this.length < CHUNK_TARGET) return undefined;
    const chunk = this.buffer.subarray(0, this.length);
    this.reset();
    return chunk;
  }
}

export async function* snapshotRegion(env: StorageEnv, regionId: RegionId): AsyncGenerator<Uint8Array> {
  const start = regionPrefix(regionId);
  const end = regionEnd(regionId);
  const txn = env.root.useReadTransaction();
  const writer = new ChunkWriter();
  let records = 0;
  try {
    for (let tag = 0; tag < ALL_INDEXES.length; tag++) {
      const db = env.indexes.get(ALL_INDEXES[tag])!;
      for (const { key, value } of db.getRange({ start, end, transaction: txn })) {
        writer.byte(tag);
        writer.write((key as Buffer).subarray(REGION_PREFIX_SIZE));
        writer.write(value);
        records++;
        const chunk = writer.take(false);
        if (chunk !== undefined) yield chunk;
      }
    }
    for (const { key, value } of env.id2term.getRange({ start, end, transaction: txn })) {
      writer.byte(DICTIONARY_TAG);
      writer.write((key as Buffer).subarray(REGION_PREFIX_SIZE));
      writer.u32(value.length);
      writer.write(value);
      records++;
      const chunk = writer.take(false);
      if (chunk !== undefined) yield chunk;
    }
    writer.byte(END_TAG);
    writer.u64(records);
    yield writer.take(true)!;
  } finally {
    txn.done();
  }
}

/** A parsed snapshot record, region prefix not yet applied. */
export interface SnapshotRecord {
  tag: number;
  key: Buffer;
  value: Buffer;
  /** Dictionary records: the encoded term, for term2id. */
  term?: Uint8Array;
}

function checkedTermOf(value: Buffer): Uint8Array {
  const kind = value[0];
  if (value.length === 0 || !isKnownKind(kind) || (!isHashedKind(kind) && value.length !== ENCODED_TERM_SIZE)) {
    throw new CorruptDataError('snapshot: malformed dictionary entry');
  }
  try {
    return encodedTermOf(value);
  } catch {
    throw new CorruptDataError('snapshot: dictionary string is not UTF-8');
  }
}

/** Parses and validates a whole snapshot stream; throws CorruptDataError on any defect. */
export async function readSnapshot(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<SnapshotRecord[]> {
  const records: SnapshotRecord[] = [];
  let ended = false;
  for await (const raw of chunks) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (ended) throw new CorruptDataError('snapshot: data after the end record');
    if (chunk.length < 4 || chunk[0] !== MAGIC[0] || chunk[1] !== MAGIC[1] || chunk[2] !== MAGIC[2]) throw new CorruptDataError('snapshot: bad chunk header');
    if (chunk[3] !== SNAPSHOT_VERSION) throw new CorruptDataError(`snapshot: unsupported version ${chunk[3]}`);
    let at = 4;
    const need = (n: number): void => {
      if (at + n > chunk.length) throw new CorruptDataError('snapshot: truncated record');
    };
    while (at < chunk.length) {
      const tag = chunk[at++];
      if (tag < ALL_INDEXES.length) {
        const size = INDEX_TERM_SIZE + ALL_INDEXES[tag].valueSize;
        need(size);
        records.push({
          tag,
          key: Buffer.from(chunk.subarray(at, at + INDEX_TERM_SIZE)),
          value: Buffer.from(chunk.subarray(at + INDEX_TERM_SIZE, at + size)),
        });
        at += size;
      } else if (tag === DICTIONARY_TAG) {
        need(TERM_ID_SIZE + 4);
        const length = chunk.readUInt32LE(at + TERM_ID_SIZE);
        need(TERM_ID_SIZE + 4 + length);
        const value = Buffer.from(chunk.subarray(at + TERM_ID_SIZE + 4, at + TERM_ID_SIZE + 4 + length));
        records.push({ tag, key: Buffer.from(chunk.subarray(at, at + TERM_ID_SIZE)), value, term: checkedTermOf(value) });
        at += TERM_ID_SIZE + 4 + length;
      } else if (tag === END_TAG) {
        need(8);
        if (Number(chunk.readBigUInt64LE(at)) !== records.length) throw new CorruptDataError('snapshot: record count mismatch');
        at += 8;
        if (at !== chunk.length) throw new CorruptDataError('snapshot: bytes after the end record');
        ended = true;
      } else {
        throw new CorruptDataError(`snapshot: unknown record tag ${tag}`);
      }
    }
  }
  if (!ended) throw new CorruptDataError('snapshot: missing end record (truncated stream)');
  return records;
}

/**
 * Writes parsed records under `region` (inside the caller's write transaction). Into a region
 * without terms (a restore) the snapshot's term ids are kept as they are. Into a region that
 * has terms of its own (a merge), each snapshot term takes the id the region already has for
 * it, or a new one, and the index entries are rewritten to those ids.
 */
export function putSnapshotRecords(env: StorageEnv, region: Buffer, records: SnapshotRecord[]): void {
  const remap = nextTermId(env, region) > 1 ? new Map<number, Buffer>() : undefined;
  let next = -1;
  for (const { tag, key, value, term } of records) {
    if (tag !== DICTIONARY_TAG) continue;
    let id: Buffer = key;
    if (remap !== undefined) {
      const existing = lookupTermId(env, region, term!);
      if (existing === undefined) {
        if (next < 0) next = nextTermId(env, region);
        if (next > MAX_TERM_ID) throw new DictionaryFullError('region term dictionary is full (2^32 terms): split the region');
        id = Buffer.allocUnsafe(TERM_ID_SIZE);
        id.writeUInt32BE(next++, 0);
      } else {
        remap.set(key.readUInt32BE(0), idKey(region, existing).subarray(REGION_PREFIX_SIZE));
        continue;
      }
      remap.set(key.readUInt32BE(0), id);
    }
    env.id2term.putSync(Buffer.concat([region, id]), value);
    env.term2id.putSync(Buffer.concat([region, term!]), id);
  }
  const mapped = (bytes: Buffer, offset: number): Buffer => {
    const id = remap!.get(bytes.readUInt32BE(offset));
    if (id === undefined) throw new CorruptDataError('snapshot: index entry refers to a term id without a dictionary entry');
    return id;
  };
  let summary = readCommitSummary(env, region);
  for (const { tag, key, value } of records) {
    if (tag === DICTIONARY_TAG) continue;
    const spec = ALL_INDEXES[tag];
    if (spec.versioned) summary = withCommits(summary, readVersionTs(value, spec.valueTermsSize), !isInsertVersion(value, spec.valueTermsSize));
    let newKey = key;
    let newValue = value;
    if (remap !== undefined) {
      newKey = mapped(key, 0);
      newValue = Buffer.from(value);
      for (let at = 0; at < spec.valueTermsSize; at += INDEX_TERM_SIZE) mapped(value, at).copy(newValue, at);
    }
    env.indexes.get(spec)!.putSync(Buffer.concat([region, newKey]), newValue);
    // tombstone markers are derived from the versions (commit-summary.ts)
    if (spec.versioned && !isInsertVersion(newValue, spec.valueTermsSize)) {
      env.tombstoned.putSync(Buffer.concat([region, newKey, newValue.subarray(0, spec.valueTermsSize)]), TOMBSTONE_MARK);
    }
  }
  if (summary !== undefined) env.commitSummary.putSync(region, commitSummaryValue(summary));
}
