import type { Expr } from '../algebra/algebra';
import { ExpressionError } from '../errors';
import { booleanLiteral, type Term } from '../rdf/terms';
import type { Binding } from '../eval/binding';
import type { CallContext, FunctionImpl } from './call-context';
import { cast, isCastFunction } from './casts';
import { valuesEqual } from './compare';
import { effectiveBooleanValue } from './ebv';
import { dateTimeFunctions } from './functions-datetime';
import { hashFunctions } from './functions-hash';
import { numericFunctions } from './functions-numeric';
import { stringFunctions } from './functions-string';
import { termFunctions } from './functions-term';
import { operatorFunctions } from './operators';

const STRICT_FUNCTIONS: Record<string, FunctionImpl> = {
  ...operatorFunctions,
  ...stringFunctions,
  ...termFunctions,
  ...numericFunctions,
  ...dateTimeFunctions,
  ...hashFunctions,
};

/** Results of EXISTS sub-queries for one solution, computed asynchronously beforehand. */
export type ExistsResults = ReadonlyMap<Expr, boolean>;

/**
 * Evaluates an expression against one solution. Throws ExpressionError on SPARQL errors;
 * callers decide what an error means (FILTER: false, BIND: unbound).
 */
export function evaluateExpression(expr: Expr, binding: Binding, ctx: CallContext, exists?: ExistsResults): Term {
  switch (expr.type) {
    case 'term':
      return expr.term;
    case 'var': {
      const value = binding.get(expr.name);
      if (value === undefined) throw new ExpressionError(`unbound variable ?${expr.name}`);
      return value;
    }
    case 'exists': {
      const result = exists?.get(expr);
      if (result === undefined) throw new Error('EXISTS evaluated without its pre-computed result');
      return booleanLiteral(expr.negated ? !result : result);
    }
    case 'in':
      return evaluateIn(expr, binding, ctx, exists);
    case 'iriCall': {
      const args = expr.args.map((a) => evaluateExpression(a, binding, ctx, exists));
      if (isCastFunction(expr.iri)) return cast(expr.iri, args[0]);
      throw new ExpressionError(`unknown function <${expr.iri}>`);
    }
    case 'call':
      return evaluateCall(expr.name, expr.args, binding, ctx, exists);
  }
}

export function evaluateToBoolean(expr: Expr, binding: Binding, ctx: CallContext, exists?: ExistsResults): boolean {
  return effectiveBooleanValue(evaluateExpression(expr, binding, ctx, exists));
}

/** Like evaluateToBoolean but an error counts as false (FILTER semantics). */
export function filterPasses(expr: Expr, binding: Binding, ctx: CallContext, exists?: ExistsResults): boolean {
  try {
    return evaluateToBoolean(expr, binding, ctx, exists);
  } catch (e) {
    if (e instanceof ExpressionError) return false;
    throw e;
  }
}

/** Like evaluateExpression but an error yields undefined (BIND / projection semantics). */
export function tryEvaluate(expr: Expr, binding: Binding, ctx: CallContext, exists?: ExistsResults): Term | undefined {
  try {
    return evaluateExpression(expr, binding, ctx, exists);
  } catch (e) {
    if (e instanceof ExpressionError) return undefined;
    throw e;
  }
}

function evaluateIn(expr: Extract<Expr, { type: 'in' }>, binding: Binding, ctx: CallContext, exists?: ExistsResults): Term {
  const value = evaluateExpression(expr.expr, binding, ctx, exists);
  let sawError = false;
  for (const candidate of expr.list) {
    try {
      if (valuesEqual(value, evaluateExpression(candidate, binding, ctx, exists))) return booleanLiteral(!expr.negated);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      sawError = true;
    }
  }
  if (sawError) throw new ExpressionError('error in IN list');
  return booleanLiteral(expr.negated);
}

/** Logical-or / logical-and with the SPARQL three-valued error rules (§17.2). */
function logical(isOr: boolean, args: Expr[], binding: Binding, ctx: CallContext, exists?: ExistsResults): Term {
  let error: unknown;
  for (const a of args) {
    try {
      const v = evaluateToBoolean(a, binding, ctx, exists);
      if (v === isOr) return booleanLiteral(isOr);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      error = e;
    }
  }
  if (error) throw error;
  return booleanLiteral(!isOr);
}

function evaluateCall(name: string, args: Expr[], binding: Binding, ctx: CallContext, exists?: ExistsResults): Term {
  switch (name) {
    case '||':
      return logical(true, args, binding, ctx, exists);
    case '&&':
      return logical(false, args, binding, ctx, exists);
    case 'bound': {
      const [v] = args;
      if (v?.type !== 'var') throw new ExpressionError('BOUND needs a variable');
      return booleanLiteral(binding.has(v.name));
    }
    case 'if': {
      const [cond, then, otherwise] = args;
      if (!cond || !then || !otherwise) throw new ExpressionError('IF needs three arguments');
      return evaluateExpression(evaluateToBoolean(cond, binding, ctx, exists) ? then : otherwise, binding, ctx, exists);
    }
    case 'coalesce':
      for (const a of args) {
        const v = tryEvaluate(a, binding, ctx, exists);
        if (v !== undefined) return v;
      }
      throw new ExpressionError('COALESCE: no argument evaluated');
  }
  const fn = STRICT_FUNCTIONS[name];
  if (!fn) throw new ExpressionError(`unknown function ${name}`);
  return fn(
    args.map((a) => evaluateExpression(a, binding, ctx, exists)),
    ctx,
  );
}
