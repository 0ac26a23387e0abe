import { ExpressionError } from '../errors';
import { booleanLiteral, type Term } from '../rdf/terms';
import type { FunctionImpl } from './call-context';
import { compareValues, valuesEqual } from './compare';
import { effectiveBooleanValue } from './ebv';
import { arithmetic, negate, numericOf, numericToLiteral, type ArithmeticOp } from './numeric';

function two(args: Term[]): [Term, Term] {
  const [a, b] = args;
  if (a === undefined || b === undefined) throw new ExpressionError('operator needs two operands');
  return [a, b];
}

function arithmeticOp(op: ArithmeticOp): FunctionImpl {
  return (args) => {
    const [a, b] = two(args);
    return numericToLiteral(arithmetic(op, numericOf(a), numericOf(b)));
  };
}

function comparison(test: (c: number) => boolean): FunctionImpl {
  return (args) => {
    const [a, b] = two(args);
    const c = compareValues(a, b);
    return booleanLiteral(c !== undefined && test(c));
  };
}

/** Operators whose operands are all evaluated first (errors propagate). */
export const operatorFunctions: Record<string, FunctionImpl> = {
  '+': arithmeticOp('+'),
  '-': arithmeticOp('-'),
  '*': arithmeticOp('*'),
  '/': arithmeticOp('/'),
  '=': (args) => booleanLiteral(valuesEqual(...two(args))),
  '!=': (args) => booleanLiteral(!valuesEqual(...two(args))),
  '<': comparison((c) => c < 0),
  '>': comparison((c) => c > 0),
  '<=': comparison((c) => c <= 0),
  '>=': comparison((c) => c >= 0),
  '!': (args) => booleanLiteral(!effectiveBooleanValue(args[0] ?? missing())),
  uminus: (args) => numericToLiteral(negate(numericOf(args[0] ?? missing()))),
  uplus: (args) => numericToLiteral(numericOf(args[0] ?? missing())),
};

function missing(): never {
  throw new ExpressionError('missing operand');
}
