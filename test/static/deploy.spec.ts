import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Setting } from '@quarry/config';
import { serviceSettings } from '@quarry/service-kit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { consensusSettings } from '../../apps/consensus/src/settings';
import { opsSettings } from '../../apps/ops/src/settings';
import { placementDriverSettings } from '../../apps/placement-driver/src/settings';
import { queryCoordinatorSettings } from '../../apps/query-coordinator/src/settings';
import { shardStorageSettings } from '../../apps/shard-storage/src/settings';

// No Docker engine runs on our machines, so the deploy files are checked against the code.
const root = join(__dirname, '..', '..');
const appSettings: Record<string, Record<string, Setting>> = {
  consensus: consensusSettings,
  'placement-driver': placementDriverSettings,
  'shard-storage': shardStorageSettings,
  'query-coordinator': queryCoordinatorSettings,
  ops: opsSettings,
};
const apps = readdirSync(join(root, 'apps'));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
}
const compose = parse(readFileSync(join(root, 'deploy', 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const quarryServices = Object.entries(compose.services).filter(([, s]) => s.build);
const appOf = (s: ComposeService): string => /deploy\/docker\/(.+)\.Dockerfile$/.exec(s.build!.dockerfile)![1];

describe('deploy/ matches the code', () => {
  it('has a Dockerfile and a compose service for every app, and nothing else', () => {
    expect(Object.keys(appSettings).sort()).toEqual([...apps].sort());
    expect([...new Set(quarryServices.map(([, s]) => appOf(s)))].sort()).toEqual([...apps].sort());
  });

  it.each(apps)('%s: multi-stage Dockerfile, production deps only, non-root, runs the built main', (app) => {
    const file = join(root, 'deploy', 'docker', `${app}.Dockerfile`);
    const text = readFileSync(file, 'utf8');
    expect(text.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/npm ci --omit=dev/);
    const finalStage = text.slice(text.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^USER node$/m);
    const cmd = /^CMD \["node", "(.+)"\]$/m.exec(finalStage)![1];
    expect(cmd).toBe(`dist/apps/${app}/src/main.js`);
    expect(existsSync(join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
    // Every path COPY'd from the build context exists in the repository.
    for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1].split(' ')) if (src !== '.') expect(existsSync(join(root, src)), src).toBe(true);
    }
  });

  it.each(quarryServices)('%s: env vars exist in the code, required ones are set, ports match', (_name, svc) => {
    const app = appOf(svc);
    const settings = { ...serviceSettings, ...appSettings[app] } as Record<string, Setting>;
    const known = new Set(Object.values(settings).map((s) => s.env));
    const env = svc.environment ?? {};
    for (const key of Object.keys(env)) expect(known.has(key), `${key} is not a setting of ${app}`).toBe(true);
    for (const s of Object.values(settings)) if (s.required) expect(env[s.env], `${s.env} missing for ${app}`).toBeTruthy();
    expect(svc.image).toBe(`quarry/${app}:${version}`);
    const dockerfile = readFileSync(join(root, svc.build!.dockerfile), 'utf8');
    const exposed = /^EXPOSE (\d+)$/m.exec(dockerfile)![1];
    expect(env.QUARRY_HTTP_PORT).toBe(exposed);
    for (const p of svc.ports ?? []) expect(p.split(':')[1]).toBe(exposed);
    for (const dep of Object.keys(svc.depends_on ?? {})) expect(compose.services[dep], dep).toBeDefined();
  });

  it('wires the infrastructure the services point at', () => {
    const s = compose.services;
    expect(s.nats.image).toMatch(/^nats:/);
    expect((s.nats as { command: string[] }).command).toContain('-js');
    expect(s.postgres.image).toMatch(/^postgres:/);
    expect(s.redis.image).toMatch(/^redis:/);
    expect(s.jaeger.image).toMatch(/^jaegertracing\/all-in-one:/);
    expect(s.jaeger.environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
    for (const [, svc] of quarryServices) {
      const env = svc.environment!;
      expect(new URL(env.QUARRY_NATS_URL).hostname).toBe('nats');
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    }
    const ops = s.ops.environment!;
    expect(new URL(ops.QUARRY_PG_URL).hostname).toBe('postgres');
    expect(new URL(ops.QUARRY_REDIS_URL).hostname).toBe('redis');
    expect(s['query-coordinator'].ports).toContain('7400:7400');
  });
});
