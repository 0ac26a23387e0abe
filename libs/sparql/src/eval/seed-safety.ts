import type { Op } from '../algebra/algebra';
import { containsExists, expressionVariables, inScopeVariables } from '../algebra/variables';

/** Variables bound in every solution of an operator (a conservative under-approximation). */
export function certainlyBound(op: Op): Set<string> {
  switch (op.type) {
    case 'bgp':
    case 'path':
      return inScopeVariables(op);
    case 'join': {
      const out = certainlyBound(op.left);
      certainlyBound(op.right).forEach((v) => out.add(v));
      return out;
    }
    case 'union': {
      const right = certainlyBound(op.right);
      return new Set([...certainlyBound(op.left)].filter((v) => right.has(v)));
    }
    case 'leftJoin':
    case 'minus':
    case 'filter':
    case 'orderBy':
    case 'distinct':
    case 'reduced':
    case 'slice':
      return certainlyBound('input' in op ? op.input : op.left);
    case 'graph': {
      const out = certainlyBound(op.input);
      if (op.name.termType === 'Variable') out.add(op.name.value);
      return out;
    }
    case 'values':
      return new Set(op.variables.filter((v) => op.rows.every((r) => r[v] !== undefined)));
    default:
      return new Set();
  }
}

/**
 * True when evaluating `op` with a seed solution (substituting its values) gives exactly
 * Join({seed}, eval(op)). That makes a bind join valid. FILTER qualifies only when every
 * variable it reads is always bound by its input, so the seed cannot change what it sees.
 */
export function isSeedSafe(op: Op): boolean {
  switch (op.type) {
    case 'bgp':
    case 'path':
    case 'values':
      return true;
    case 'join':
    case 'union':
      return isSeedSafe(op.left) && isSeedSafe(op.right);
    case 'graph':
      return isSeedSafe(op.input);
    case 'service':
      // The seed travels to the endpoint as VALUES, so substituting it is a join. Only
      // `SERVICE ?var` needs it (the endpoint comes from the seed); a fixed endpoint is asked
      // once and hash-joined rather than once per solution.
      return op.name.termType === 'Variable';
    case 'filter': {
      if (!isSeedSafe(op.input) || containsExists(op.expr)) return false;
      const bound = certainlyBound(op.input);
      return [...expressionVariables(op.expr)].every((v) => bound.has(v));
    }
    default:
      return false;
  }
}
