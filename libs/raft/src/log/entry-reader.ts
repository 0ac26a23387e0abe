import type { Entry } from '../types';
import type { EntryCache } from './entry-cache';
import type { GroupEntryIndex, IndexedEntry } from './group-entry-index';
import type { SegmentReaders } from './segment-readers';

/** Longest span read with one pread when filling consecutive cache misses. */
const MAX_SPAN_BYTES = 4 << 20;
/** Same per-entry overhead as the core's entrySize(), so limits agree with limitSize(). */
const ENTRY_OVERHEAD = 24;

/**
 * Materialises entries [lo, hi) of a group, limited to maxBytes (at least one entry), from the
 * cache or, for misses, from the segment files. Sizes are known from the index, so the limit is
 * applied before any I/O; consecutive misses in one segment are fetched with one pread.
 * Entries read from disk are admitted to the cache (read-through).
 */
export function readEntries(log: GroupEntryIndex, lo: number, hi: number, maxBytes: number, readers: SegmentReaders, cache: EntryCache): Entry[] {
  const wanted: IndexedEntry[] = [];
  let size = 0;
  for (let i = lo; i < hi; i++) {
    const item = log.at(i);
    size += item.length + ENTRY_OVERHEAD;
    if (wanted.length > 0 && size > maxBytes) break;
    wanted.push(item);
  }
  const datas = loadData(wanted, readers, cache);
  const out: Entry[] = new Array<Entry>(wanted.length);
  for (let k = 0; k < wanted.length; k++) {
    out[k] = { term: wanted[k].term, index: lo + k, type: wanted[k].type, data: datas[k] };
  }
  return out;
}

/** Data of each wanted entry; misses are read from disk and offered to the cache. */
function loadData(wanted: IndexedEntry[], readers: SegmentReaders, cache: EntryCache): Uint8Array[] {
  const datas: Uint8Array[] = new Array<Uint8Array>(wanted.length);
  let k = 0;
  while (k < wanted.length) {
    const cached = wanted[k].data;
    if (cached !== undefined) {
      datas[k++] = cached;
      continue;
    }
    const start = wanted[k];
    let end = k + 1;
    while (
      end < wanted.length &&
      wanted[end].data === undefined &&
      wanted[end].seg === start.seg &&
      wanted[end].offset + wanted[end].length - start.offset <= MAX_SPAN_BYTES
    ) {
      end++;
    }
    const last = wanted[end - 1];
    const span = readers.read(start.seg, start.offset, last.offset + last.length - start.offset);
    for (let j = k; j < end; j++) {
      const item = wanted[j];
      const rel = item.offset - start.offset;
      datas[j] = span.subarray(rel, rel + item.length);
      item.data = datas[j];
      // May evict at once under a tiny budget; the caller still gets datas[j].
      cache.admit(item);
    }
    k = end;
  }
  return datas;
}
