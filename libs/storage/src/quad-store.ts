import type { Quad, Term } from '@quarry/rdf';
import { defaultGraph, quad as makeQuad } from '@quarry/rdf';
import { openStorageEnv, type StorageEnv } from './lmdb-env';
import { TermEncoder } from './term-encoding/term-encoder';
import { TermDecodeCache, type RegionTermDecoder } from './term-cache';
import { lookupTermId } from './term-dictionary';
import { encodeBatch, quadCount, type EncodedBatch } from './encoded-batch';
import { deserializeEncodedBatch, serializeEncodedBatch } from './encoded-batch-codec';
import { writeEncodedBatch } from './batch-writer';
import { planScan, type EncodedPattern, type GraphScope, type ScanPart } from './scan-plan';
import { partEntries, type RawEntry } from './part-entries';
import { visibleVersions } from './visible-versions';
import { visibleQuads } from './derived-visibility';
import { readCommitSummary } from './commit-summary';
import { RegionReadCaches, type ReadCacheOptions } from './region-read-cache';
import { decodeCursor, encodeCursor, type ScanPosition } from './scan-cursor';
import { regionEnd, regionPrefix, toTimestamp, versionLimit, REGION_PREFIX_SIZE, MAX_TIMESTAMP, type RegionId } from './keys';
import { BatchTooLargeError, RegionExistsError, UnknownRegionError } from './errors';
import { INDEX_TERM_SIZE } from './index-layout';
import type { QuadPattern, RegionStats, ScanPage, ScanRequest } from './scan-types';
import { putSnapshotRecords, readSnapshot, snapshotRegion } from './region-snapshot';
import { collectGarbage, computeRegionStats, dropRegionData, regionChecksum } from './region-maintenance';
import { splitRegionData, type SplitResult } from './region-split';
import { newestVersions } from './write-conflicts';

export interface QuadStoreOptions extends ReadCacheOptions {
  /** Directory of the LMDB environment (created if missing). */
  path: string;
  /** Largest batch (inserts + deletes) accepted by applyBatch; default 1,000,000. */
  maxBatchQuads?: number;
  /** Skip fsync at commit (tests, benchmarks). */
  noSync?: boolean;
  mapSize?: number;
  pageSize?: number;
  overlappingSync?: boolean;
  /**
   * Run the LMDB puts of applied batches on lmdb-js's writer thread (asynchronous puts) instead
   * of this thread (DESIGN.md "Write path"). Faster for a loader that encodes the next batch
   * while one is written, when a second core is free; about 10% more CPU in total. Default off.
   */
  writerThread?: boolean;
}

/**
 * The local quad store of one storage node: many regions in one LMDB environment, each a
 * contiguous key range in every index. Writes come from Raft apply (applyBatch /
 * applyEncodedBatch); reads are MVCC snapshots at a timestamp.
 */
export class QuadStore {
  readonly env: StorageEnv;
  readonly maxBatchQuads: number;
  /** Commits are fsynced (not noSync). */
  private readonly durable: boolean;
  private readonly writerThread: boolean;
  /** Settles when every write started so far has committed (see `serialized`). */
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly encoder = new TermEncoder();
  readonly decoder: TermDecodeCache;
  /** Per-region recent-inserts logs and tombstone markers in memory (region-read-cache.ts). */
  readonly readCaches: RegionReadCaches;

  constructor(options: QuadStoreOptions) {
    this.env = openStorageEnv(options);
    this.maxBatchQuads = options.maxBatchQuads ?? 1_000_000;
    this.durable = options.noSync !== true;
    this.writerThread = options.writerThread ?? false;
    this.decoder = new TermDecodeCache(this.env.id2term);
    this.readCaches = new RegionReadCaches(this.env, options);
  }

  async close(): Promise<void> {
    await this.writeQueue;
    await this.env.root.close();
  }

  /**
   * Runs `write` once every write started before it has committed. A batch reads term ids from
   * the committed dictionary before its puts are queued, so two batches must not overlap (with
   * `writerThread` the puts of one are still in flight when its caller may start the next).
   */
  private serialized<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(write, write);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  hasRegion(regionId: RegionId): boolean {
    return this.env.regions.getBinary(regionPrefix(regionId)) !== undefined;
  }

  /** Registers a region; a region must exist before it is written or read. */
  createRegion(regionId: RegionId): Promise<void> {
    return this.serialized(async () => {
      if (this.hasRegion(regionId)) throw new RegionExistsError(regionId);
      this.decoder.forget(regionPrefix(regionId));
      this.readCaches.forget(regionPrefix(regionId));
      await this.env.regions.put(regionPrefix(regionId), Buffer.from(JSON.stringify({ createdAt: Date.now() })));
    });
  }

