import { describe, expect, it } from 'vitest';
import { RaftError } from '../errors';
import { formatTrackerConfig, ProgressTracker } from '../tracker/tracker';
import { emptyConfState } from '../types';
import { Changer } from './changer';
import { decodeConfChange, encodeConfChange } from './codec';
import { restoreConfig } from './restore';

function tracker(voters: number[], learners: number[] = []): ProgressTracker {
  const t = new ProgressTracker(10, 0);
  const r = restoreConfig(t, { ...emptyConfState(), voters, learners }, 5);
  if (r instanceof Error) throw r;
  t.setConfig(r.config, r.progress);
  return t;
}

function apply(t: ProgressTracker, r: ReturnType<Changer['simple']>): string {
  if (r instanceof RaftError) return `error: ${r.message}`;
  t.setConfig(r.config, r.progress);
  return formatTrackerConfig(r.config);
}

describe('confchange', () => {
  it('simple changes add/remove one voter, learners freely', () => {
    const t = tracker([1, 2, 3]);
    expect(apply(t, new Changer(t, 5).simple([{ type: 'addNode', nodeId: 4 }]))).toBe('voters=(1 2 3 4)');
    expect(apply(t, new Changer(t, 5).simple([{ type: 'addLearnerNode', nodeId: 5 }]))).toBe('voters=(1 2 3 4) learners=(5)');
    expect(apply(t, new Changer(t, 5).simple([{ type: 'addNode', nodeId: 5 }]))).toBe('voters=(1 2 3 4 5)');
    expect(apply(t, new Changer(t, 5).simple([{ type: 'removeNode', nodeId: 1 }]))).toBe('voters=(2 3 4 5)');
    expect(
      apply(
        t,
        new Changer(t, 5).simple([
          { type: 'addNode', nodeId: 7 },
          { type: 'addNode', nodeId: 8 },
        ]),
      ),
    ).toMatch(/more than one voter changed/);
  });

  it('joint: enter, refuse nested joint, leave with learnersNext', () => {
    const t = tracker([1, 2, 3]);
    const r = new Changer(t, 5).enterJoint(true, [
      { type: 'addLearnerNode', nodeId: 3 }, // voter -> learner: staged in learnersNext
      { type: 'addNode', nodeId: 4 },
    ]);
    expect(apply(t, r)).toBe('voters=(1 2 4)&&(1 2 3) learners_next=(3) autoleave');
    expect(apply(t, new Changer(t, 5).enterJoint(false, [{ type: 'addNode', nodeId: 6 }]))).toMatch(/already joint/);
    expect(apply(t, new Changer(t, 5).simple([{ type: 'addNode', nodeId: 6 }]))).toMatch(/in joint config/);
    expect(apply(t, new Changer(t, 5).leaveJoint())).toBe('voters=(1 2 4) learners=(3)');
    expect(t.progress.get(3)?.isLearner).toBe(true);
    expect(apply(t, new Changer(t, 5).leaveJoint())).toMatch(/non-joint/);
  });

  it('refuses to remove every voter', () => {
    const t = tracker([1]);
    expect(apply(t, new Changer(t, 5).simple([{ type: 'removeNode', nodeId: 1 }]))).toMatch(/removed all voters/);
    const t3 = tracker([1, 2, 3]);
    expect(
      apply(
        t3,
        new Changer(t3, 5).enterJoint(
          false,
          [1, 2, 3].map((id) => ({ type: 'removeNode' as const, nodeId: id })),
        ),
      ),
    ).toMatch(/removed all voters/);
  });

  it('removed peers keep progress while in the outgoing half', () => {
    const t = tracker([1, 2, 3]);
    apply(t, new Changer(t, 5).enterJoint(true, [{ type: 'removeNode', nodeId: 3 }]));
    expect(t.progress.has(3)).toBe(true);
    apply(t, new Changer(t, 5).leaveJoint());
    expect(t.progress.has(3)).toBe(false);
  });

  it('codec round-trips and rejects garbage', () => {
    const cc = {
      transition: 'explicit' as const,
      changes: [{ type: 'addNode' as const, nodeId: 4 }],
      context: new Uint8Array([1, 2, 3]),
    };
    expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    for (const bad of ['', 'null', '[]', '{"t":"auto"}', '{"t":"auto","c":[["addNode",0]]}', '{"t":"auto","c":[["bogus",1]]}']) {
      expect(decodeConfChange(new TextEncoder().encode(bad))).toBeInstanceOf(RaftError);
    }
    expect(decodeConfChange(new Uint8Array([0xff, 0xfe]))).toBeInstanceOf(RaftError);
  });

  it('restoreConfig rejects inconsistent conf states', () => {
    const t = new ProgressTracker(10, 0);
    expect(restoreConfig(t, { ...emptyConfState(), voters: [1, 2], learners: [2] }, 0)).toBeInstanceOf(RaftError);
    expect(restoreConfig(t, { ...emptyConfState(), voters: [1], learnersNext: [2] }, 0)).toBeInstanceOf(RaftError);
  });
});
