import { ScanTermKind, type ScanReply } from '@quarry/proto';
import type { Quad, Term } from '@quarry/rdf';
import { DataFactory } from 'n3';
import { BadTermError } from './term-codec';

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/** Distinct terms laid out for the wire (ScanReply's and SolutionRows' term table). */
export type TermTable = Pick<ScanReply, 'termKinds' | 'termText' | 'termLengths' | 'termTags' | 'termTagIds'>;

/** A scan page's term table and quads, as ScanReply carries them. */
export type ScanPage = TermTable & Pick<ScanReply, 'quadTerms'>;

/**
 * Builds a term table: distinct terms once, each referred to by its index. Scans return runs
 * of quads sharing terms (one predicate, one class, one graph), and the store's term decoder
 * hands out one object per term id, so terms are told apart by identity: a term seen as two
 * objects is only sent twice, never wrongly merged. Terms go out as one string with lengths
 * and a kind byte each, not a protobuf message or string each: for 5,000 terms those cost
 * 7x and 3x the N-Quads text they replaced.
 */
export class TermTableBuilder {
  private readonly index = new Map<Term, number>();
  private kinds = new Uint8Array(256);
  private terms = 0;
  private readonly values: string[] = [];
  private readonly termLengths: number[] = [];
  private readonly termTags: string[] = [];
  private readonly tagIds = new Map<string, number>();
  private readonly termTagIds: number[] = [];

  get termKinds(): Uint8Array {
    return this.kinds.subarray(0, this.terms);
  }

  /** Distinct terms so far. */
  get size(): number {
    return this.terms;
  }

  table(): TermTable {
    return { termKinds: this.termKinds, termText: this.values.join(''), termLengths: this.termLengths, termTags: this.termTags, termTagIds: this.termTagIds };
  }

  indexOf(t: Term): number {
    let i = this.index.get(t);
    if (i !== undefined) return i;
    i = this.terms++;
    if (i >= this.kinds.length) {
      const grown = new Uint8Array(this.kinds.length * 2);
      grown.set(this.kinds);
      this.kinds = grown;
    }
    this.kinds[i] = this.kindOf(t);
    const value = t.termType === 'DefaultGraph' ? '' : t.value;
    this.values.push(value);
    this.termLengths.push(value.length);
    this.index.set(t, i);
    return i;
  }

  private tag(tag: string): void {
    let id = this.tagIds.get(tag);
    if (id === undefined) {
      id = this.termTags.length;
      this.termTags.push(tag);
      this.tagIds.set(tag, id);
    }
    this.termTagIds.push(id);
  }

  private kindOf(t: Term): ScanTermKind {
    switch (t.termType) {
      case 'NamedNode':
        return ScanTermKind.SCAN_TERM_NAMED_NODE;
      case 'BlankNode':
        return ScanTermKind.SCAN_TERM_BLANK_NODE;
      case 'DefaultGraph':
        return ScanTermKind.SCAN_TERM_DEFAULT_GRAPH;
      case 'Literal':
        if (t.language) {
          this.tag(t.language);
          return ScanTermKind.SCAN_TERM_LANG_STRING;
        }
        if (t.datatype.value === XSD_STRING) return ScanTermKind.SCAN_TERM_STRING;
        this.tag(t.datatype.value);
        return ScanTermKind.SCAN_TERM_TYPED;
      default:
        throw new BadTermError(`a ${t.termType} cannot be sent in a term table`);
    }
  }
}

/** Builds a scan page: the quads as four indexes each into the page's term table. */
export class ScanPageBuilder {
  private readonly terms = new TermTableBuilder();
  readonly quadTerms: number[] = [];

  add(q: Quad): void {
    const t = this.terms;
    this.quadTerms.push(t.indexOf(q.subject), t.indexOf(q.predicate), t.indexOf(q.object), t.indexOf(q.graph));
  }

  get count(): number {
    return this.quadTerms.length / 4;
  }

  get termKinds(): Uint8Array {
    return this.terms.termKinds;
  }

  /** The page's fields of ScanReply. */
  page(): ScanPage {
    return { ...this.terms.table(), quadTerms: this.quadTerms };
  }
}

