import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../parser/parse-sparql';
import type { Expr, Op } from './algebra';
import { parseExpressionText, portableExpressionText } from './expression-text';
import { translateQuery } from './translate-query';

const W3C = resolve(__dirname, '../../../../../shared/conformance/w3c');

function queryFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) queryFiles(path, out);
    else if (name.endsWith('.rq')) out.push(path);
  }
  return out;
}

function filters(op: Op, out: Expr[] = []): Expr[] {
  if (op.type === 'filter') out.push(op.expr);
  for (const key of ['input', 'left', 'right'] as const) {
    const child = (op as Partial<Record<typeof key, Op>>)[key];
    if (child) filters(child, out);
  }
  return out;
}

describe('portable expression text', () => {
  it('round-trips every FILTER of the W3C query suites it can express', () => {
    let expressed = 0;
    let total = 0;
    for (const file of queryFiles(join(W3C, 'sparql11')).concat(queryFiles(join(W3C, 'sparql10')))) {
      let op: Op;
      try {
        op = translateQuery(parseQuery(readFileSync(file, 'utf8'), { baseIri: `file://${file}` })).op;
      } catch {
        continue; // negative syntax tests
      }
      for (const e of filters(op)) {
        total++;
        const text = portableExpressionText(e);
        if (text === undefined) continue;
        expressed++;
        expect(parseExpressionText(text), `${file}: ${text}`).toEqual(e);
      }
    }
    expect(total).toBeGreaterThan(200);
    expect(expressed / total).toBeGreaterThan(0.8);
  });

  it('leaves out what depends on where or when it runs', () => {
    const of = (q: string) => filters(translateQuery(parseQuery(q)).op)[0];
    expect(portableExpressionText(of('SELECT * { ?s ?p ?o FILTER(?o < NOW()) }'))).toBeUndefined();
    expect(portableExpressionText(of('SELECT * { ?s ?p ?o FILTER(NOT EXISTS { ?o ?p ?s }) }'))).toBeUndefined();
    expect(portableExpressionText(of('SELECT * { ?s ?p ?o FILTER(RAND() < 0.5) }'))).toBeUndefined();
    expect(portableExpressionText(of('SELECT * { ?s ?p ?o FILTER(REGEX(STR(?o), "^a\\"b", "i") && -?o != +2) }'))).toBe('(REGEX(STR(?o), "^a\\"b", "i") && ((-?o) != "2"^^<http://www.w3.org/2001/XMLSchema#integer>))');
  });
});
