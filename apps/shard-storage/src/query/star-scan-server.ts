import type { MessageInitShape } from '@bufbuild/protobuf';
import type { StarScanReplySchema, StarScanRequest } from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import type { ServiceContext } from '@quarry/service-kit';
import {
  countStarGroupsLocally,
  evaluateStarLocally,
  expressionVariables,
  integerLiteral,
  parseExpressionText,
  starVariables,
  type Binding,
  type Expr,
  type StarQuery,
  type TriplePattern,
} from '@quarry/sparql';
import { BadTermError, SolutionRowsBuilder, starFromWire, storeSubject, StoreStarScan, termFromWire, unpackSolutions } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { checkReadTs, checkRouted } from '../region/region-meta';
import type { StoreNode } from '../store-node';
import { wireError } from '../store-server';
import { RegionQuadSource } from './region-quad-source';
import { ReadConfirmations } from './read-confirmations';
import { StarCursors } from './star-cursors';

/** Carries each seed's index through evaluation (never a user variable: those cannot hold NUL). */
const SEED_TAG = '\u0000seed';
const MAX_SEEDS = 10_000;
const MAX_PATTERNS = 64;
/** Replies stay well under NATS's default 1 MB payload limit. */
const PAGE_BYTES = 512 * 1024;
const MAX_PAGE_ROWS = 10_000;

interface StarRun {
  rows: AsyncIterator<Binding[]>;
  carry: Binding[];
  variables: string[];
  /** Rows are groups, each carrying its count under COUNT_TAG. */
  counted: boolean;
}

/** Carries a group's count through paging (see SEED_TAG). */
const COUNT_TAG = '\u0000count';

/**
 * Serves StarScan: a star (the patterns around one subject) evaluated against this store's
 * replica of a region, for a batch of seeds, paged with server-side cursors.
 */
