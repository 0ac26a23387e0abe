import { describe, expect, it } from 'vitest';
import { decimalDivide, decimalRound, formatDecimal, parseDecimal } from './decimal';
import { arithmetic, compareNumeric, formatDouble, formatFloat } from './numeric';

describe('fixed-point decimals', () => {
  it('parses and formats canonically', () => {
    expect(formatDecimal(parseDecimal('+001.500')!)).toBe('1.5');
    expect(formatDecimal(parseDecimal('-.5')!)).toBe('-0.5');
    expect(formatDecimal(parseDecimal('3')!)).toBe('3.0');
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(parseDecimal('.')).toBeUndefined();
  });

  it('is exact where doubles are not', () => {
    const sum = arithmetic('+', { type: 'decimal', value: parseDecimal('0.1')! }, { type: 'decimal', value: parseDecimal('0.2')! });
    expect(sum.type === 'decimal' && formatDecimal(sum.value)).toBe('0.3');
  });

  it('divides with 18 fractional digits and rounds halves up', () => {
    expect(formatDecimal(decimalDivide(parseDecimal('1')!, parseDecimal('3')!))).toBe('0.333333333333333333');
    expect(formatDecimal(decimalRound(parseDecimal('-2.5')!) * 10n ** 18n)).toBe('-2.0');
  });
});

describe('numeric promotion and formatting', () => {
  it('promotes integer < decimal < float < double', () => {
    expect(arithmetic('+', { type: 'integer', value: 1n }, { type: 'decimal', value: parseDecimal('1')! }).type).toBe('decimal');
    expect(arithmetic('*', { type: 'decimal', value: 1n }, { type: 'float', value: 1 }).type).toBe('float');
    expect(arithmetic('-', { type: 'float', value: 1 }, { type: 'double', value: 1 }).type).toBe('double');
  });

  it('treats NaN as unordered', () => {
    expect(compareNumeric({ type: 'double', value: NaN }, { type: 'double', value: 1 })).toBeUndefined();
  });

  it('formats doubles and floats canonically', () => {
    expect(formatDouble(1500)).toBe('1.5E3');
    expect(formatDouble(-Infinity)).toBe('-INF');
    expect(formatFloat(Math.fround(33.33))).toBe('3.333E1');
  });
});
