import { describe, expect, it } from 'vitest';
import type { Setting } from './config-schema';
import { ConfigError, loadConfig } from './load-config';

const schema = {
  port: { env: 'T_PORT', kind: 'port', description: 'a port', required: true },
  retries: { env: 'T_RETRIES', kind: 'int', min: 0, max: 10, description: 'retries', default: 3 },
  mode: { env: 'T_MODE', kind: 'enum', values: ['a', 'b'], description: 'mode', default: 'a' },
  urls: { env: 'T_URLS', kind: 'list', itemPattern: /^https?:\/\/\S+$/, description: 'urls', default: [] },
} as const satisfies Record<string, Setting>;

describe('loadConfig', () => {
  it('reads values and fills defaults', () => {
    const c = loadConfig('svc', schema, { T_PORT: '7400', T_URLS: 'http://a/, https://b/x' });
    expect(c).toEqual({ port: 7400, retries: 3, mode: 'a', urls: ['http://a/', 'https://b/x'] });
  });

  it('reports every bad setting at once, naming each variable', () => {
    const err = (() => {
      try {
        loadConfig('svc', schema, { T_RETRIES: '11', T_MODE: 'c', T_URLS: 'http://ok/,ftp://no' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('loadConfig accepted bad settings');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of ['T_PORT is required', 'T_RETRIES="11"', 'T_MODE="c"', '"ftp://no" must match']) expect(err.message).toContain(name);
  });
});
