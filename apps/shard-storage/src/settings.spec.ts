import { describe, expect, it } from 'vitest';
import { MIN_SNAPSHOT_BYTES_PER_SEC, shardStorageSettings, validateSnapshotRate } from './settings';

describe('QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC', () => {
  it('is 0 (unlimited) or at least 64 KiB/s, 64 MiB/s by default', () => {
    expect(shardStorageSettings.snapshotMaxBytesPerSec.default).toBe(64 * 1024 * 1024);
    expect(() => validateSnapshotRate(0)).not.toThrow();
    expect(() => validateSnapshotRate(MIN_SNAPSHOT_BYTES_PER_SEC)).not.toThrow();
    expect(() => validateSnapshotRate(1000)).toThrow(/QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC \(1000\) must be 0 \(unlimited\) or at least 65536/);
  });
});
