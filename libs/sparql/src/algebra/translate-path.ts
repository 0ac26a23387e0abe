import type * as S from 'sparqljs';
import type { NamedNode } from '../rdf/terms';
import { SparqlSyntaxError } from '../errors';
import { variable } from '../rdf/terms';
import type { Op, Path, PatternTerm, TriplePattern } from './algebra';
import { hiddenVariableName } from './variables';

type PathItem = S.IriTerm | S.PropertyPath;

function isIri(item: PathItem): item is S.IriTerm {
  return 'termType' in item && item.termType === 'NamedNode';
}

export function translatePath(item: PathItem): Path {
  if (isIri(item)) return { type: 'link', iri: item };
  const items = item.items as PathItem[];
  switch (item.pathType) {
    case '|':
      return { type: 'alt', items: items.map(translatePath) };
    case '/':
      return { type: 'seq', items: items.map(translatePath) };
    case '^':
      return { type: 'inv', path: translatePath(one(items)) };
    case '*':
      return { type: 'zeroOrMore', path: translatePath(one(items)) };
    case '+':
      return { type: 'oneOrMore', path: translatePath(one(items)) };
    case '?':
      return { type: 'zeroOrOne', path: translatePath(one(items)) };
    case '!':
      return negatedSet(items);
    default:
      throw new SparqlSyntaxError(`unknown path type ${String((item as { pathType: unknown }).pathType)}`);
  }
}

function one(items: PathItem[]): PathItem {
  const [first] = items;
  if (first === undefined) throw new SparqlSyntaxError('empty property path');
  return first;
}

/** `!(a|^b)`: collects forward and inverse IRIs, flattening the alternative sparqljs nests them in. */
function negatedSet(items: PathItem[]): Path {
  const iris: NamedNode[] = [];
  const inverse: NamedNode[] = [];
  const visit = (item: PathItem): void => {
    if (isIri(item)) iris.push(item);
    else if (item.pathType === '|') (item.items as PathItem[]).forEach(visit);
    else if (item.pathType === '^') {
      const inner = one(item.items as PathItem[]);
      if (!isIri(inner)) throw new SparqlSyntaxError('negated property set may only hold IRIs');
      inverse.push(inner);
    } else throw new SparqlSyntaxError('negated property set may only hold IRIs');
  };
  items.forEach(visit);
  return { type: 'nps', iris, inverse };
}

/**
 * Expands a path triple per §18.2.2.4: links become triple patterns, inverses swap ends,
 * sequences get fresh hidden variables; anything else stays a path operator.
 */
export function expandPathTriple(s: PatternTerm, path: Path, o: PatternTerm, triples: TriplePattern[], ops: Op[]): void {
  switch (path.type) {
    case 'link':
      triples.push({ s, p: path.iri, o });
      return;
    case 'inv':
      if (path.path.type === 'link') triples.push({ s: o, p: path.path.iri, o: s });
      else expandPathTriple(o, path.path, s, triples, ops);
      return;
    case 'seq': {
      let current = s;
      path.items.forEach((item, i) => {
        const next = i === path.items.length - 1 ? o : variable(hiddenVariableName('path'));
        expandPathTriple(current, item, next, triples, ops);
        current = next;
      });
      return;
    }
    default:
      ops.push({ type: 'path', s, path, o });
  }
}
