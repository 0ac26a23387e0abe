import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

const libs = ['proto', 'transport', 'telemetry', 'control-db', 'config', 'service-kit', 'raft', 'storage', 'rdf', 'sparql', 'multiraft', 'consensus-client', 'store-client', 'saga'];
const alias = Object.fromEntries(libs.map((l) => [`@quarry/${l}`, resolve(root, `libs/${l}/src`)]));

// SWC instead of esbuild: Nest's constructor injection needs emitDecoratorMetadata.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'tools/**/*.spec.ts', 'test/static/**/*.spec.ts', 'bench/**/*.spec.ts'],
          testTimeout: 60_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // E2E files start many processes each; one file at a time keeps a 2-core machine from timing out.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
