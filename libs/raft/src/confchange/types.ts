/**
 * Membership change requests (as etcd's ConfChangeV2). A request with one change and the
 * 'auto' transition is applied directly ("simple" change: at most one voter changes, which is
 * safe without joint consensus); anything else goes through a joint configuration.
 */
export type ConfChangeType = 'addNode' | 'removeNode' | 'addLearnerNode';

export interface ConfChangeSingle {
  type: ConfChangeType;
  nodeId: number;
}

/**
 * - auto: simple change if possible, else joint with automatic leave.
 * - implicit: always joint, leave automatically.
 * - explicit: always joint, the application proposes an empty change to leave.
 */
export type ConfChangeTransition = 'auto' | 'implicit' | 'explicit';

export interface ConfChangeV2 {
  transition: ConfChangeTransition;
  changes: ConfChangeSingle[];
  context?: Uint8Array;
}

/** An empty ConfChangeV2 means "leave the joint configuration". */
export function isLeaveJoint(cc: ConfChangeV2): boolean {
  return cc.changes.length === 0;
}

/** Whether applying cc enters a joint config, and if so whether it will auto-leave. */
export function enterJoint(cc: ConfChangeV2): { joint: boolean; autoLeave: boolean } {
  if (cc.transition !== 'auto' || cc.changes.length > 1) {
    return { joint: true, autoLeave: cc.transition !== 'explicit' };
  }
  return { joint: false, autoLeave: false };
}
