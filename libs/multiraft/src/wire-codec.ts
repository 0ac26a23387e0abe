/**
 * The few protobuf wire primitives the Raft batch codec (raft-wire.ts) needs, hand-written:
 * a reflection-based encoder/decoder cost ~10 % of a replica's CPU per commit (a
 * MsgAppResp of 20 bytes went through message objects, field descriptors and a growable
 * writer). Numbers are JS numbers; uint64 values above 2^53 are refused when read.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export class WireFormatError extends Error {}

const TWO_32 = 0x1_0000_0000;

export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x20_0000) return 3;
  if (n < 0x1000_0000) return 4;
  let size = 4;
  for (let v = Math.floor(n / 0x1000_0000); v > 0; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** Bytes of a field holding `n` (0 when n is 0: proto3 leaves defaults out). */
export const uintFieldSize = (field: number, n: number): number => (n === 0 ? 0 : varintSize(field << 3) + varintSize(n));
export const bytesFieldSize = (field: number, length: number): number => (length === 0 ? 0 : varintSize(field << 3) + varintSize(length) + length);
/** A nested message or packed list, written even when empty only if `always`. */
export const lenFieldSize = (field: number, length: number): number => varintSize(field << 3) + varintSize(length) + length;

/** Writes into a buffer sized in advance (sizes computed with the functions above). */
export class WireWriter {
  readonly buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  varint(n: number): void {
    const buf = this.buf;
    while (n >= TWO_32) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    while (n >= 0x80) {
      buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[this.pos++] = n;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  uint(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }

  bool(field: number, b: boolean): void {
    if (!b) return;
    this.tag(field, WIRE_VARINT);
    this.buf[this.pos++] = 1;
  }

  bytes(field: number, data: Uint8Array, always = false): void {
    if (data.length === 0 && !always) return;
    this.tag(field, WIRE_LEN);
    this.varint(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Starts a nested message or packed list whose encoded length is `length`. */
  lenPrefix(field: number, length: number): void {
    this.tag(field, WIRE_LEN);
    this.varint(length);
  }
}

/** Reads fields of one message between `pos` and `end`; every read is bounds-checked. */
export class WireReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** `what` names the field in the error for a value above 2^53. */
  varint(what = 'number'): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireFormatError('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new WireFormatError(`${what} out of range`);
        return result;
      }
      scale *= 0x80;
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** A varint as an exact bigint (ids that use all 64 bits). */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireFormatError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** uint32 fields: the low 32 bits, as protobuf decoders read them. */
  uint32(what?: string): number {
    return this.varint(what) % TWO_32;
  }

  /** The next field's number and wire type; call skip(wireType) for fields not wanted. */
  tag(): { field: number; wireType: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new WireFormatError('field number 0');
    return { field, wireType: t & 7 };
  }

  /** A length-delimited field: a view of its bytes (not a copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    if (len > this.end - this.pos) throw new WireFormatError('length-delimited field runs past its message');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** A nested message or packed list: a reader over its bytes. */
  nested(): WireReader {
    const len = this.varint();
    if (len > this.end - this.pos) throw new WireFormatError('nested message runs past its parent');
    const r = new WireReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  /** A repeated number field, packed (one length-delimited run) or not (one value). */
  repeatedInto(wireType: number, out: number[]): void {
    if (wireType === WIRE_VARINT) out.push(this.varint());
    else if (wireType === WIRE_LEN) {
      const r = this.nested();
      while (!r.done) out.push(r.varint());
    } else throw new WireFormatError(`wire type ${wireType} for a number list`);
  }

  expect(wireType: number, want: number): void {
    if (wireType !== want) throw new WireFormatError(`wire type ${wireType} where ${want} was expected`);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_I32:
        this.advance(4);
        return;
      default:
        throw new WireFormatError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireFormatError('fixed-size field runs past its message');
    this.pos += n;
  }
}
