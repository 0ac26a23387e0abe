import { WalCorruptionError } from './log-errors';
import { frameRecordAt, RecordType, type RawRecord } from './record-format';
import { BATCH_END_RECORD } from './record-payloads';
import { checkSegmentHeader, SEGMENT_HEADER_BYTES } from './segment-file';

/**
 * Splits one segment's bytes into checksum-verified records and decides what a bad record means.
 *
 * Records are grouped in batches closed by a BatchEnd record; only complete batches are
 * returned, which makes each write batch atomic across a crash.
 *
 * Segments are written strictly in order and a segment is fully fsynced before the next one
 * receives data, so only the tail of the LAST segment can hold an unacknowledged, partially
 * persisted write. A bad record there with no complete batch after it is a torn tail (cut off
 * and forgotten: it was never acknowledged). A bad record followed by a complete batch, or any
 * bad record in an earlier segment, is corruption of acknowledged data: we throw naming the
 * file and offset so the node stops instead of silently losing committed entries.
 */
export interface ScannedSegment {
  records: RawRecord[];
  /** Bytes up to the end of the last valid record (where a torn tail is cut). */
  validLength: number;
  /** Set when a torn tail was found: offset where it starts and why it is bad. */
  torn?: { offset: number; reason: string };
}

export function scanSegment(buf: Buffer, seq: number, file: string, isLast: boolean): ScannedSegment {
  const headerProblem = checkSegmentHeader(buf, seq);
  if (headerProblem !== undefined) {
    // A crash while creating the newest segment can leave a short header; nothing in it was acked.
    if (isLast && buf.length < SEGMENT_HEADER_BYTES) {
      return { records: [], validLength: 0, torn: { offset: 0, reason: headerProblem } };
    }
    throw new WalCorruptionError(file, 0, headerProblem);
  }
  const records: RawRecord[] = [];
  /** Records of the batch being read; kept only once its BatchEnd is seen. */
  let batch: RawRecord[] = [];
  let batchStart = SEGMENT_HEADER_BYTES;
  let offset = SEGMENT_HEADER_BYTES;
  while (offset < buf.length) {
    const framed = frameRecordAt(buf, offset);
    if (framed.kind === 'ok') {
      if (framed.record.type === RecordType.BatchEnd) {
        for (const r of batch) records.push(r);
        batch = [];
        batchStart = framed.next;
      } else {
        batch.push(framed.record);
      }
      offset = framed.next;
      continue;
    }
    const validAfter = isLast ? findBatchEndAfter(buf, offset + 1) : undefined;
    if (!isLast || validAfter !== undefined) {
      const detail = validAfter !== undefined ? `; a complete batch follows (batch end at offset ${validAfter})` : '';
      throw new WalCorruptionError(file, offset, `${framed.reason}${detail}`);
    }
    return { records, validLength: batchStart, torn: { offset: batchStart, reason: framed.reason } };
  }
  if (batch.length > 0) {
    // Records without their BatchEnd: the write of this batch was cut short.
    if (!isLast) throw new WalCorruptionError(file, batchStart, 'batch without BatchEnd at the end of a sealed segment');
    return { records, validLength: batchStart, torn: { offset: batchStart, reason: 'batch without BatchEnd record' } };
  }
  return { records, validLength: offset };
}

/**
 * Offset of a complete batch's BatchEnd record after `from`, if any. A batch is acknowledged
 * only after the write carrying its BatchEnd was fsynced, so damage followed by a valid BatchEnd
 * hit acknowledged data; damage with no BatchEnd after it is within the unacknowledged last
 * write. BatchEnd records are a constant 17 bytes (CRC included), so this is one indexOf.
 */
function findBatchEndAfter(buf: Buffer, from: number): number | undefined {
  const at = buf.indexOf(BATCH_END_RECORD, from);
  return at < 0 ? undefined : at;
}
