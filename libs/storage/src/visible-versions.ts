import type { RawEntry } from './part-entries';
import { type VersionLimit, isInsertVersion, versionAtMost } from './keys';

/**
 * MVCC filter over index entries in key order. All versions of one quad are adjacent (same key,
 * same value terms, ascending version); the quad is visible at the read timestamp when its
 * newest version at or below it is an insert. Yields that version's entry once per quad.
 */
export function* visibleVersions(entries: Iterable<RawEntry>, valueTermsSize: number, limit: VersionLimit): Generator<RawEntry> {
  let groupKey: Buffer | undefined;
  let groupValue: Buffer | undefined;
  let visible: RawEntry | undefined;
  for (const entry of entries) {
    const sameGroup =
      groupValue !== undefined &&
      groupKey !== undefined &&
      (entry.key === groupKey || entry.key.equals(groupKey)) &&
      entry.value.compare(groupValue, 0, valueTermsSize, 0, valueTermsSize) === 0;
    if (!sameGroup) {
      if (visible !== undefined) yield visible;
      visible = undefined;
      groupKey = entry.key;
      groupValue = entry.value;
    }
    if (versionAtMost(entry.value, valueTermsSize, limit)) {
      visible = isInsertVersion(entry.value, valueTermsSize) ? entry : undefined;
    }
  }
  if (visible !== undefined) yield visible;
}
