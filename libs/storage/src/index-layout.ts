import { REGION_PREFIX_SIZE, VERSION_SIZE } from './keys';

/** Positions of a quad, in the order of an encoded quad record: s, p, o, g. */
export type Position = 0 | 1 | 2 | 3;
export const S: Position = 0;
export const P: Position = 1;
export const O: Position = 2;
export const G: Position = 3;

/** Width of a term in index keys and values: a region-local dictionary id (term-dictionary.ts). */
export const INDEX_TERM_SIZE = 4;

/**
 * One LMDB DUPSORT|DUPFIXED database per index. Key = region id + the index's first term id
 * (12 bytes); each duplicate value = the remaining term ids, and in the subject-first index of
 * each family (dspo, spog) the version (fixed width, packed without per-entry overhead by
 * LMDB). The other indexes hold one version-less entry per quad that has an insert version;
 * a scan over them reads the quad's versions from the subject-first index (DESIGN.md "MVCC").
 * Default-graph triples live only in the d* indexes, named-graph quads only in the six others.
 */
export interface IndexSpec {
  readonly name: string;
  /** Term positions in key order (first = LMDB key, rest = dup value). */
  readonly order: readonly Position[];
  readonly namedGraphs: boolean;
  readonly valueSize: number;
  /** Bytes of the dup value that identify the quad (without the version). */
  readonly valueTermsSize: number;
  /** The values end with a version: the family's subject-first index, which holds the quad's history. */
  readonly versioned: boolean;
}

function spec(name: string, order: Position[]): IndexSpec {
  const valueTermsSize = (order.length - 1) * INDEX_TERM_SIZE;
  const versioned = order[0] === S;
  return { name, order, namedGraphs: order.length === 4, valueTermsSize, versioned, valueSize: valueTermsSize + (versioned ? VERSION_SIZE : 0) };
}

export const DSPO = spec('dspo', [S, P, O]);
export const DPOS = spec('dpos', [P, O, S]);
export const DOSP = spec('dosp', [O, S, P]);
export const SPOG = spec('spog', [S, P, O, G]);
export const POSG = spec('posg', [P, O, S, G]);
export const OSPG = spec('ospg', [O, S, P, G]);
export const GSPO = spec('gspo', [G, S, P, O]);
export const GPOS = spec('gpos', [G, P, O, S]);
export const GOSP = spec('gosp', [G, O, S, P]);

export const DEFAULT_GRAPH_INDEXES: readonly IndexSpec[] = [DSPO, DPOS, DOSP];
export const NAMED_GRAPH_INDEXES: readonly IndexSpec[] = [SPOG, POSG, OSPG, GSPO, GPOS, GOSP];
export const ALL_INDEXES: readonly IndexSpec[] = [...DEFAULT_GRAPH_INDEXES, ...NAMED_GRAPH_INDEXES];

/** The index holding the versions of the quads of `spec`'s family (dspo or spog). */
export function versionIndexOf(spec: IndexSpec): IndexSpec {
  return spec.namedGraphs ? SPOG : DSPO;
}

export const INDEX_KEY_SIZE = REGION_PREFIX_SIZE + INDEX_TERM_SIZE;
