import type { ConfigOf } from '@quarry/config';
import { httpServiceHandler, type ServiceHandler } from '@quarry/sparql';
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
