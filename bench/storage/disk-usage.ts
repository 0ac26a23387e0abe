import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuadStore } from '@quarry/storage';

export interface DiskUsage {
  /** Size of the data file on the file system after the load (includes LMDB's free pages). */
  fileBytes: number;
  /** Size of a compacted copy: the live data alone. */
  liveBytes: number;
}

/** Bytes the file occupies on disk (its size, or less when sparse). */
export function allocatedBytes(file: string): number {
  const st = statSync(file);
  return Math.min(st.size, st.blocks * 512);
}

export async function diskUsage(store: QuadStore, dir: string): Promise<DiskUsage> {
  const copyDir = mkdtempSync(join(tmpdir(), 'quarry-bench-compact-'));
  try {
    await store.env.root.backup(copyDir, true);
    return { fileBytes: allocatedBytes(join(dir, 'data.mdb')), liveBytes: allocatedBytes(join(copyDir, 'data.mdb')) };
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
}
