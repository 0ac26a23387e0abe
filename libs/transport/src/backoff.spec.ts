import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { attempts: 10, baseMs: 10, maxMs: 300 };
  it('grows exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => backoffDelay(r, policy, () => 0.999999))).toEqual([9, 19, 39, 79, 159, 299, 299]);
  });
  it('is jittered over the whole range', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(40);
  });
});
