/** Minimal `--flag value` / `--switch` parsing for the storage benchmark. */
export interface BenchArgs {
  file: string;
  batchSize: number;
  json: boolean;
  skipOxigraph: boolean;
  /** Ingest rounds (alternating with Oxigraph loads); medians are reported. */
  rounds: number;
  /** Also measure replicated durable ingest (3 replica processes over NATS). */
  replicated: boolean;
  natsUrl: string;
  /** Batches outstanding to the region leader during replicated ingest. */
  inflight: number;
  /**
   * Triples per Raft entry in replicated ingest. 10,000 is what the cluster's RegionWriter ships
   * for LUBM: at most 20,000 quads and 768 KiB per entry, and 20,000 LUBM triples encode to more.
   */
  replicatedBatchSize: number;
  /** Local ingest puts on lmdb-js's writer thread (QuadStoreOptions.writerThread); off with --sync-writes. */
  writerThread: boolean;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    file: value('--file') ?? '../shared/data/lubm/lubm1.nt.gz',
    batchSize: Number(value('--batch') ?? 25_000),
    json: argv.includes('--json'),
    skipOxigraph: argv.includes('--no-oxigraph'),
    rounds: Math.max(1, Number(value('--rounds') ?? 3)),
    replicated: !argv.includes('--no-replicated'),
    natsUrl: value('--nats') ?? process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222',
    inflight: Math.max(1, Number(value('--inflight') ?? 2)),
    replicatedBatchSize: Number(value('--replicated-batch') ?? 10_000),
    writerThread: !argv.includes('--sync-writes'),
  };
}
