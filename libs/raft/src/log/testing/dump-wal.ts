import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordType } from '../record-format';
import { decodeCompact, decodeEntries, decodeHardState, decodeSnapshotMarker } from '../record-payloads';
import { parseSegmentFileName } from '../segment-file';
import { scanSegment } from '../segment-scanner';

/** Human-readable list of every record in a WAL directory (debugging aid for tests). */
export async function dumpWal(walDir: string): Promise<string[]> {
  const out: string[] = [];
  const names = (await readdir(walDir)).filter((n) => parseSegmentFileName(n) !== undefined).sort();
  for (const [k, name] of names.entries()) {
    const seg = parseSegmentFileName(name)!;
    const scanned = scanSegment(await readFile(join(walDir, name)), seg, name, k === names.length - 1);
    for (const r of scanned.records) {
      let what: string;
      if (r.type === RecordType.Entries) {
        const d = decodeEntries(r.payload, r.payloadOffset);
        what = `entries ${d.firstIndex}..${d.firstIndex + d.entries.length - 1}`;
      } else if (r.type === RecordType.HardState) what = `hardState ${JSON.stringify(decodeHardState(r.payload))}`;
      else if (r.type === RecordType.Compact) what = `compact ${JSON.stringify(decodeCompact(r.payload))}`;
      else {
        const m = decodeSnapshotMarker(r.payload);
        what = `snapshot ${m.metadata.index}/${m.metadata.term} installed=${m.installed}`;
      }
      out.push(`seg ${seg} @${r.payloadOffset} group ${r.groupId}: ${what}`);
    }
  }
  return out;
}