  listRegions(): RegionId[] {
    return [...this.env.regions.getKeys()].map((k) => Buffer.from(k as Uint8Array).readBigUInt64BE(0));
  }

  /** Returns the region's key prefix, or throws UnknownRegionError. */
  regionKey(regionId: RegionId): Buffer {
    const prefix = regionPrefix(regionId);
    if (this.env.regions.getBinary(prefix) === undefined) throw new UnknownRegionError(regionId);
    return prefix;
  }

  /** Encodes quads into the shippable batch form (done by the coordinator for bulk loads). */
  encode(inserts: readonly Quad[], deletes: readonly Quad[] = []): EncodedBatch {
    this.checkSize(inserts.length + deletes.length);
    return encodeBatch(this.encoder, inserts, deletes);
  }

  encodeToBytes(inserts: readonly Quad[], deletes: readonly Quad[] = []): Uint8Array {
    return serializeEncodedBatch(this.encode(inserts, deletes));
  }

  /**
   * Applies one committed write batch at `commitTs`, atomically (one LMDB transaction).
   * Idempotent: re-applying the same batch at the same timestamp changes nothing. Every
   * validation happens before the first write, so a rejected batch writes nothing.
   */
  applyBatch(regionId: RegionId, commitTs: bigint | number, inserts: readonly Quad[], deletes: readonly Quad[] = []): Promise<void> {
    return this.serialized(async () => {
      const region = this.regionKey(regionId);
      const ts = toTimestamp(commitTs);
      await this.write(region, ts, this.encode(inserts, deletes), false);
    });
  }

  /** Applies a batch in EncodedBatch form (object or serialized bytes, validated); resolves to its quad count. */
  applyEncodedBatch(regionId: RegionId, commitTs: bigint | number, batch: EncodedBatch | Uint8Array): Promise<number> {
    return this.serialized(async () => {
      const region = this.regionKey(regionId);
      const ts = toTimestamp(commitTs);
      // Bytes from the wire: framing and terms are validated here; the strings' hashes are
      // checked at write time, and only for the terms new to the region (the only strings stored).
      const fromWire = batch instanceof Uint8Array;
      const decoded = fromWire ? deserializeEncodedBatch(batch, { verifyHashes: false }) : batch;
      const quads = quadCount(decoded);
      this.checkSize(quads);
      await this.write(region, ts, decoded, fromWire);
      return quads;
    });
  }

  private async write(region: Buffer, ts: bigint, batch: EncodedBatch, verifyNewStrings: boolean): Promise<void> {
    try {
      await writeEncodedBatch(this.env, region, ts, batch, {
        verifyNewStrings,
        durable: this.durable,
        writerThread: this.writerThread,
        beforeIndexCommit: (inserted, deleted) => this.readCaches.recordWrite(region, ts, inserted, deleted),
      });
    } finally {
      this.readCaches.writeDone(region);
    }
  }

  /**
   * The newest commit timestamp of each quad of the batch (inserts, then deletes) in the
   * region, 0n for a quad it never held: the snapshot-isolation write check (write-conflicts.ts).
   */
  newestVersions(regionId: RegionId, batch: EncodedBatch | Uint8Array): bigint[] {
    const decoded = batch instanceof Uint8Array ? deserializeEncodedBatch(batch, { verifyHashes: false }) : batch;
    return newestVersions(this.env, this.regionKey(regionId), decoded);
  }

  private checkSize(size: number): void {
    if (size > this.maxBatchQuads) throw new BatchTooLargeError(size, this.maxBatchQuads);
  }

  /**
   * Plans a pattern over the region's indexes, bound terms turned into the region's term ids;
   * `undefined` when a bound term cannot match anything (wrong kind, or not in the region).
   */
  planPattern(region: Buffer, pattern: QuadPattern): ScanPart[] | undefined {
    const bound = (t: Term | undefined): Term | undefined => (t === undefined || t.termType === 'Variable' ? undefined : t);
    const [s, p, o, g] = [bound(pattern.s), bound(pattern.p), bound(pattern.o), bound(pattern.g)];
    if (s !== undefined && s.termType !== 'NamedNode' && s.termType !== 'BlankNode') return undefined;
    if (p !== undefined && p.termType !== 'NamedNode') return undefined;
    if (o !== undefined && o.termType === 'DefaultGraph') return undefined;
    if (g !== undefined && g.termType === 'Literal') return undefined;
    const scope: GraphScope = { defaultGraph: g === undefined || g.termType === 'DefaultGraph', namedGraphs: g === undefined || g.termType !== 'DefaultGraph' };
    let missing = false;
    const enc = (t: Term | undefined): Uint8Array | undefined => {
      if (t === undefined) return undefined;
      const id = lookupTermId(this.env, region, this.encoder.encodeRef(t));
      if (id === undefined) {
        missing = true;
        return undefined;
      }
      const bytes = new Uint8Array(INDEX_TERM_SIZE);
      new DataView(bytes.buffer).setUint32(0, id);
      return bytes;
    };
    const encoded: EncodedPattern = [enc(s), enc(p), enc(o), g !== undefined && g.termType !== 'DefaultGraph' ? enc(g) : undefined];
    return missing ? undefined : planScan(encoded, scope);
  }

