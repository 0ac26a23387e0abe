import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTestFile, rewriteTestFile } from './datadriven';
import { InteractionEnv } from './interaction-env';

/**
 * Runs every script in ../testdata. RAFT_REWRITE=1 regenerates the expected outputs (review
 * the diff by hand before committing!).
 */
const dir = join(__dirname, '..', 'testdata');
const rewrite = process.env.RAFT_REWRITE === '1';

describe('raft interaction scripts', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    it(file, () => {
      const path = join(dir, file);
      const cases = parseTestFile(readFileSync(path, 'utf8'));
      const env = new InteractionEnv();
      const outputs = new Map<number, string>();
      for (const tc of cases) {
        const got = env.handle(tc);
        outputs.set(tc.line, got);
        if (!rewrite) expect(got, `${file}:${tc.line}: ${tc.cmd}`).toBe(tc.expected);
      }
      if (rewrite) rewriteTestFile(path, outputs);
    });
  }
});
