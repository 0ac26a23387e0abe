import { WIRE_LEN, WIRE_VARINT, WireReader } from '@quarry/multiraft';

/** Field numbers of KvCommand's `op` oneof (proto/quarry/v1/consensus.proto). */
export const KV_COMMAND_FIELD = { put: 1, delete: 2, cas: 3 } as const;

/**
 * The encoded KvCommand whose `op` is the request encoded in `request`: in protobuf an
 * embedded message is its tag, its length and its bytes, so a client's KvPutRequest (and
 * delete, CAS) becomes a command by prefixing 2-6 bytes, instead of building a KvCommand
 * object and encoding it again for every write.
 */
export function kvCommandBytes(field: number, request: Uint8Array): Uint8Array {
  let lengthBytes = 1;
  for (let n = request.length; n >= 0x80; n >>>= 7) lengthBytes++;
  const out = new Uint8Array(1 + lengthBytes + request.length);
  out[0] = (field << 3) | 2; // wire type 2: length-delimited
  let p = 1;
  let n = request.length;
  while (n >= 0x80) {
    out[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[p++] = n;
  out.set(request, p);
  return out;
}

/** A put command's fields, read without building protobuf objects. */
export interface PutFields {
  key: Uint8Array;
  value: Uint8Array;
  lease: bigint;
}

/**
 * Reads a KvCommand that is exactly one put (what every replica applies for every KV write);
 * undefined for any other command or any irregular encoding, which the caller decodes with the
 * generated schema instead. Key and value are views of `data`, as the generated decoder gives.
 */
export function readPutCommand(data: Uint8Array): PutFields | undefined {
  try {
    const outer = new WireReader(data, 0, data.length);
    const { field, wireType } = outer.tag();
    if (field !== KV_COMMAND_FIELD.put || wireType !== WIRE_LEN) return undefined;
    const r = outer.nested();
    if (!outer.done) return undefined;
    const put: PutFields = { key: EMPTY, value: EMPTY, lease: 0n };
    while (!r.done) {
      const t = r.tag();
      if (t.field === 1 && t.wireType === WIRE_LEN) put.key = r.bytes();
      else if (t.field === 2 && t.wireType === WIRE_LEN) put.value = r.bytes();
      else if (t.field === 3 && t.wireType === WIRE_VARINT) put.lease = r.varintBig();
      else return undefined;
    }
    return put;
  } catch {
    return undefined;
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);
