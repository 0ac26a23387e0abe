import { describe, expect, it } from 'vitest';
import { blankNode, factory, namedNode } from '../rdf/terms';
import { freshBlankNode, withFreshBlankNodes } from './fresh-blank-nodes';

describe('fresh blank nodes', () => {
  it('are distinct and carry a per-process random prefix', () => {
    const a = freshBlankNode();
    const b = freshBlankNode();
    expect(a.value).not.toBe(b.value);
    expect(a.value).toMatch(/^u[0-9a-f]{16}_/);
  });

  it('relabel a document consistently', () => {
    const p = namedNode('http://ex/p');
    const x = blankNode('x');
    const quads = withFreshBlankNodes([factory.quad(x, p, blankNode('y')), factory.quad(blankNode('y'), p, x)]);
    expect(quads[0]!.subject.value).not.toBe('x');
    expect(quads[0]!.subject.equals(quads[1]!.object)).toBe(true);
    expect(quads[0]!.object.equals(quads[1]!.subject)).toBe(true);
  });
});