/** The quads of a scan page, each distinct term decoded once. */
export function quadsOfPage(page: ScanPage): Quad[] {
  const terms = termsOfTable(page);
  const ix = page.quadTerms;
  if (ix.length % 4 !== 0) throw new BadTermError(`a scan page holds ${ix.length} term indexes, not four per quad`);
  const quads = new Array<Quad>(ix.length / 4);
  for (let q = 0, i = 0; i < ix.length; q++, i += 4) {
    const [s, p, o, g] = [terms[ix[i]], terms[ix[i + 1]], terms[ix[i + 2]], terms[ix[i + 3]]];
    if (!s || !p || !o || !g) throw new BadTermError(`scan page quad ${q} points past the page's ${terms.length} terms`);
    if (!isSubject(s) || p.termType !== 'NamedNode' || !isObject(o) || !isGraph(g)) {
      throw new BadTermError(`scan page quad ${q} has a ${s.termType} ${p.termType} ${o.termType} ${g.termType}, which is not a quad`);
    }
    quads[q] = DataFactory.quad(s, p, o, g);
  }
  return quads;
}

/** The terms of a term table, in order; `what` names the message in errors. */
export function termsOfTable(table: TermTable, what = 'a scan page'): Term[] {
  const { termKinds: kinds, termText: text, termLengths: lengths, termTags: tags, termTagIds: tagIds } = table;
  if (kinds.length !== lengths.length) throw new BadTermError(`${what} has ${kinds.length} term kinds for ${lengths.length} term lengths`);
  const tagTerms = new Map<number, Term>();
  const terms = new Array<Term>(kinds.length);
  let tagAt = 0;
  const nextTag = (): string => {
    const tag = tags[tagIds[tagAt++]];
    if (tag === undefined) throw new BadTermError(`${what} lacks the language or datatype of a literal`);
    return tag;
  };
  let at = 0;
  for (let i = 0; i < kinds.length; i++) {
    const v = text.slice(at, (at += lengths[i]));
    if (at > text.length) throw new BadTermError(`${what}'s term lengths run past its text`);
    switch (kinds[i] as ScanTermKind) {
      case ScanTermKind.SCAN_TERM_NAMED_NODE:
        if (!v) throw new BadTermError(`empty IRI in ${what}`);
        terms[i] = DataFactory.namedNode(v);
        break;
      case ScanTermKind.SCAN_TERM_BLANK_NODE:
        if (!v) throw new BadTermError(`empty blank node label in ${what}`);
        terms[i] = DataFactory.blankNode(v);
        break;
      case ScanTermKind.SCAN_TERM_STRING:
        terms[i] = DataFactory.literal(v);
        break;
      case ScanTermKind.SCAN_TERM_LANG_STRING:
        terms[i] = DataFactory.literal(v, nextTag());
        break;
      case ScanTermKind.SCAN_TERM_TYPED: {
        const id = tagIds[tagAt];
        const iri = nextTag();
        let dt = tagTerms.get(id);
        if (!dt) tagTerms.set(id, (dt = DataFactory.namedNode(iri)));
        terms[i] = DataFactory.literal(v, dt as Parameters<typeof DataFactory.literal>[1]);
        break;
      }
      case ScanTermKind.SCAN_TERM_DEFAULT_GRAPH:
        terms[i] = DataFactory.defaultGraph();
        break;
      default:
        throw new BadTermError(`unknown term kind ${kinds[i]} in ${what}`);
    }
  }
  if (at !== text.length) throw new BadTermError(`${what}'s term text is longer than its terms`);
  return terms;
}

const isSubject = (t: Term): t is Quad['subject'] => t.termType === 'NamedNode' || t.termType === 'BlankNode';
const isObject = (t: Term): t is Quad['object'] => t.termType === 'NamedNode' || t.termType === 'BlankNode' || t.termType === 'Literal';
const isGraph = (t: Term): t is Quad['graph'] => t.termType === 'NamedNode' || t.termType === 'BlankNode' || t.termType === 'DefaultGraph';
