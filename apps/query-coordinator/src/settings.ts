import type { Setting } from '@quarry/config';
import { sagaSettings } from './bulk-load/saga-settings';

export const queryCoordinatorSettings = {
  ...sagaSettings,
  httpPort: { env: 'QUARRY_HTTP_PORT', kind: 'port', description: 'HTTP port of the SPARQL endpoint', default: 7400 },
  queryTimeoutMs: { env: 'QUARRY_QUERY_TIMEOUT_MS', kind: 'int', min: 100, max: 3_600_000, description: 'default query timeout (a request may ask for less or more, up to 10x)', default: 30_000 },
  maxRequestBytes: { env: 'QUARRY_MAX_REQUEST_BYTES', kind: 'int', min: 1024, description: 'largest query or update text; more gets 413', default: 1024 * 1024 },
  maxUploadBytes: { env: 'QUARRY_MAX_UPLOAD_BYTES', kind: 'int', min: 1024, description: 'largest Graph Store upload; more gets 413', default: 64 * 1024 * 1024 },
  queryPushdown: { env: 'QUARRY_QUERY_PUSHDOWN', kind: 'bool', description: 'evaluate the patterns around one subject on the storage node owning it', default: true },
  serviceAllow: {
    env: 'QUARRY_SERVICE_ALLOW',
    kind: 'list',
    description: "endpoints SERVICE may call: '*' for any, 'none' to disable SERVICE, or comma-separated http(s) IRI prefixes",
    default: ['*'],
    itemPattern: /^(\*|none|https?:\/\/\S+)$/,
  },
  serviceTimeoutMs: { env: 'QUARRY_SERVICE_TIMEOUT_MS', kind: 'int', min: 100, max: 3_600_000, description: 'how long one SERVICE call may take', default: 30_000 },
  serviceMaxResponseBytes: { env: 'QUARRY_SERVICE_MAX_RESPONSE_BYTES', kind: 'int', min: 1024, description: 'largest SERVICE answer accepted', default: 64 * 1024 * 1024 },
  loadAllow: {
    env: 'QUARRY_LOAD_ALLOW',
    kind: 'list',
    description: "http(s) sources SPARQL LOAD may fetch: '*' for any, 'none', or comma-separated IRI prefixes",
    default: ['*'],
    itemPattern: /^(\*|none|https?:\/\/\S+)$/,
  },
  loadDir: { env: 'QUARRY_LOAD_DIR', kind: 'string', description: "directory whose files SPARQL LOAD may read as file: IRIs ('' = none)", default: '' },
  loadTimeoutMs: { env: 'QUARRY_LOAD_TIMEOUT_MS', kind: 'int', min: 100, max: 3_600_000, description: 'how long fetching one LOAD document may take', default: 60_000 },
  loadMaxBytes: { env: 'QUARRY_LOAD_MAX_BYTES', kind: 'int', min: 1024, description: 'largest document SPARQL LOAD accepts (bigger loads: quarry load)', default: 256 * 1024 * 1024 },
  txnLockTtlMs: {
    env: 'QUARRY_TXN_LOCK_TTL_MS',
    kind: 'int',
    min: 100,
    max: 60_000,
    description: 'how long a transaction spanning regions may stay undecided before a reader that meets its locks rolls it back',
    default: 5000,
  },
  testCrashAt: {
    env: 'QUARRY_TEST_CRASH_AT',
    kind: 'enum',
    values: ['none', 'prewritten', 'decided'],
    description: 'fault injection for tests: kill this process (SIGKILL) in the middle of its first two-phase commit',
    default: 'none',
  },
  maxConcurrentPerClient: { env: 'QUARRY_MAX_CONCURRENT_PER_CLIENT', kind: 'int', min: 1, max: 10_000, description: 'requests one client may have in flight; more get 429', default: 8 },
} as const satisfies Record<string, Setting>;
