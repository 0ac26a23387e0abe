import { describe, expect, it } from 'vitest';
import { ServiceProcess } from '../support/processes';

const cases: { app: string; env: Record<string, string>; names: string[] }[] = [
  { app: 'consensus', env: { QUARRY_HTTP_PORT: '0', QUARRY_NODE_ID: '1', QUARRY_CONSENSUS_PEERS: '1,2,3' }, names: ['QUARRY_DATA_DIR'] },
  { app: 'placement-driver', env: {}, names: ['QUARRY_HTTP_PORT'] },
  { app: 'shard-storage', env: { QUARRY_HTTP_PORT: '0', QUARRY_DATA_DIR: '/tmp/x' }, names: ['QUARRY_STORE_ID'] },
  { app: 'query-coordinator', env: { QUARRY_HTTP_PORT: 'seventy' }, names: ['QUARRY_HTTP_PORT'] },
  { app: 'ops', env: { QUARRY_HTTP_PORT: '0', QUARRY_PG_URL: 'mysql://x' }, names: ['QUARRY_PG_URL'] },
  { app: 'shard-storage', env: { QUARRY_HTTP_PORT: '0', QUARRY_STORE_ID: '1', QUARRY_DATA_DIR: '/tmp/x', QUARRY_NATS_URL: 'not a url' }, names: ['QUARRY_NATS_URL'] },
  { app: 'query-coordinator', env: { QUARRY_HTTP_PORT: '0', QUARRY_SERVICE_ALLOW: 'ftp://files.example/' }, names: ['QUARRY_SERVICE_ALLOW'] },
  { app: 'query-coordinator', env: { QUARRY_HTTP_PORT: '0', QUARRY_SAGA_MIN_BYTES: '-1' }, names: ['QUARRY_SAGA_MIN_BYTES'] },
];

describe('services validate their configuration at start', () => {
  it.each(cases)('$app exits non-zero naming $names', async ({ app, env, names }) => {
    // Strip any QUARRY_* the test runner has, so only the case's settings count.
    const clean = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('QUARRY_')).map((k) => [k, '']));
    const p = ServiceProcess.start(app, { ...clean, ...env });
    const code = await Promise.race([p.exited, new Promise<'hang'>((r) => setTimeout(() => r('hang'), 20_000))]);
    if (code === 'hang') await p.stop('SIGKILL');
    expect(code).not.toBe('hang');
    expect(code).not.toBe(0);
    for (const n of names) expect(p.output).toContain(n);
    expect(p.output).toContain('invalid configuration');
  });
});
