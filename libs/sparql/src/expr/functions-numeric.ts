import { ExpressionError } from '../errors';
import { typedLiteral, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import type { FunctionImpl } from './call-context';
import { decimalCeil, decimalFloor, decimalFromInteger, decimalRound } from './decimal';
import { formatDouble, numericOf, numericToLiteral, type NumericValue } from './numeric';

function roundWith(onDecimal: (v: bigint) => bigint, onNumber: (v: number) => number): FunctionImpl {
  return (args) => {
    const n = numericOf(args[0] ?? missing());
    switch (n.type) {
      case 'integer':
        return numericToLiteral(n);
      case 'decimal':
        return numericToLiteral({ type: 'decimal', value: decimalFromInteger(onDecimal(n.value)) });
      default:
        return numericToLiteral({ type: n.type, value: onNumber(n.value) } as NumericValue);
    }
  };
}

function missing(): never {
  throw new ExpressionError('missing argument');
}

/** fn:round rounds halves towards positive infinity (Math.round does the same). */
export const numericFunctions: Record<string, FunctionImpl> = {
  abs: (args: Term[]) => {
    const n = numericOf(args[0] ?? missing());
    if (n.type === 'integer' || n.type === 'decimal') {
      return numericToLiteral({ type: n.type, value: n.value < 0n ? -n.value : n.value } as NumericValue);
    }
    return numericToLiteral({ type: n.type, value: Math.abs(n.value) });
  },
  round: roundWith(decimalRound, Math.round),
  ceil: roundWith(decimalCeil, Math.ceil),
  floor: roundWith(decimalFloor, Math.floor),
  rand: () => typedLiteral(formatDouble(Math.random()), xsd.double),
};
