import type { Setting } from '@quarry/config';

export const opsSettings = {
  pgUrl: {
    env: 'QUARRY_PG_URL',
    kind: 'url',
    protocols: ['postgres', 'postgresql'],
    description: 'PostgreSQL control database (created and migrated at start)',
    default: 'postgres://postgres@127.0.0.1:5432/quarry',
  },
  redisUrl: { env: 'QUARRY_REDIS_URL', kind: 'url', protocols: ['redis', 'rediss'], description: 'Redis for BullMQ job queues', default: 'redis://127.0.0.1:6379' },
} as const satisfies Record<string, Setting>;
