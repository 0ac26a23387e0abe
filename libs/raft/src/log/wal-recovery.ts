import { dirname } from 'node:path';
import type { EntryCache } from './entry-cache';
import type { GroupState } from './group-state';
import { WalCorruptionError } from './log-errors';
import { encodeSegmentHeader, parseSegmentFileName, SEGMENT_HEADER_BYTES, segmentPath } from './segment-file';
import { scanSegment } from './segment-scanner';
import type { WalFile, WalFs } from './wal-fs';
import { WalReplayer } from './wal-replay';

export interface TornTail {
  file: string;
  offset: number;
  reason: string;
  /** Bytes cut off the end of the file. */
  discardedBytes: number;
}

export interface RecoveredWal {
  groups: Map<number, GroupState>;
  /** Existing segment sequences, ascending (the last one is the active segment). */
  segments: number[];
  activeFile: WalFile;
  activeSize: number;
  tornTail?: TornTail;
}

/**
 * Opens the WAL directory: replays every segment in order, cuts a torn tail off the last one,
 * and opens (or creates) the active segment for appending.
 */
export async function recoverWal(fs: WalFs, dir: string, cache: EntryCache, segmentBytes: number): Promise<RecoveredWal> {
  await fs.mkdirp(dir);
  // The WAL directory's own name must be durable before any record in it is acknowledged.
  await fs.fsyncDir(dirname(dir));
  const segments = (await fs.readdir(dir))
    .map(parseSegmentFileName)
    .filter((s): s is number => s !== undefined)
    .sort((a, b) => a - b);
  checkNoMissingSegments(dir, segments);

  const replayer = new WalReplayer(cache);
  let tornTail: TornTail | undefined;
  let lastSize = 0;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const file = segmentPath(dir, seg);
    const buf = await fs.readFile(file);
    const scanned = scanSegment(buf, seg, file, k === segments.length - 1);
    for (const record of scanned.records) replayer.apply(record, seg);
    lastSize = scanned.validLength;
    if (scanned.torn !== undefined) {
      tornTail = { file, ...scanned.torn, discardedBytes: buf.length - scanned.validLength };
    }
  }
  replayer.checkConsistent(dir);

  const last = segments[segments.length - 1];
  if (last !== undefined && lastSize >= SEGMENT_HEADER_BYTES) {
    const file = await fs.openForWrite(segmentPath(dir, last), 'existing');
    if (tornTail !== undefined) {
      // Cut the torn bytes durably before appending, or they would sit mid-log next time.
      await file.truncate(lastSize);
      await file.datasync();
    }
    if (lastSize < segmentBytes) return { groups: replayer.groups, segments, activeFile: file, activeSize: lastSize, tornTail };
    await file.close();
  } else if (last !== undefined) {
    // The newest segment never got a complete header: it holds nothing; replace it.
    await fs.unlink(segmentPath(dir, last));
    segments.pop();
  }
  const seg = (segments[segments.length - 1] ?? 0) + 1;
  const activeFile = await createSegment(fs, dir, seg);
  segments.push(seg);
  return { groups: replayer.groups, segments, activeFile, activeSize: SEGMENT_HEADER_BYTES, tornTail };
}

async function createSegment(fs: WalFs, dir: string, seg: number): Promise<WalFile> {
  const file = await fs.openForWrite(segmentPath(dir, seg), 'create');
  await file.writev([encodeSegmentHeader(seg)], 0);
  await file.datasync();
  await fs.fsyncDir(dir);
  return file;
}

/** GC deletes only the oldest segments, so a hole in the sequence means a lost file. */
function checkNoMissingSegments(dir: string, segments: number[]): void {
  for (let k = 1; k < segments.length; k++) {
    if (segments[k] !== segments[k - 1] + 1) {
      throw new WalCorruptionError(segmentPath(dir, segments[k - 1] + 1), 0, `segment file missing between ${segments[k - 1]} and ${segments[k]}`);
    }
  }
}