  /** One page of the quads matching `pattern` visible at `readTs`. */
  scan(request: ScanRequest): ScanPage {
    const region = this.regionKey(request.regionId);
    const limit = request.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    const readTs = toTimestamp(request.readTs);
    const versionMax = versionLimit(readTs);
    const parts = this.planPattern(region, request.pattern);
    const resume = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (parts === undefined) return { quads: [] };
    const quads: Quad[] = [];
    const decoder = this.decoder.forRegion(region);
    const txn = this.env.root.useReadTransaction();
    // the last quad returned, turned into a cursor only if the page fills up
    let last: { partIndex: number; entry: RawEntry } | undefined;
    try {
      // version-less indexes need a quad's versions only when it has versions newer than the
      // read (the recent-inserts log lists those quads), or a tombstone
      const check = this.readCaches.entryCheck(region, readCommitSummary(this.env, region, txn), readTs);
      for (let partIndex = resume?.part ?? 0; partIndex < parts.length; partIndex++) {
        const part = parts[partIndex];
        const db = this.env.indexes.get(part.spec)!;
        const entries = partEntries(db, part, request.regionId, region, txn, partIndex === resume?.part ? resume : undefined);
        const matching = withResidual(entries, part);
        const visible = part.spec.versioned
          ? visibleVersions(matching, part.spec.valueTermsSize, versionMax)
          : check.kind === 'all'
            ? matching
            : visibleQuads(this.env, part.spec, region, matching, versionMax, txn, check);
        for (const entry of visible) {
          if (quads.length === limit) return { quads, cursor: encodeCursor(positionOf(parts, last!.partIndex, last!.entry)) };
          quads.push(this.decodeEntry(part, entry, decoder));
          last = { partIndex, entry };
        }
      }
    } finally {
      txn.done();
    }
    return { quads };
  }

