import type { RegionDescriptor } from '@quarry/proto';
import { subjectHash, type Quad } from '@quarry/rdf';
import { encodeBatch, serializeEncodedBatch, type TermEncoder } from '@quarry/storage';
import { regionOwns } from './region-router';

/** Quads per Raft entry: big enough to amortise consensus... */
export const MAX_QUADS_PER_BATCH = 20_000;
/** ...and bytes per write request: a NATS message is at most 1 MiB by default. */
export const MAX_BATCH_BYTES = 768 * 1024;

export interface RegionPart {
  inserts: Quad[];
  deletes: Quad[];
}

/** Splits a change by the region owning each quad's subject. */
export function partitionByRegion(regions: readonly RegionDescriptor[], inserts: readonly Quad[], deletes: readonly Quad[]): Map<RegionDescriptor, RegionPart> {
  const parts = new Map<RegionDescriptor, RegionPart>();
  const place = (q: Quad, kind: keyof RegionPart): void => {
    const h = subjectHash(q.subject);
    const region = regions.find((r) => regionOwns(r, h));
    if (!region) throw new Error(`no region owns subject hash ${h}`);
    let part = parts.get(region);
    if (!part) parts.set(region, (part = { inserts: [], deletes: [] }));
    part[kind].push(q);
  };
  for (const q of deletes) place(q, 'deletes');
  for (const q of inserts) place(q, 'inserts');
  return parts;
}

/**
 * One region's part as encoded batches, each at most MAX_QUADS_PER_BATCH quads and (halving
 * as needed: long literals make quads big) MAX_BATCH_BYTES, so each fits one message and one
 * Raft entry.
 */
export function encodeBounded(encoder: TermEncoder, part: RegionPart): Uint8Array[] {
  const out: Uint8Array[] = [];
  const add = (inserts: Quad[], deletes: Quad[]): void => {
    const batch = serializeEncodedBatch(encodeBatch(encoder, inserts, deletes));
    if (batch.length > MAX_BATCH_BYTES && inserts.length + deletes.length > 1) {
      const hi = Math.ceil(inserts.length / 2);
      const hd = Math.ceil(deletes.length / 2);
      add(inserts.slice(0, hi), deletes.slice(0, hd));
      add(inserts.slice(hi), deletes.slice(hd));
      return;
    }
    out.push(batch);
  };
  const n = Math.max(part.inserts.length, part.deletes.length);
  for (let i = 0; i < n; i += MAX_QUADS_PER_BATCH) add(part.inserts.slice(i, i + MAX_QUADS_PER_BATCH), part.deletes.slice(i, i + MAX_QUADS_PER_BATCH));
  return out;
}
