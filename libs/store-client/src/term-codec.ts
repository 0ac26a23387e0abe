import { create } from '@bufbuild/protobuf';
import { QuadPatternSchema, RdfTermSchema, TermKind, type QuadPattern as WirePattern, type RdfTerm } from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import { DataFactory } from 'n3';

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

export class BadTermError extends Error {}

export function termToWire(t: Term): RdfTerm {
  switch (t.termType) {
    case 'NamedNode':
      return create(RdfTermSchema, { kind: TermKind.NAMED_NODE, value: t.value });
    case 'BlankNode':
      return create(RdfTermSchema, { kind: TermKind.BLANK_NODE, value: t.value });
    case 'Literal':
      return create(RdfTermSchema, {
        kind: TermKind.LITERAL,
        value: t.value,
        language: t.language,
        datatype: t.language || t.datatype.value === XSD_STRING ? '' : t.datatype.value,
      });
    case 'DefaultGraph':
      return create(RdfTermSchema, { kind: TermKind.DEFAULT_GRAPH });
    default:
      throw new BadTermError(`a ${t.termType} cannot be sent to a store`);
  }
}

export function termFromWire(w: RdfTerm): Term {
  switch (w.kind) {
    case TermKind.NAMED_NODE:
      if (!w.value) throw new BadTermError('empty IRI');
      return DataFactory.namedNode(w.value);
    case TermKind.BLANK_NODE:
      if (!w.value) throw new BadTermError('empty blank node label');
      return DataFactory.blankNode(w.value);
    case TermKind.LITERAL:
      if (w.language) return DataFactory.literal(w.value, w.language);
      return DataFactory.literal(w.value, w.datatype && w.datatype !== RDF_LANG_STRING ? DataFactory.namedNode(w.datatype) : undefined);
    case TermKind.DEFAULT_GRAPH:
      return DataFactory.defaultGraph();
    default:
      throw new BadTermError(`unknown term kind ${w.kind}`);
  }
}

export interface TermPattern {
  s?: Term;
  p?: Term;
  o?: Term;
  g?: Term;
}

export function patternToWire(p: TermPattern): WirePattern {
  return create(QuadPatternSchema, {
    subject: p.s && termToWire(p.s),
    predicate: p.p && termToWire(p.p),
    object: p.o && termToWire(p.o),
    graph: p.g && termToWire(p.g),
  });
}

export function patternFromWire(w: WirePattern | undefined): TermPattern {
  return {
    s: w?.subject && termFromWire(w.subject),
    p: w?.predicate && termFromWire(w.predicate),
    o: w?.object && termFromWire(w.object),
    g: w?.graph && termFromWire(w.graph),
  };
}
