/**
 * Every encoded term is exactly ENCODED_TERM_SIZE bytes: one kind byte and 16 payload bytes.
 * Fixed width makes every index key a fixed-size record (LMDB DUPFIXED pages pack them with
 * no per-entry overhead) and lets keys be sliced by offset without parsing.
 *
 * Kinds are grouped so that byte order keeps like with like (IRIs, blank nodes, strings,
 * then numbers); within a numeric kind the payload sorts by value.
 */
export const ENCODED_TERM_SIZE = 17;
export const TERM_PAYLOAD_SIZE = 16;

export const TermKind = {
  DefaultGraph: 0x00,
  NamedNodeInline: 0x01,
  NamedNodeHashed: 0x02,
  BlankNodeInline: 0x03,
  BlankNodeHashed: 0x04,
  StringInline: 0x05,
  StringHashed: 0x06,
  LangStringInline: 0x07,
  LangStringHashed: 0x08,
  TypedLiteralHashed: 0x09,
  Boolean: 0x10,
  Integer: 0x11,
  Decimal: 0x12,
  Float: 0x13,
  Double: 0x14,
  DateTime: 0x15,
  Date: 0x16,
} as const;
export type TermKind = (typeof TermKind)[keyof typeof TermKind];

/** Kinds whose payload is a 128-bit hash to be resolved through the id2str table. */
export function isHashedKind(kind: number): boolean {
  return (
    kind === TermKind.NamedNodeHashed ||
    kind === TermKind.BlankNodeHashed ||
    kind === TermKind.StringHashed ||
    kind === TermKind.LangStringHashed ||
    kind === TermKind.TypedLiteralHashed
  );
}

export function isKnownKind(kind: number): boolean {
  return (kind >= 0x00 && kind <= 0x09) || (kind >= 0x10 && kind <= 0x16);
}
