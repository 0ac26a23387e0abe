import type { Op } from '../../algebra/algebra';
import type { BindingStream } from '../batching';
import type { Binding } from '../binding';
import type { EvalContext } from '../context';

/** The evaluator entry point, passed to operators to avoid import cycles. */
export type Evaluate = (op: Op, ctx: EvalContext, seed: Binding) => BindingStream;
