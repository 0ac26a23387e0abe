/**
 * The replicated state machine of the simulation: a string KV map with put / cas, applied
 * from committed entries. Commands carry a unique op id; applying an id twice is a no-op
 * (at-most-once), which makes duplicated proposals harmless.
 */
export type KvCommand = { op: 'put'; id: string; key: string; value: string } | { op: 'cas'; id: string; key: string; expect: string; value: string };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeCommand(c: KvCommand): Uint8Array {
  return enc.encode(JSON.stringify(c));
}

export function decodeCommand(d: Uint8Array): KvCommand {
  return JSON.parse(dec.decode(d)) as KvCommand;
}

export class KvStateMachine {
  data = new Map<string, string>();
  private readonly seen = new Set<string>();

  /** Applies a command; returns 'ok' / 'fail' (cas), or undefined for a duplicate. */
  apply(c: KvCommand): string | undefined {
    if (this.seen.has(c.id)) return undefined;
    this.seen.add(c.id);
    if (c.op === 'put') {
      this.data.set(c.key, c.value);
      return 'ok';
    }
    if ((this.data.get(c.key) ?? '') === c.expect) {
      this.data.set(c.key, c.value);
      return 'ok';
    }
    return 'fail';
  }

  get(key: string): string {
    return this.data.get(key) ?? '';
  }

  snapshot(): Uint8Array {
    return enc.encode(JSON.stringify({ d: [...this.data], s: [...this.seen] }));
  }

  static restore(b: Uint8Array): KvStateMachine {
    const kv = new KvStateMachine();
    if (b.length === 0) return kv;
    const o = JSON.parse(dec.decode(b)) as { d: [string, string][]; s: string[] };
    kv.data = new Map(o.d);
    for (const id of o.s) kv.seen.add(id);
    return kv;
  }
}
