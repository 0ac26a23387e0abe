import { describe, expect, it } from 'vitest';
import { StarCursors } from './star-cursors';

function rows(closed: string[], name: string): AsyncIterator<number[]> {
  return {
    next: async () => ({ done: false, value: [1] }),
    return: async () => {
      closed.push(name);
      return { done: true, value: undefined };
    },
  };
}

describe('StarCursors', () => {
  it('hands a cursor back once, and closes cursors idle past their time', async () => {
    let now = 0;
    const closed: string[] = [];
    const cursors = new StarCursors<{ rows: AsyncIterator<number[]>; tag: string }>(10, 1000, () => now);
    const a = cursors.add({ rows: rows(closed, 'a'), tag: 'a' });
    expect(cursors.take(a)?.tag).toBe('a');
    expect(cursors.take(a)).toBeUndefined();
    const b = cursors.add({ rows: rows(closed, 'b'), tag: 'b' });
    now = 1000;
    expect(cursors.take(b)).toBeUndefined();
    expect(closed).toEqual(['b']);
  });

  it('keeps at most maxOpen cursors, closing the one nearest expiry', () => {
    let now = 0;
    const closed: string[] = [];
    const cursors = new StarCursors<{ rows: AsyncIterator<number[]> }>(2, 1000, () => now);
    cursors.add({ rows: rows(closed, 'first') });
    now = 10;
    const second = cursors.add({ rows: rows(closed, 'second') });
    now = 20;
    cursors.add({ rows: rows(closed, 'third') });
    expect(cursors.size).toBe(2);
    expect(closed).toEqual(['first']);
    expect(cursors.take(second)).toBeDefined();
  });
});
