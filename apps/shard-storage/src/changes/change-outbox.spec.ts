import { describe, expect, it } from 'vitest';
import { ChangeOutbox } from '../region/change-outbox';
import { splitText } from './change-publisher';

describe('change feed outbox', () => {
  it('hands changes out in commit-timestamp order up to a timestamp, trims them, and survives a snapshot', () => {
    const outbox = new ChangeOutbox();
    // Applied out of timestamp order (two commits raced to the log).
    outbox.add(30n, 'c', [new Uint8Array([3])]);
    outbox.add(10n, 'a', [new Uint8Array([1, 1])]);
    outbox.add(20n, 'b', [new Uint8Array([2])]);
    expect(outbox.upTo(25n).map((c) => c.txId)).toEqual(['a', 'b']);
    expect(outbox.bytes).toBe(4);
    const copy = ChangeOutbox.decode(outbox.encode());
    outbox.trim(20n);
    expect(outbox.upTo(100n).map((c) => c.txId)).toEqual(['c']);
    expect(outbox.bytes).toBe(1);
    expect(copy.upTo(100n).map((c) => c.commitTs)).toEqual([10n, 20n, 30n]);
    expect(ChangeOutbox.isChunk(outbox.encode())).toBe(true);
    expect(ChangeOutbox.isChunk(new Uint8Array([1, 2, 3, 4, 5]))).toBe(false);
  });

  it('cuts a big change at line ends into parts that keep every line once', () => {
    const line = (i: number) => `<http://x/${i}> <http://x/p> "${'v'.repeat(200)}" .`;
    const inserted = Array.from({ length: 5000 }, (_, i) => line(i)).join('\n') + '\n';
    const deleted = `${line(-1)}\n`;
    const parts = splitText(inserted, deleted);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.inserted.length + p.deleted.length <= 700 * 1024)).toBe(true);
    expect(parts.map((p) => p.inserted).join('')).toBe(inserted);
    expect(parts.map((p) => p.deleted).join('')).toBe(deleted);
    expect(splitText('', '')).toEqual([{ inserted: '', deleted: '' }]);
  });
});
