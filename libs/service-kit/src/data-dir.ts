import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Readiness } from './service-context';

/** Creates the data directory and keeps checking it stays writable (a full or read-only disk). */
export function useDataDir(dir: string, readiness: Readiness): void {
  mkdirSync(dir, { recursive: true });
  readiness.add('data-dir', () => {
    try {
      accessSync(dir, constants.W_OK);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: `${dir}: ${(err as Error).message}` };
    }
  });
}
