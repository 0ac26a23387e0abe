import type { ConfigOf } from '@quarry/config';
import { httpServiceHandler, type ServiceHandler, type UpdateLoader } from '@quarry/sparql';
import { documentLoader } from './document-loader';
import type { queryCoordinatorSettings } from './settings';

/** SERVICE as configured: any endpoint ('*'), none ('none'), or the listed IRI prefixes. */
export function serviceHandlerFrom(config: ConfigOf<typeof queryCoordinatorSettings>): ServiceHandler | undefined {
  if (config.serviceAllow.includes('none')) return undefined;
  return httpServiceHandler({
    allow: config.serviceAllow.includes('*') ? '*' : config.serviceAllow,
    timeoutMs: config.serviceTimeoutMs,
    maxResponseBytes: config.serviceMaxResponseBytes,
  });
}

/** SPARQL LOAD as configured (QUARRY_LOAD_ALLOW, QUARRY_LOAD_DIR); undefined when both are off. */
export function updateLoaderFrom(config: ConfigOf<typeof queryCoordinatorSettings>): UpdateLoader | undefined {
  const remote = config.loadAllow.includes('none') ? [] : config.loadAllow.includes('*') ? '*' : config.loadAllow;
  if (remote !== '*' && remote.length === 0 && !config.loadDir) return undefined;
  return documentLoader({ allow: remote, localDir: config.loadDir, timeoutMs: config.loadTimeoutMs, maxBytes: config.loadMaxBytes });
}
