import { DataFactory } from 'n3';
import type * as RDF from '@rdfjs/types';

export type { RDF };
export type Quad = RDF.Quad;
export type Term = RDF.Term;
export type NamedNode = RDF.NamedNode;
export type BlankNode = RDF.BlankNode;
export type Literal = RDF.Literal;
export type DefaultGraph = RDF.DefaultGraph;
export type QuadSubject = RDF.Quad_Subject;
export type QuadPredicate = RDF.Quad_Predicate;
export type QuadObject = RDF.Quad_Object;
export type QuadGraph = RDF.Quad_Graph;

/** The one factory used across Quarry so that terms from every lib compare with `equals`. */
export const dataFactory: RDF.DataFactory<RDF.Quad, RDF.Quad> = DataFactory as unknown as RDF.DataFactory<RDF.Quad, RDF.Quad>;
export const { namedNode, blankNode, literal, defaultGraph, quad, variable } = DataFactory;

export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const XSD_STRING = `${XSD}string`;
export const RDF_LANG_STRING = `${RDF_NS}langString`;
