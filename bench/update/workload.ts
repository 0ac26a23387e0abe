import { namedNode, subjectHash } from '@quarry/rdf';

/** One region's share of the subject-hash space: [start, end), end 0 meaning up to 2^64. */
export interface HashRange {
  id: number;
  start: bigint;
  end: bigint;
}

/** The ranges in `quarry region list --json` output (hashes as 0x hex, the last end as "end"). */
export function parseRegionList(json: string): HashRange[] {
  const parsed = JSON.parse(json) as { regions?: { id: number; startHash: string; endHash: string }[] };
  if (!parsed.regions?.length) throw new Error('region list has no regions');
  return parsed.regions
    .map((r) => ({ id: r.id, start: BigInt(r.startHash), end: r.endHash === 'end' ? 0n : BigInt(r.endHash) }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/** `count` equal ranges over the whole hash space (for an Oxigraph-only run, which has no cluster to ask). */
export function evenRanges(count: number): HashRange[] {
  const step = (1n << 64n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, start: step * BigInt(i), end: i === count - 1 ? 0n : step * BigInt(i + 1) }));
}

export function rangeOwns(r: HashRange, hash: bigint): boolean {
  return hash >= r.start && (r.end === 0n || hash < r.end);
}

/** The region (id) that owns an IRI used as a subject, as the store client routes it. */
export function regionOfIri(ranges: readonly HashRange[], iri: string): number {
  const hash = subjectHash(namedNode(iri));
  const r = ranges.find((x) => rangeOwns(x, hash));
  if (!r) throw new Error(`no range owns ${iri} (hash ${hash})`);
  return r.id;
}

/**
 * An IRI `BASE-n` whose subject hash falls in `range`, trying n = 0, 1, … in turn. A range
 * holding a fraction f of the hash space needs ~1/f tries; the bound only catches a range so
 * small the bench could not use it anyway.
 */
export function iriInRange(range: HashRange, base: string, maxTries = 1_000_000): string {
  for (let n = 0; n < maxTries; n++) {
    const iri = `${base}-${n}`;
    if (rangeOwns(range, subjectHash(namedNode(iri)))) return iri;
  }
  throw new Error(`no IRI ${base}-n in region ${range.id} within ${maxTries} tries`);
}

export const BENCH_NS = 'http://quarry.bench/update/';
/** Every account starts with this balance; moves keep the sum of all balances constant. */
export const INITIAL_BALANCE = 1000;

export type Scope = 'single' | 'cross';
export type Operation = 'insert' | 'move';

export interface BenchUpdate {
  scope: Scope;
  op: Operation;
  text: string;
}

const PREFIX = `PREFIX b: <${BENCH_NS}>\n`;

/**
 * The updates of one bench client. Each client owns two accounts (subjects) in every region,
 * so clients never write the same subject and no update conflicts with another client's.
 * Updates alternate between
 * - insert: INSERT DATA of a note on two accounts;
 * - move: DELETE/INSERT WHERE moving 1 from one account's balance to the other's (the
 *   direction alternates, so balances stay near INITIAL_BALANCE and their sum never changes).
 * A single-region update uses two accounts of one region; a cross-region update one account in
 * each of two adjacent regions. The region rotates from update to update, spreading the load.
 * Deterministic: the same client number and ranges give the same texts, for Quarry and Oxigraph.
 */
export class ClientWorkload {
  /** accounts[regionIndex] = the two account IRIs of this client in that region (ranges sorted by hash). */
  readonly accounts: [string, string][];
  private readonly counters: Record<Scope, number> = { single: 0, cross: 0 };

  constructor(
    readonly client: number,
    ranges: readonly HashRange[],
  ) {
    this.accounts = ranges.map((r) => [iriInRange(r, `${BENCH_NS}c${client}/r${r.id}/a0`), iriInRange(r, `${BENCH_NS}c${client}/r${r.id}/a1`)]);
  }

  /** INSERT DATA of every account's initial balance (cross-region when there are several regions). */
  seedText(): string {
    const triples = this.accounts.flat().map((a) => `<${a}> b:balance ${INITIAL_BALANCE} .`);
    return `${PREFIX}INSERT DATA {\n${triples.join('\n')}\n}`;
  }

  next(scope: Scope): BenchUpdate {
    const i = this.counters[scope]++;
    const regions = this.accounts.length;
    if (scope === 'cross' && regions < 2) throw new Error('a cross-region update needs at least 2 regions');
    const r = (this.client + (i >> 1)) % regions;
    const [a, b] = scope === 'single' ? this.accounts[r]! : [this.accounts[r]![0], this.accounts[(r + 1) % regions]![1]];
    const op: Operation = i % 2 === 0 ? 'insert' : 'move';
    const tag = `c${this.client} ${scope} ${i}`;
    if (op === 'insert') return { scope, op, text: `${PREFIX}INSERT DATA { <${a}> b:note "${tag}" . <${b}> b:note "${tag}" }` };
    const [from, to] = (i >> 1) % 2 === 0 ? [a, b] : [b, a];
    return {
      scope,
      op,
      text:
        `${PREFIX}DELETE { <${from}> b:balance ?f . <${to}> b:balance ?t }\n` +
        `INSERT { <${from}> b:balance ?f2 . <${to}> b:balance ?t2 }\n` +
        `WHERE { <${from}> b:balance ?f . <${to}> b:balance ?t BIND(?f - 1 AS ?f2) BIND(?t + 1 AS ?t2) }`,
    };
  }
}

/** Sum and number of all balances: after any number of moves, accounts × INITIAL_BALANCE and accounts. */
export const BALANCE_CHECK_QUERY = `${PREFIX}SELECT (SUM(?v) AS ?sum) (COUNT(?v) AS ?n) WHERE { ?a b:balance ?v }`;

export interface BalanceCheck {
  ok: boolean;
  detail: string;
}

/** Sum and count of all balances against what the seeds and sum-preserving moves must leave. */
export function checkBalances(sum: number, n: number, accounts: number): BalanceCheck {
  const expected = accounts * INITIAL_BALANCE;
  const ok = sum === expected && n === accounts;
  return { ok, detail: `${n} balances summing to ${sum} (expected ${accounts} summing to ${expected})` };
}
