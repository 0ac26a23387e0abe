import type { Aggregate } from '../algebra/algebra';
import { ExpressionError } from '../errors';
import type { CallContext } from '../expr/call-context';
import { evaluateExpression } from '../expr/evaluate-expression';
import { arithmetic, numericOf, numericToLiteral, type NumericValue } from '../expr/numeric';
import { orderTerms } from '../expr/order';
import { integerLiteral, stringLiteral, termKey, type Term } from '../rdf/terms';
import { solutionKey, type Binding } from './binding';

/**
 * Computes one aggregate over a group's solutions (§18.5 Set Functions). Returns undefined
 * when the aggregate is an error (the variable then stays unbound).
 */
export function computeAggregate(aggregate: Aggregate, rows: Binding[], ctx: CallContext): Term | undefined {
  if (aggregate.expr === undefined) {
    const n = aggregate.distinct ? new Set(rows.map(solutionKey)).size : rows.length;
    return integerLiteral(n);
  }
  const expr = aggregate.expr;
  // Errors are kept as `undefined` entries so each aggregate can decide what they mean.
  let values: Array<Term | undefined> = rows.map((b) => {
    try {
      return evaluateExpression(expr, b, ctx);
    } catch (e) {
      if (e instanceof ExpressionError) return undefined;
      throw e;
    }
  });
  if (aggregate.distinct) {
    const seen = new Set<string>();
    values = values.filter((v) => {
      const key = v === undefined ? '\u0000' : termKey(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const ok = values.filter((v): v is Term => v !== undefined);
  try {
    switch (aggregate.name) {
      case 'count':
        return integerLiteral(ok.length);
      case 'sum':
        if (ok.length !== values.length) return undefined;
        return numericToLiteral(sum(ok));
      case 'avg': {
        if (ok.length !== values.length) return undefined;
        if (ok.length === 0) return integerLiteral(0);
        const count: NumericValue = { type: 'integer', value: BigInt(ok.length) };
        return numericToLiteral(arithmetic('/', sum(ok), count));
      }
      case 'min':
      case 'max': {
        if (ok.length === 0) return undefined;
        const sign = aggregate.name === 'min' ? 1 : -1;
        return ok.reduce((best, v) => (sign * orderTerms(v, best) < 0 ? v : best));
      }
      case 'sample':
        return ok[0];
      case 'group_concat': {
        if (ok.length !== values.length) return undefined;
        const parts = ok.map((v) => {
          if (v.termType !== 'Literal') throw new ExpressionError('GROUP_CONCAT of a non-literal');
          return v;
        });
        const text = parts.map((p) => p.value).join(aggregate.separator ?? ' ');
        // §18.5.1.7: the result is a simple literal even when all inputs share a language.
        return stringLiteral(text);
      }
    }
  } catch (e) {
    if (e instanceof ExpressionError) return undefined;
    throw e;
  }
}

function sum(values: Term[]): NumericValue {
  let total: NumericValue = { type: 'integer', value: 0n };
  for (const v of values) total = arithmetic('+', total, numericOf(v));
  return total;
}
