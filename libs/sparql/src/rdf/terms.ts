import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { xsd, rdf } from './vocab';

export type Term = RDF.Term;
export type NamedNode = RDF.NamedNode;
export type BlankNode = RDF.BlankNode;
export type Literal = RDF.Literal;
export type Variable = RDF.Variable;
export type Quad = RDF.Quad;
/** Terms that can appear in a solution (no variables, no default graph). */
export type GroundTerm = NamedNode | BlankNode | Literal;

export const factory = DataFactory;

export const namedNode = (iri: string): NamedNode => DataFactory.namedNode(iri);
export const blankNode = (label?: string): BlankNode => DataFactory.blankNode(label);
export const literal = (value: string, langOrDatatype?: string | NamedNode): Literal => DataFactory.literal(value, langOrDatatype);
export const variable = (name: string): Variable => DataFactory.variable(name);
export const defaultGraph = (): RDF.DefaultGraph => DataFactory.defaultGraph();

export const typedLiteral = (value: string, datatype: string): Literal => DataFactory.literal(value, DataFactory.namedNode(datatype));
export const stringLiteral = (value: string): Literal => DataFactory.literal(value);
export const booleanLiteral = (value: boolean): Literal => typedLiteral(value ? 'true' : 'false', xsd.boolean);
export const integerLiteral = (value: bigint | number): Literal => typedLiteral(String(value), xsd.integer);

export const TRUE = booleanLiteral(true);
export const FALSE = booleanLiteral(false);

/**
 * A string that identifies a term exactly (RDF term equality): used as hash key for joins,
 * DISTINCT and grouping. Literals keep lexical form, language and datatype apart.
 */
export function termKey(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${term.value}>`;
    case 'BlankNode':
      return `_:${term.value}`;
    case 'Literal':
      if (term.language) return `"${term.value}"@${term.language.toLowerCase()}`;
      if (term.datatype.value === xsd.string) return `"${term.value}"`;
      return `"${term.value}"^^<${term.datatype.value}>`;
    case 'Variable':
      return `?${term.value}`;
    case 'DefaultGraph':
      return '<<default>>';
    default:
      return `<<${term.termType}>>`;
  }
}

export function isLangString(term: Literal): boolean {
  return term.language !== '' || term.datatype.value === rdf.langString;
}

/** A simple literal or xsd:string (they are the same in RDF 1.1). */
export function isPlainString(term: Term): term is Literal {
  return term.termType === 'Literal' && term.language === '' && term.datatype.value === xsd.string;
}

export function isGround(term: Term): term is GroundTerm {
  return term.termType === 'NamedNode' || term.termType === 'BlankNode' || term.termType === 'Literal';
}
