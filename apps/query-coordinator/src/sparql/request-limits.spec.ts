import { describe, expect, it } from 'vitest';
import { ClientConcurrencyLimiter } from './client-concurrency-limiter';
import { ProtocolError } from './protocol-error';
import { RequestDeadline, timeoutFromParam } from './request-deadline';

describe('ClientConcurrencyLimiter', () => {
  it('limits each client separately and releases once', () => {
    const limiter = new ClientConcurrencyLimiter(2);
    const a1 = limiter.tryAcquire('a')!;
    limiter.tryAcquire('a');
    expect(limiter.tryAcquire('a')).toBeUndefined();
    expect(limiter.tryAcquire('b')).toBeDefined();
    a1();
    a1();
    expect(limiter.active('a')).toBe(1);
    expect(limiter.tryAcquire('a')).toBeDefined();
  });
});

describe('timeoutFromParam', () => {
  it('reads seconds, caps at the maximum and defaults when absent', () => {
    expect(timeoutFromParam(undefined, 5000, 60_000)).toBe(5000);
    expect(timeoutFromParam('1.5', 5000, 60_000)).toBe(1500);
    expect(timeoutFromParam('3600', 5000, 60_000)).toBe(60_000);
    expect(() => timeoutFromParam('-1', 5000, 60_000)).toThrow(ProtocolError);
  });
});

describe('RequestDeadline', () => {
  it('records whether it fired for a timeout or a disconnect', async () => {
    const timed = new RequestDeadline(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(timed.signal.aborted).toBe(true);
    expect(timed.timedOut).toBe(true);
    const gone = new RequestDeadline(1000);
    gone.abort('disconnect');
    gone.abort('timeout');
    expect(gone.disconnected).toBe(true);
    expect(gone.timedOut).toBe(false);
    gone.dispose();
  });
});