export class StarScanServer {
  private readonly cursors = new StarCursors<StarRun>();
  private readonly confirmations = new ReadConfirmations();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly node: StoreNode,
  ) {}

  start(): void {
    this.ctx.bus.serve(StoreStarScan, storeSubject(this.ctx.subjects.cluster, this.node.storeId, StoreStarScan.name), (req) => this.starScan(req));
  }

  async starScan(req: StarScanRequest): Promise<MessageInitShape<typeof StarScanReplySchema>> {
    try {
      // Only the first page needs leadership (see StoreScan): later pages continue the same
      // snapshot on this replica.
      if (!req.cursor) this.node.requireLeader(req.regionId);
      const machine = this.node.machine(req.regionId);
      checkRouted(req.regionId, machine.meta, req.regionVersion);
      const run = req.cursor ? this.resume(req.cursor) : await this.begin(req);
      const page = await this.page(run, Math.min(req.pageRows || MAX_PAGE_ROWS, MAX_PAGE_ROWS));
      // Evaluation awaits between stages, so a split or merge may have been applied while the
      // page was read: part of what the caller routed here may have left the region.
      checkRouted(req.regionId, this.node.machine(req.regionId).meta, req.regionVersion);
      return page;
    } catch (err) {
      wireError(err, req.regionId);
    }
  }

  private async begin(req: StarScanRequest): Promise<StarRun> {
    if (req.patterns.length > MAX_PATTERNS)
      throw new QuarryError('INVALID_ARGUMENT', `a star has at most ${MAX_PATTERNS} patterns (got ${req.patterns.length})`);
    const seedCount = req.seeds?.count ?? 0;
    if (seedCount > MAX_SEEDS) throw new QuarryError('INVALID_ARGUMENT', `at most ${MAX_SEEDS} seeds per request (got ${seedCount})`);
    const patterns = starFromWire(req.patterns) as TriplePattern[];
    const graph = req.graph ? termFromWire(req.graph) : undefined;
    if (!graph || (graph.termType !== 'DefaultGraph' && graph.termType !== 'NamedNode'))
      throw new BadTermError('a star is matched in the default graph or one named graph');
    const star: StarQuery = { patterns, graph, filters: req.filters.map((text) => starFilter(text, patterns)) };
    const seeds: Binding[] = seedCount ? unpackSolutions(req.seedVariables, req.seeds).map(withTag) : [withTag(new Map(), 0)];
    // A deposed leader must not answer from a stale replica: confirm with the quorum first.
    await this.node.fence(req.regionId).beforeRead(req.readTs);
    await this.confirmations.confirm(this.node.machine(req.regionId), req.readTs, () => this.node.host.readIndex(req.regionId));
    this.node.refuseIfLocked(req.regionId, req.readTs);
    // After the read index, which may have applied a split or merge the caller did not know of.
    const meta = this.node.machine(req.regionId).meta;
    checkRouted(req.regionId, meta, req.regionVersion);
    checkReadTs(req.regionId, meta, req.readTs, meta.start, meta.end);
    const source = new RegionQuadSource(this.node.quads, BigInt(req.regionId), req.readTs);
    if (!req.countGroups) {
      const rows = evaluateStarLocally(source, star, seeds, { batchSize: 512 })[Symbol.asyncIterator]();
      return { rows, carry: [], variables: starVariables(patterns), counted: false };
    }
    if (seedCount > 0) throw new QuarryError('INVALID_ARGUMENT', 'a counted star scan takes no seeds');
    const own = new Set(starVariables(patterns));
    const foreign = req.groupBy.filter((v) => !own.has(v));
    if (foreign.length > 0) throw new QuarryError('INVALID_ARGUMENT', `group_by names variables the star does not bind: ${foreign.join(', ')}`);
    const groups = (await countStarGroupsLocally(source, star, req.groupBy, { batchSize: 512 })).map(({ key, count }) =>
      new Map(key).set(COUNT_TAG, integerLiteral(count)),
    );
    const rows = (async function* () {
      yield groups;
    })();
    return { rows, carry: [], variables: req.groupBy, counted: true };
  }

  private resume(cursor: string): StarRun {
    const run = this.cursors.take(cursor);
    if (!run) throw new QuarryError('FAILED_PRECONDITION', 'the star scan cursor expired or belongs to another store; run the query again');
    return run;
  }

  private async page(run: StarRun, maxRows: number): Promise<MessageInitShape<typeof StarScanReplySchema>> {
    const rows = new SolutionRowsBuilder(run.variables);
    const rowSeeds: number[] = [];
    const counts: bigint[] = [];
    let pending = run.carry;
    let taken = 0;
    for (;;) {
      while (taken < pending.length && rows.count < maxRows && rows.approximateBytes < PAGE_BYTES) {
        const b = pending[taken++];
        rows.add(b);
        if (run.counted) counts.push(BigInt((b.get(COUNT_TAG) as Term).value));
        else rowSeeds.push(Number((b.get(SEED_TAG) as Term).value));
      }
      if (taken < pending.length) break;
      const next = await run.rows.next();
      if (next.done) return { storeId: this.node.storeId, variables: run.variables, rows: rows.build(), rowSeeds, counts, cursor: '' };
      pending = next.value;
      taken = 0;
    }
    const cursor = this.cursors.add({ ...run, carry: pending.slice(taken) });
    return { storeId: this.node.storeId, variables: run.variables, rows: rows.build(), rowSeeds, counts, cursor };
  }
}

function withTag(b: Map<string, Term>, i: number): Binding {
  b.set(SEED_TAG, integerLiteral(i));
  return b;
}

/** A condition of the request, which may read only the star's variables. */
function starFilter(text: string, patterns: readonly TriplePattern[]): Expr {
  let expr: Expr;
  try {
    expr = parseExpressionText(text);
  } catch (e) {
    throw new QuarryError('INVALID_ARGUMENT', `bad star filter ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  const own = new Set(starVariables(patterns));
  const foreign = [...expressionVariables(expr)].filter((v) => !own.has(v));
  if (foreign.length > 0)
    throw new QuarryError('INVALID_ARGUMENT', `star filter ${JSON.stringify(text)} reads variables the star does not bind: ${foreign.join(', ')}`);
  return expr;
}
