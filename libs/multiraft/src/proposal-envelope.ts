import { randomBytes } from 'node:crypto';

/**
 * Every proposal is prefixed with an 8-byte id (4 random bytes per process start + a counter),
 * so whichever replica the client talked to can recognise its entry when it applies it, even
 * after the proposal was forwarded to the leader.
 */
export const ENVELOPE_BYTES = 8;

/**
 * Issues this process's ids. Pending requests are keyed by the counter alone (a number: no
 * string per proposal); an id is ours only if its first 4 bytes are our nonce, so another
 * process's entry with the same counter is never mistaken for ours.
 */
export class ProposalIds {
  private readonly nonce = randomBytes(4).readUInt32BE(0);
  private counter = 0;

  /** A fresh id written into the first ENVELOPE_BYTES of a new buffer of `totalBytes`. */
  private issue(totalBytes: number): { key: number; bytes: Uint8Array } {
    this.counter = (this.counter + 1) >>> 0;
    const bytes = new Uint8Array(totalBytes);
    writeU32BE(bytes, 0, this.nonce);
    writeU32BE(bytes, 4, this.counter);
    return { key: this.counter, bytes };
  }

  /** An id alone (read-index contexts). */
  next(): { key: number; bytes: Uint8Array } {
    return this.issue(ENVELOPE_BYTES);
  }

  /** `payload` behind a fresh id, in one allocation. */
  wrap(payload: Uint8Array): { key: number; data: Uint8Array } {
    const { key, bytes } = this.issue(ENVELOPE_BYTES + payload.length);
    bytes.set(payload, ENVELOPE_BYTES);
    return { key, data: bytes };
  }

  /** The key of an id this process issued, or undefined for anyone else's (or too short) data. */
  keyOf(data: Uint8Array): number | undefined {
    if (data.length < ENVELOPE_BYTES || readU32BE(data, 0) !== this.nonce) return undefined;
    return readU32BE(data, 4);
  }
}

function writeU32BE(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function readU32BE(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function unwrap(data: Uint8Array): Uint8Array {
  return data.subarray(ENVELOPE_BYTES);
}
