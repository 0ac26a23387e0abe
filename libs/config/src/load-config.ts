import type { ConfigOf, Setting } from './config-schema';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

function parseSetting(s: Setting, raw: string): Parsed {
  const bad = (why: string): Parsed => ({ ok: false, problem: `${s.env}=${JSON.stringify(raw)} is invalid: ${why}` });
  switch (s.kind) {
    case 'string':
      if (s.pattern && !s.pattern.test(raw)) return bad(`must match ${s.pattern}`);
      return { ok: true, value: raw };
    case 'int':
    case 'port': {
      if (!/^-?\d+$/.test(raw.trim())) return bad('must be an integer');
      const n = Number(raw);
      const min = s.kind === 'port' ? 0 : s.min;
      const max = s.kind === 'port' ? 65535 : s.max;
      if (min !== undefined && n < min) return bad(`must be >= ${min}`);
      if (max !== undefined && n > max) return bad(`must be <= ${max}`);
      return { ok: true, value: n };
    }
    case 'url': {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        return bad('must be a URL');
      }
      if (!s.protocols.includes(u.protocol.replace(/:$/, ''))) return bad(`protocol must be one of ${s.protocols.join(', ')}`);
      return { ok: true, value: raw };
    }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return { ok: true, value: true };
      if (/^(0|false|no|off)$/i.test(raw)) return { ok: true, value: false };
      return bad('must be true or false');
    case 'enum':
      if (!s.values.includes(raw)) return bad(`must be one of ${s.values.join(', ')}`);
      return { ok: true, value: raw };
    case 'list': {
      const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
      const wrong = s.itemPattern ? items.find((x) => !s.itemPattern!.test(x)) : undefined;
      if (wrong !== undefined) return bad(`${JSON.stringify(wrong)} must match ${s.itemPattern}`);
      return { ok: true, value: items };
    }
  }
}

/** Reads and validates every setting; throws one ConfigError listing all problems. */
export function loadConfig<T extends Record<string, Setting>>(
  service: string,
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<T> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(schema)) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') {
      if (s.required) problems.push(`${s.env} is required (${s.description})`);
      else out[key] = s.default;
      continue;
    }
    const parsed = parseSetting(s, raw);
    if (parsed.ok) out[key] = parsed.value;
    else problems.push(parsed.problem);
  }
  if (problems.length) throw new ConfigError(service, problems);
  return out as ConfigOf<T>;
}

/** Renders the schema as a table for `--help` output and docs. */
export function describeConfig(schema: Record<string, Setting>): string {
  return Object.values(schema)
    .map((s) => {
      const dflt = 'default' in s && s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : '';
      return `  ${s.env.padEnd(34)} ${s.required ? '[required] ' : ''}${s.description}${dflt}`;
    })
    .join('\n');
}
