import { entrySize, type Entry } from './types';

/**
 * Truncates ents (in place when possible, returning it) so their total size stays within
 * maxBytes, always keeping at least the first entry so progress is never blocked by one big entry.
 */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]);
    if (size > maxBytes) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/** Maximum value meaning "no limit" for byte budgets. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;
