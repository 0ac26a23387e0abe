import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { KvCasRequestSchema, KvCommandSchema, KvDeleteRequestSchema, KvPutRequestSchema } from '@quarry/proto';
import { describe, expect, it } from 'vitest';
import { KV_COMMAND_FIELD, kvCommandBytes, readPutCommand } from './kv-command-bytes';

describe('kvCommandBytes', () => {
  it('gives the bytes protobuf gives for the same command, for short and long requests', () => {
    for (const size of [0, 1, 100, 118, 119, 300, 16_370, 16_371, 20_000, 2_100_000]) {
      const put = create(KvPutRequestSchema, { key: new Uint8Array([1, 2]), value: new Uint8Array(size).fill(7), lease: 5n });
      const bytes = kvCommandBytes(KV_COMMAND_FIELD.put, toBinary(KvPutRequestSchema, put));
      // Buffer.equals: an element-wise toEqual of megabytes takes minutes.
      const expected = toBinary(KvCommandSchema, create(KvCommandSchema, { op: { case: 'put', value: put } }));
      expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
      const decoded = fromBinary(KvCommandSchema, bytes);
      expect(decoded.op.case).toBe('put');
      expect(decoded.op.case === 'put' && decoded.op.value.value.length).toBe(size);
    }
  });

  it('wraps deletes and compare-and-swaps under their own fields', () => {
    const del = create(KvDeleteRequestSchema, { key: new Uint8Array([9]) });
    expect(fromBinary(KvCommandSchema, kvCommandBytes(KV_COMMAND_FIELD.delete, toBinary(KvDeleteRequestSchema, del))).op).toEqual({
      case: 'delete',
      value: del,
    });
    const cas = create(KvCasRequestSchema, { key: new Uint8Array([9]), value: new Uint8Array([1]), expectedModRevision: 3n });
    expect(fromBinary(KvCommandSchema, kvCommandBytes(KV_COMMAND_FIELD.cas, toBinary(KvCasRequestSchema, cas))).op).toEqual({ case: 'cas', value: cas });
  });

  it('reads a put command as the generated decoder does, and leaves every other command to it', () => {
    for (const lease of [0n, 1n, 2n ** 63n + 5n]) {
      for (const size of [0, 5, 200, 70_000]) {
        const put = create(KvPutRequestSchema, { key: new Uint8Array([7, 0, 7]), value: new Uint8Array(size).fill(3), lease });
        const bytes = toBinary(KvCommandSchema, create(KvCommandSchema, { op: { case: 'put', value: put } }));
        const fast = readPutCommand(bytes);
        expect(fast?.lease).toBe(lease);
        expect(fast?.key).toEqual(put.key);
        expect(Buffer.from(fast!.value).equals(Buffer.from(put.value))).toBe(true);
      }
    }
    const del = toBinary(KvCommandSchema, create(KvCommandSchema, { op: { case: 'delete', value: { key: new Uint8Array([1]) } } }));
    expect(readPutCommand(del)).toBeUndefined();
    expect(readPutCommand(new Uint8Array([0x0a, 0x05, 0x0a]))).toBeUndefined(); // truncated
    expect(readPutCommand(new Uint8Array([0xff, 0xff]))).toBeUndefined();
    // Two ops in one command: protobuf keeps the last one, so the generated decoder must decide.
    const twice = Buffer.concat([kvCommandBytes(KV_COMMAND_FIELD.put, new Uint8Array(0)), del]);
    expect(readPutCommand(twice)).toBeUndefined();
  });
});
