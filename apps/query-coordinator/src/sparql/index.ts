export { SPARQL_DATASET, type SparqlDataset } from './sparql-dataset';
export { InMemorySparqlDataset } from './in-memory-sparql-dataset';
export { DEFAULT_SPARQL_HTTP_OPTIONS, SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';
export { SparqlHttpModule, type SparqlDatasetProvider, type SparqlHttpModuleConfig } from './sparql-http.module';
