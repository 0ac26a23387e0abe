/** Options of `npm run conformance -- [--json] [--endpoint URL] [--record-baseline]`. */
export interface ConformanceArgs {
  /** Print the summary as JSON on the last stdout line. */
  json: boolean;
  /** SPARQL endpoint of a running cluster; without it a cluster is started and stopped. */
  endpoint?: string;
  /** Write the number of passing tests to baseline.json after the run. */
  recordBaseline: boolean;
  /** Only run tests whose id contains this text (for debugging a few tests). */
  filter?: string;
}

export class UsageError extends Error {}

export function parseConformanceArgs(argv: readonly string[]): ConformanceArgs {
  const args: ConformanceArgs = { json: false, recordBaseline: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') args.json = true;
    else if (arg === '--record-baseline') args.recordBaseline = true;
    else if (arg === '--endpoint') args.endpoint = new URL(value()).href;
    else if (arg === '--filter') args.filter = value();
    else throw new UsageError(`unknown option ${arg}; usage: npm run conformance -- [--json] [--endpoint URL] [--record-baseline] [--filter TEXT]`);
  }
  return args;
}
