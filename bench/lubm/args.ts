/** Options of `npm run bench -- [--json] [--file F] [--queries DIR] [--runs N] [--stores N]`. */
export interface LubmBenchArgs {
  json: boolean;
  /** LUBM N-Triples file, gzip allowed. */
  file: string;
  /** Directory with q1.rq … q14.rq. */
  queriesDir: string;
  /** Timed warm runs per query (after one warm-up run). */
  runs: number;
  stores: number;
  /** Run only the Oxigraph side (to check the harness without a cluster). */
  oxigraphOnly: boolean;
}

export function parseLubmArgs(argv: readonly string[]): LubmBenchArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(['--json', '--file', '--queries', '--runs', '--stores', '--oxigraph-only']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}`);
  return {
    json: argv.includes('--json'),
    file: value('--file') ?? '../shared/data/lubm/lubm1.nt.gz',
    queriesDir: value('--queries') ?? '../shared/data/lubm/queries',
    runs: Math.max(1, Number(value('--runs') ?? 5)),
    stores: Math.max(1, Number(value('--stores') ?? 3)),
    oxigraphOnly: argv.includes('--oxigraph-only'),
  };
}
