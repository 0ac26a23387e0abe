import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuadStore } from '@quarry/storage';

/** Quad stores in temporary directories for unit tests; `closeAll` (in afterEach) removes them. */
export class TempQuadStores {
  private readonly dirs: string[] = [];
  readonly opened: QuadStore[] = [];

  constructor(private readonly prefix: string) {}

  open(): QuadStore {
    const d = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    this.dirs.push(d);
    const s = new QuadStore({ path: d, noSync: true });
    this.opened.push(s);
    return s;
  }

  async closeAll(): Promise<void> {
    for (const s of this.opened.splice(0)) await s.close();
    this.dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  }
}
