import { commonSettings, type Setting } from '@quarry/config';

/** Settings of the kit itself; each app spreads these with its own. */
export const serviceSettings = {
  ...commonSettings,
  httpPort: { env: 'QUARRY_HTTP_PORT', kind: 'port', description: 'HTTP port for /health, /ready, /metrics (and the app API)', required: true },
  instanceId: {
    env: 'QUARRY_INSTANCE_ID',
    kind: 'string',
    description: 'unique id of this process in the cluster (default: <role>-<pid>)',
    pattern: /^[a-zA-Z0-9_-]{1,64}$/,
  },
  otlpEndpoint: {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    kind: 'url',
    protocols: ['http', 'https'],
    description: 'OTLP/HTTP endpoint traces are exported to (e.g. Jaeger at http://127.0.0.1:4318); unset: not exported',
  },
} as const satisfies Record<string, Setting>;
