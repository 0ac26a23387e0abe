import { invalidConfChange, RaftError } from '../errors';
import type { Entry, EntryType } from '../types';
import type { ConfChangeSingle, ConfChangeTransition, ConfChangeV2 } from './types';

/**
 * Encoding of conf changes inside log entries. Conf changes are rare, so a small JSON document
 * is fine and keeps the payload debuggable; the decoder validates everything because entry
 * data comes from the network and must never crash the core.
 *
 * Format: {"t":"auto","c":[["addNode",4],...],"x":"<base64 context>"}
 */
const TYPES = new Set(['addNode', 'removeNode', 'addLearnerNode']);
const TRANSITIONS = new Set(['auto', 'implicit', 'explicit']);

export function encodeConfChange(cc: ConfChangeV2): Uint8Array {
  const doc: { t: string; c: [string, number][]; x?: string } = {
    t: cc.transition,
    c: cc.changes.map((c) => [c.type, c.nodeId]),
  };
  if (cc.context && cc.context.length > 0) doc.x = Buffer.from(cc.context).toString('base64');
  return new TextEncoder().encode(JSON.stringify(doc));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function decodeConfChange(data: Uint8Array): ConfChangeV2 | RaftError {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return invalidConfChange('undecodable payload');
  }
  if (!isRecord(doc)) return invalidConfChange('not an object');
  const t = doc.t;
  if (typeof t !== 'string' || !TRANSITIONS.has(t)) return invalidConfChange('bad transition');
  if (!Array.isArray(doc.c)) return invalidConfChange('bad change list');
  const changes: ConfChangeSingle[] = [];
  for (const c of doc.c as unknown[]) {
    if (!Array.isArray(c) || c.length !== 2) return invalidConfChange('bad change');
    const [type, id] = c as unknown[];
    if (typeof type !== 'string' || !TYPES.has(type)) return invalidConfChange(`bad change type`);
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return invalidConfChange('bad node id');
    changes.push({ type: type as ConfChangeSingle['type'], nodeId: id });
  }
  const cc: ConfChangeV2 = { transition: t as ConfChangeTransition, changes };
  if (typeof doc.x === 'string') cc.context = new Uint8Array(Buffer.from(doc.x, 'base64'));
  return cc;
}

/** Decodes the conf change carried by a confChange/confChangeV2 entry. */
export function confChangeFromEntry(e: Entry): ConfChangeV2 | RaftError {
  if (e.type === 'normal') return invalidConfChange('not a conf change entry');
  const cc = decodeConfChange(e.data);
  if (cc instanceof RaftError) return cc;
  // A v1 entry carries exactly one change and is never joint.
  if (e.type === 'confChange' && (cc.changes.length !== 1 || cc.transition !== 'auto')) {
    return invalidConfChange('v1 conf change must be a single simple change');
  }
  return cc;
}

export function confChangeEntryType(cc: ConfChangeV2): EntryType {
  return cc.changes.length === 1 && cc.transition === 'auto' ? 'confChange' : 'confChangeV2';
}

export function formatConfChange(cc: ConfChangeV2): string {
  const parts = cc.changes.map((c) => {
    const p = c.type === 'addNode' ? 'v' : c.type === 'addLearnerNode' ? 'l' : 'r';
    return `${p}${c.nodeId}`;
  });
  if (cc.transition !== 'auto') parts.push(`transition=${cc.transition}`);
  return parts.length === 0 ? 'leave-joint' : parts.join(' ');
}
