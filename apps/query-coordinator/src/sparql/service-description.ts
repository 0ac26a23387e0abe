import { factory, namedNode, type DefaultGraphMode, type Quad } from '@quarry/sparql';

const SD = 'http://www.w3.org/ns/sparql-service-description#';
const FORMATS = 'http://www.w3.org/ns/formats/';
const RDF_TYPE = namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');

/** Result formats we can write, named by their W3C format IRIs. */
const RESULT_FORMATS = [
  'SPARQL_Results_JSON',
  'SPARQL_Results_XML',
  'SPARQL_Results_CSV',
  'SPARQL_Results_TSV',
  'Turtle',
  'N-Triples',
  'N-Quads',
  'TriG',
  'JSON-LD',
];

/** The SPARQL 1.1 Service Description (sd: vocabulary) of the endpoint at `endpoint`. */
export function serviceDescription(endpoint: string, defaultGraphMode: DefaultGraphMode): Quad[] {
  const service = namedNode(endpoint);
  const sd = (local: string) => namedNode(`${SD}${local}`);
  const dataset = factory.blankNode('dataset');
  const defaultGraph = factory.blankNode('defaultGraph');
  const triple = (s: Quad['subject'], p: Quad['predicate'], o: Quad['object']) => factory.quad(s, p, o);
  const quads = [
    triple(service, RDF_TYPE, sd('Service')),
    triple(service, sd('endpoint'), service),
    triple(service, sd('supportedLanguage'), sd('SPARQL11Query')),
    triple(service, sd('supportedLanguage'), sd('SPARQL11Update')),
    triple(service, sd('defaultEntailmentRegime'), namedNode('http://www.w3.org/ns/entailment/Simple')),
    ...RESULT_FORMATS.map((f) => triple(service, sd('resultFormat'), namedNode(`${FORMATS}${f}`))),
    triple(service, sd('defaultDataset'), dataset),
    triple(dataset, RDF_TYPE, sd('Dataset')),
    triple(dataset, sd('defaultGraph'), defaultGraph),
    triple(defaultGraph, RDF_TYPE, sd('Graph')),
  ];
  if (defaultGraphMode === 'union') quads.push(triple(service, sd('feature'), sd('UnionDefaultGraph')));
  return quads;
}
