import { namedNode, type NamedNode } from '@quarry/sparql';
import { ProtocolError } from './protocol-error';

/** Parses a protocol parameter that must be an absolute IRI (400 otherwise). */
export function absoluteIri(value: string, parameter: string): NamedNode {
  // URL.canParse accepts any scheme and rejects relative references, which is what we need.
  if (!URL.canParse(value)) throw new ProtocolError(400, `parameter '${parameter}' must be an absolute IRI, got '${value}'`);
  return namedNode(value);
}

export function absoluteIris(values: string[], parameter: string): NamedNode[] {
  return values.map((v) => absoluteIri(v, parameter));
}
