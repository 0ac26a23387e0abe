import type { ConsensusClient } from '@quarry/consensus-client';

/** Bits of a hybrid timestamp under its physical milliseconds (the oracle's layout). */
export const LOGICAL_BITS = 18n;

export type TxnDecision = { state: 'committed'; commitTs: bigint } | { state: 'aborted' };

/** Where a transaction's outcome is recorded: one key per undecided-or-unfinished transaction. */
export const txnDecisionKey = (txId: string): string => `txn/${txId}`;

/** Physical milliseconds of a hybrid timestamp. */
export const physicalMs = (ts: bigint): bigint => ts >> LOGICAL_BITS;

/** The smallest hybrid timestamp of a physical millisecond. */
export const fromPhysicalMs = (ms: bigint): bigint => ms << LOGICAL_BITS;

function encode(d: TxnDecision): string {
  return d.state === 'committed' ? `committed ${d.commitTs}` : 'aborted';
}

function decode(value: Uint8Array): TxnDecision {
  const text = Buffer.from(value).toString('utf8');
  if (text === 'aborted') return { state: 'aborted' };
  const m = /^committed (\d+)$/.exec(text);
  if (!m) throw new Error(`malformed transaction decision: ${JSON.stringify(text)}`);
  return { state: 'committed', commitTs: BigInt(m[1]) };
}

/**
 * The decision log of two-phase commit, in the consensus service (ADR 0009). A decision is
 * written once, by compare-and-set on an absent key: the coordinator's "committed" and a
 * reader's "aborted" (for a transaction whose locks outlived their TTL) race, and exactly one
 * wins. A decision is deleted only once every region has carried it out.
 */
export class TxnDecisions {
  constructor(private readonly consensus: ConsensusClient) {}

  async get(txId: string): Promise<TxnDecision | undefined> {
    const kv = await this.consensus.get(txnDecisionKey(txId));
    return kv ? decode(kv.value) : undefined;
  }

  /** Records `decision` unless one exists; returns the decision that stands. */
  async decide(txId: string, decision: TxnDecision): Promise<TxnDecision> {
    const r = await this.consensus.compareAndSet(txnDecisionKey(txId), 0n, encode(decision));
    if (r.succeeded) return decision;
    if (r.current) return decode(r.current.value);
    // Deleted between the failed compare and now: it was carried out everywhere, so it stood.
    const now = await this.get(txId);
    if (!now) throw new Error(`transaction ${txId}: decision vanished while deciding`);
    return now;
  }

  async forget(txId: string): Promise<void> {
    await this.consensus.delete(txnDecisionKey(txId));
  }

  timestamp(): Promise<bigint> {
    return this.consensus.timestamp();
  }
}