  /** Every matching quad, page by page. */
  async *scanAll(regionId: RegionId, pattern: QuadPattern, readTs: bigint | number = MAX_TIMESTAMP, pageSize = 10_000): AsyncGenerator<Quad[]> {
    let cursor: string | undefined;
    do {
      const page = this.scan({ regionId, pattern, readTs, limit: pageSize, cursor });
      if (page.quads.length > 0) yield page.quads;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /**
   * Whether each quad was visible at `readTs` (one answer per quad, in order). A batched
   * point lookup: sagas ask it for a whole chunk in one request when compensating.
   */
  contains(regionId: RegionId, quads: readonly Quad[], readTs: bigint | number): boolean[] {
    this.regionKey(regionId);
    return quads.map((q) => this.scan({ regionId, pattern: { s: q.subject, p: q.predicate, o: q.object, g: q.graph }, readTs, limit: 1 }).quads.length > 0);
  }

  /** Cardinality estimate: index entries in the pattern's range (all versions; an upper bound). */
  estimate(regionId: RegionId, pattern: QuadPattern): number {
    const region = this.regionKey(regionId);
    const parts = this.planPattern(region, pattern);
    if (parts === undefined) return 0;
    let total = 0;
    for (const part of parts) {
      const db = this.env.indexes.get(part.spec)!;
      if (part.keyTerm === undefined) {
        total += db.getCount({ start: region, end: regionEnd(regionId) });
      } else if (part.valuePrefix.length === 0) {
        total += db.getValuesCount(Buffer.concat([region, part.keyTerm]));
      } else {
        const end = Buffer.concat([part.valuePrefix, Buffer.alloc(part.spec.valueSize - part.valuePrefix.length + 1, 0xff)]);
        total += db.getValuesCount(Buffer.concat([region, part.keyTerm]), { start: Buffer.from(part.valuePrefix), end } as never);
      }
    }
    return total;
  }

  /** Streams a consistent snapshot of the region (see region-snapshot.ts for the format). */
  snapshot(regionId: RegionId): AsyncGenerator<Uint8Array> {
    this.regionKey(regionId);
    return snapshotRegion(this.env, regionId);
  }

  /**
   * Replaces the region's content by a snapshot (creating the region if needed). The stream is
   * read and validated completely before anything is written; then one transaction swaps it in.
   */
  async restoreSnapshot(regionId: RegionId, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    const region = regionPrefix(regionId);
    const records = await readSnapshot(chunks);
    await this.serialized(() =>
      this.readCaches.rebuilding([region], async () => {
        this.decoder.forget(region);
        await this.env.root.transaction(() => {
          dropRegionData(this.env, regionId, true);
          if (this.env.regions.getBinary(region) === undefined) this.env.regions.putSync(region, Buffer.from(JSON.stringify({ createdAt: Date.now() })));
          putSnapshotRecords(this.env, region, records);
        });
      }),
    );
  }

  /** Deletes the region and all of its data. */
  dropRegion(regionId: RegionId): Promise<void> {
    return this.serialized(async () => {
      const region = this.regionKey(regionId);
      this.decoder.forget(region);
      await this.readCaches.rebuilding([region], () => this.env.root.transaction(() => dropRegionData(this.env, regionId, false)));
    });
  }

  /**
   * Creates region `targetId` holding every quad (all versions) of `sourceId` whose subject's
   * routing hash is ≥ `splitKey` (8 bytes big-endian or a bigint); with `removeFromSource`
   * they leave the source region in the same transaction.
   */
  splitRegion(sourceId: RegionId, targetId: RegionId, splitKey: bigint | Uint8Array, options: { removeFromSource?: boolean } = {}): Promise<SplitResult> {
    return this.serialized(() =>
      this.readCaches.rebuilding([regionPrefix(sourceId), regionPrefix(targetId)], () =>
        this.splitNow(sourceId, targetId, splitKey, options.removeFromSource ?? false),
      ),
    );
  }

  private async splitNow(sourceId: RegionId, targetId: RegionId, splitKey: bigint | Uint8Array, removeFromSource: boolean): Promise<SplitResult> {
    this.regionKey(sourceId);
    if (this.hasRegion(targetId)) throw new RegionExistsError(targetId);
    const key = typeof splitKey === 'bigint' ? regionPrefix(splitKey) : splitKey;
    if (key.length !== 8) throw new RangeError('split key must be 8 bytes');
    let result: SplitResult | undefined;
    this.decoder.forget(regionPrefix(targetId));
    await this.env.root.transaction(() => {
      this.env.regions.putSync(regionPrefix(targetId), Buffer.from(JSON.stringify({ createdAt: Date.now(), splitFrom: String(sourceId) })));
      result = splitRegionData(this.env, this.decoder, sourceId, targetId, key, removeFromSource);
    });
    return result!;
  }

  /** Digest of the quads visible at `readTs` (default: latest), independent of the region id. */
  checksum(regionId: RegionId, readTs: bigint | number = MAX_TIMESTAMP): string {
    this.regionKey(regionId);
    return regionChecksum(this.env, regionId, toTimestamp(readTs));
  }

  /** Drops versions older than `safePoint` that no read at ts ≥ safePoint can see; resolves to the index entries removed. */
  gc(regionId: RegionId, safePoint: bigint | number): Promise<number> {
    return this.serialized(async () => {
      const region = this.regionKey(regionId);
      const ts = toTimestamp(safePoint);
      let removed = 0;
      // gc only removes markers: the cached ones are a superset until it has committed
      await this.env.root.transaction(() => {
        removed = collectGarbage(this.env, regionId, ts);
      });
      this.readCaches.forgetMarkers(region);
      return removed;
    });
  }

  regionStats(regionId: RegionId): RegionStats {
    this.regionKey(regionId);
    return computeRegionStats(this.env, this.decoder, regionId);
  }

  decodeEntry(part: ScanPart, entry: RawEntry, decoder: RegionTermDecoder): Quad {
    const terms: Term[] = [defaultGraph(), defaultGraph(), defaultGraph(), defaultGraph()];
    const order = part.spec.order;
    terms[order[0]] = decoder.decodeAt(entry.key, REGION_PREFIX_SIZE, order[0]);
    for (let k = 1; k < order.length; k++) terms[order[k]] = decoder.decodeAt(entry.value, (k - 1) * INDEX_TERM_SIZE, order[k]);
    return makeQuad(terms[0] as Quad['subject'], terms[1] as Quad['predicate'], terms[2] as Quad['object'], terms[3] as Quad['graph']);
  }
}

function positionOf(parts: ScanPart[], partIndex: number, entry: RawEntry): ScanPosition {
  return { part: partIndex, key: entry.key, valueTerms: entry.value.subarray(0, parts[partIndex].spec.valueTermsSize) };
}

function* withResidual(entries: Iterable<RawEntry>, part: ScanPart): Generator<RawEntry> {
  if (part.residual.length === 0) {
    yield* entries;
    return;
  }
  outer: for (const entry of entries) {
    for (const { valueOffset, term } of part.residual) {
      if (entry.value.compare(term, 0, INDEX_TERM_SIZE, valueOffset, valueOffset + INDEX_TERM_SIZE) !== 0) continue outer;
    }
    yield entry;
  }
}
