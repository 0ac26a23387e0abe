import {
  Module,
  type ClassProvider,
  type DynamicModule,
  type ExistingProvider,
  type FactoryProvider,
  type ModuleMetadata,
  type ValueProvider,
} from '@nestjs/common';
import { GraphStoreController } from '../graph-store/graph-store.controller';
import { GraphStoreService } from '../graph-store/graph-store.service';
import { HttpExchange } from './http-exchange';
import { SPARQL_DATASET, type SparqlDataset } from './sparql-dataset';
import { DEFAULT_SPARQL_HTTP_OPTIONS, SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';
import { SparqlController } from './sparql.controller';
import { SparqlProtocolService } from './sparql-protocol.service';
import { SparqlQueryService } from './sparql-query.service';
import { SparqlUpdateService } from './sparql-update.service';

/** How the host binds the dataset: any Nest provider shape without `provide`. */
export type SparqlDatasetProvider =
  | Omit<ValueProvider<SparqlDataset>, 'provide'>
  | Omit<FactoryProvider<SparqlDataset>, 'provide'>
  | Omit<ClassProvider<SparqlDataset>, 'provide'>
  | Omit<ExistingProvider<SparqlDataset>, 'provide'>;

export interface SparqlHttpModuleConfig {
  dataset: SparqlDatasetProvider;
  options?: Partial<SparqlHttpOptions>;
  /** Modules the dataset provider's factory needs. */
  imports?: ModuleMetadata['imports'];
}

/**
 * The SPARQL 1.1 Protocol (/sparql, /update) and Graph Store Protocol (/store) over a
 * SparqlDataset, e.g. `SparqlHttpModule.register({ dataset: { useValue: new InMemorySparqlDataset() } })`.
 */
@Module({})
export class SparqlHttpModule {
  static register(config: SparqlHttpModuleConfig): DynamicModule {
    const options: SparqlHttpOptions = { ...DEFAULT_SPARQL_HTTP_OPTIONS, ...config.options };
    return {
      module: SparqlHttpModule,
      imports: config.imports ?? [],
      controllers: [SparqlController, GraphStoreController],
      providers: [
        { ...config.dataset, provide: SPARQL_DATASET },
        { provide: SPARQL_HTTP_OPTIONS, useValue: options },
        HttpExchange,
        SparqlQueryService,
        SparqlUpdateService,
        SparqlProtocolService,
        GraphStoreService,
      ],
      exports: [SPARQL_DATASET],
    };
  }
}
