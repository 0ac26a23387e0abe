/** Options of `npm run bench:update -- [options]`; see USAGE. */
export interface UpdateBenchArgs {
  json: boolean;
  clients: number;
  /** Measured seconds per phase (single-region, cross-region, Oxigraph), after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  stores: number;
  /** LUBM N-Triples file for the loader and saga runs (and loaded into both stores before the updates). */
  file: string;
  /** Skip the LUBM loads: updates only, on an empty cluster and an empty Oxigraph store. */
  noLoad: boolean;
  /** Loader/saga load pairs (each load on a fresh cluster); the medians are reported. */
  loadRuns: number;
  /** Extra `quarry load` arguments of the saga path; undefined: see SAGA_LOAD_ARGS in load-side.ts. */
  sagaArgs?: string[];
  oxigraphOnly: boolean;
}

export const USAGE = `usage: npm run bench:update -- [--json] [--clients 16] [--seconds 20] [--warmup 3] [--stores 3]
    [--file ../shared/data/lubm/lubm1.nt.gz] [--no-load] [--load-runs 1] [--saga-args "--chunk-quads 50000"] [--oxigraph-only]`;

export function parseUpdateArgs(argv: readonly string[]): UpdateBenchArgs {
  const valued = new Set(['--clients', '--seconds', '--warmup', '--stores', '--file', '--saga-args', '--load-runs']);
  const flags = new Set(['--json', '--no-load', '--oxigraph-only']);
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flags.has(arg)) values.set(arg, 'true');
    else if (valued.has(arg)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      values.set(arg, v);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const positive = (name: string, fallback: number, min: number): number => {
    const n = Number(values.get(name) ?? fallback);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}\n${USAGE}`);
    return n;
  };
  const saga = values.get('--saga-args');
  return {
    json: values.has('--json'),
    clients: Math.round(positive('--clients', 16, 1)),
    seconds: positive('--seconds', 20, 1),
    warmupSeconds: positive('--warmup', 3, 0),
    stores: Math.round(positive('--stores', 3, 1)),
    file: values.get('--file') ?? '../shared/data/lubm/lubm1.nt.gz',
    noLoad: values.has('--no-load'),
    loadRuns: Math.round(positive('--load-runs', 1, 1)),
    sagaArgs: saga === undefined ? undefined : saga.split(/\s+/).filter(Boolean),
    oxigraphOnly: values.has('--oxigraph-only'),
  };
}
