import { describe, expect, it } from 'vitest';
import { evalExpr } from '../testing/query-helpers';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const typed = (v: string, t: string) => `"${v}"^^<${XSD}${t}>`;

describe('XSD casts', () => {
  it.each([
    ['xsd:integer("42")', typed('42', 'integer')],
    ['xsd:integer(" 7 ")', typed('7', 'integer')],
    ['xsd:integer(3.9)', typed('3', 'integer')],
    ['xsd:integer(-3.9e0)', typed('-3', 'integer')],
    ['xsd:integer(true)', typed('1', 'integer')],
    ['xsd:integer("1.5")', 'error'],
    ['xsd:integer("abc")', 'error'],
    ['xsd:decimal("1.50")', typed('1.5', 'decimal')],
    ['xsd:decimal(2)', typed('2.0', 'decimal')],
    ['xsd:decimal("1e3")', 'error'],
    ['xsd:double("1e3")', typed('1.0E3', 'double')],
    ['xsd:double("INF")', typed('INF', 'double')],
    ['xsd:double(1)', typed('1.0E0', 'double')],
    ['xsd:float("+33.3300")', typed('3.333E1', 'float')],
    ['xsd:boolean("1")', typed('true', 'boolean')],
    ['xsd:boolean("yes")', 'error'],
    ['xsd:boolean(0.0)', typed('false', 'boolean')],
    ['xsd:boolean("NaN"^^xsd:double)', typed('false', 'boolean')],
    ['xsd:string(1.0)', '"1"'],
    ['xsd:string(1.5e0)', '"1.5"'],
    ['xsd:string("0"^^xsd:boolean)', '"false"'],
    ['xsd:string(<http://a>)', '"http://a"'],
    ['xsd:dateTime("2002-10-10T17:00:00Z")', typed('2002-10-10T17:00:00Z', 'dateTime')],
    ['xsd:dateTime("not a date")', 'error'],
    ['xsd:integer("1"@en)', 'error'],
    ['xsd:integer(<http://a>)', 'error'],
  ])('%s = %s', async (expr, expected) => {
    expect(await evalExpr(expr)).toBe(expected);
  });
});
