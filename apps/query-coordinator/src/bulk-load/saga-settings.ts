import type { Setting } from '@quarry/config';

/** Settings of bulk loads run as sagas by the coordinator (docs/sagas.md). */
export const sagaSettings = {
  sagaMinBytes: {
    env: 'QUARRY_SAGA_MIN_BYTES',
    kind: 'int',
    min: 0,
    max: 1024 * 1024 * 1024,
    description: 'Graph Store POST bodies and LOAD <file:> documents of at least this many bytes are loaded as a resumable saga (chunks committed one by one); 0 turns sagas off',
    default: 8 * 1024 * 1024,
  },
  sagaChunkQuads: {
    env: 'QUARRY_SAGA_CHUNK_QUADS',
    kind: 'int',
    min: 100,
    max: 10_000_000,
    description: 'quads per saga chunk (each committed atomically)',
    default: 100_000,
  },
  sagaOwnerTimeoutMs: {
    env: 'QUARRY_SAGA_OWNER_TIMEOUT_MS',
    kind: 'int',
    min: 1000,
    max: 3_600_000,
    description: 'a saga whose owner has not heartbeaten for this long is resumed by a coordinator (checked this often too)',
    default: 15_000,
  },
  pgUrl: {
    env: 'QUARRY_PG_URL',
    kind: 'url',
    protocols: ['postgres', 'postgresql'],
    description: 'PostgreSQL control database holding saga progress (created and migrated on first use)',
    default: 'postgres://postgres@127.0.0.1:5432/quarry',
  },
} as const satisfies Record<string, Setting>;
