import { describe, expect, it } from 'vitest';
import { parseUpdate } from '../parser/parse-sparql';
import { factory, namedNode, termKey, type Quad } from '../rdf/terms';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';
import { storeFromTrig } from '../testing/query-helpers';
import type { QuadChange } from './quad-change';
import type { UpdateOptions } from './update-context';
import { UpdateError } from './update-errors';
import { evaluateUpdate, executeUpdate } from './update-evaluator';

const PREFIX = 'PREFIX : <http://ex/> ';

/** Runs an update against a TriG store and returns the resulting store as sorted N-Quads-ish keys. */
async function run(trig: string, update: string, options: UpdateOptions = {}): Promise<string[]> {
  const store = storeFromTrig(`@prefix : <http://ex/> . ${trig}`);
  const change = await evaluateUpdate(parseUpdate(PREFIX + update), store, options);
  applyTo(store, change);
  return dump(store);
}

function applyTo(store: InMemoryQuadSource, change: QuadChange): void {
  for (const q of change.deletes) store.delete(q);
  for (const q of change.inserts) store.add(q);
}

function dump(store: InMemoryQuadSource): string[] {
  return [...store.matchSync({})].map(show).sort();
}

function show(q: Quad): string {
  const t = (x: Quad['subject'] | Quad['object']) => (x.termType === 'BlankNode' ? '_' : termKey(x).replace('http://ex/', ':'));
  const g = q.graph.termType === 'DefaultGraph' ? '' : ` ${termKey(q.graph).replace('http://ex/', ':')}`;
  return `${t(q.subject)} ${t(q.predicate)} ${t(q.object)}${g}`;
}

describe('evaluateUpdate', () => {
  it('INSERT DATA and DELETE DATA into default and named graphs', async () => {
    expect(await run(':a :p :o .', 'INSERT DATA { :b :p :o . GRAPH :g { :c :p :o } } ; DELETE DATA { :a :p :o }')).toEqual([
      '<:b> <:p> <:o>',
      '<:c> <:p> <:o> <:g>',
    ]);
  });

  it('later operations see earlier ones (one net change)', async () => {
    const store = storeFromTrig('');
    const change = await evaluateUpdate(
      parseUpdate(`${PREFIX} INSERT DATA { :a :p 1 } ; INSERT { :a :q ?o } WHERE { :a :p ?o } ; DELETE DATA { :a :p 1 }`),
      store,
    );
    expect(change.inserts.map(show)).toEqual(['<:a> <:q> "1"^^<http://www.w3.org/2001/XMLSchema#integer>']);
    expect(store.size).toBe(0);
  });

  it('DELETE/INSERT WHERE evaluates all solutions before changing anything', async () => {
    expect(await run(':a :next :b . :b :next :c .', 'DELETE { ?x :next ?y } INSERT { ?y :next ?x } WHERE { ?x :next ?y }')).toEqual([
      '<:b> <:next> <:a>',
      '<:c> <:next> <:b>',
    ]);
  });

  it('skips template triples with unbound variables', async () => {
    expect(await run(':a :p :o .', 'INSERT { ?s :q ?missing . ?s :r :x } WHERE { ?s :p :o OPTIONAL { ?s :none ?missing } }')).toEqual([
      '<:a> <:p> <:o>',
      '<:a> <:r> <:x>',
    ]);
  });

  it('makes INSERT template blank nodes fresh per solution', async () => {
    const store = storeFromTrig('@prefix : <http://ex/> . :a :p 1 . :b :p 2 .');
    const change = await evaluateUpdate(parseUpdate(`${PREFIX} INSERT { ?s :node _:n } WHERE { ?s :p ?o }`), store);
    const nodes = new Set(change.inserts.map((q) => q.object.value));
    expect(change.inserts).toHaveLength(2);
    expect(nodes.size).toBe(2);
  });

  it('rejects blank nodes in DELETE templates (the parser does too; this guards hand-built requests)', async () => {
    const update = parseUpdate(`${PREFIX} DELETE { ?s :p ?o } WHERE { ?s :p ?o }`);
    const op = update.updates[0]!;
    if (!('updateType' in op) || op.updateType !== 'insertdelete') throw new Error('unexpected parse');
    const block = op.delete[0]!;
    block.triples[0] = { ...block.triples[0]!, object: factory.blankNode('b') };
    await expect(evaluateUpdate(update, storeFromTrig(''))).rejects.toBeInstanceOf(UpdateError);
  });

  it('WITH sets the WHERE default graph and the template graph; USING overrides the WHERE dataset', async () => {
    const data = ':d :p :o . :g { :a :p :o } :u { :b :p :o }';
    expect(await run(data, 'WITH :g DELETE { ?s :p :o } WHERE { ?s :p :o }')).toEqual(['<:b> <:p> <:o> <:u>', '<:d> <:p> <:o>']);
    expect(await run(data, 'WITH :g INSERT { ?s :q :o } USING :u WHERE { ?s :p :o }')).toEqual([
      '<:a> <:p> <:o> <:g>',
      '<:b> <:p> <:o> <:u>',
      '<:b> <:q> <:o> <:g>',
      '<:d> <:p> <:o>',
    ]);
    expect(await run(data, 'INSERT { ?s :q ?g } USING NAMED :u WHERE { GRAPH ?g { ?s :p :o } }')).toContain('<:b> <:q> <:u>');
  });

  it('takes the protocol dataset and refuses it together with USING or WITH', async () => {
    const data = ':g { :a :p :o }';
    const dataset = { defaultGraphs: [namedNode('http://ex/g')], namedGraphs: [] };
    expect(await run(data, 'INSERT { ?s :q :o } WHERE { ?s :p :o }', { dataset })).toContain('<:a> <:q> <:o>');
    await expect(run(data, 'WITH :g INSERT { ?s :q :o } WHERE { ?s :p :o }', { dataset })).rejects.toBeInstanceOf(UpdateError);
  });

  it('DELETE WHERE, including GRAPH blocks', async () => {
    expect(await run(':a :p :o . :a :q :o . :g { :a :p :o }', 'DELETE WHERE { ?s :p ?o . GRAPH :g { ?s :p ?o } }')).toEqual(['<:a> <:q> <:o>']);
  });

  it('CLEAR / DROP of a graph, DEFAULT, NAMED and ALL', async () => {
    const data = ':a :p :o . :g1 { :a :p :o } :g2 { :b :p :o }';
    expect(await run(data, 'CLEAR GRAPH :g1')).toEqual(['<:a> <:p> <:o>', '<:b> <:p> <:o> <:g2>']);
    expect(await run(data, 'DROP DEFAULT')).toHaveLength(2);
    expect(await run(data, 'DROP NAMED')).toEqual(['<:a> <:p> <:o>']);
    expect(await run(data, 'CLEAR ALL')).toEqual([]);
  });

  it('fails on a missing graph unless SILENT (graphs exist iff they hold quads)', async () => {
    await expect(run('', 'DROP GRAPH :nope')).rejects.toBeInstanceOf(UpdateError);
    expect(await run('', 'DROP SILENT GRAPH :nope')).toEqual([]);
    await expect(run(':g { :a :p :o }', 'CREATE GRAPH :g')).rejects.toBeInstanceOf(UpdateError);
    expect(await run('', 'CREATE GRAPH :new')).toEqual([]);
    await expect(run('', 'COPY :nope TO :g')).rejects.toBeInstanceOf(UpdateError);
    expect(await run(':g { :a :p :o }', 'COPY SILENT :nope TO :g')).toEqual(['<:a> <:p> <:o> <:g>']);
  });

  it('COPY replaces, ADD merges, MOVE removes the source', async () => {
    const data = ':a :p :o . :g { :b :p :o }';
    expect(await run(data, 'COPY DEFAULT TO :g')).toEqual(['<:a> <:p> <:o>', '<:a> <:p> <:o> <:g>']);
    expect(await run(data, 'ADD DEFAULT TO :g')).toEqual(['<:a> <:p> <:o>', '<:a> <:p> <:o> <:g>', '<:b> <:p> <:o> <:g>']);
    expect(await run(data, 'MOVE :g TO DEFAULT')).toEqual(['<:b> <:p> <:o>']);
    expect(await run(data, 'MOVE :g TO :g')).toEqual(['<:a> <:p> <:o>', '<:b> <:p> <:o> <:g>']);
  });

  it('LOAD goes through the loader; SILENT swallows failures and partial loads', async () => {
    const loader = async function* (iri: string) {
      if (iri.endsWith('bad')) {
        yield factory.quad(namedNode('http://ex/x'), namedNode('http://ex/p'), namedNode('http://ex/o'));
        throw new Error('404');
      }
      yield factory.quad(namedNode('http://ex/l'), namedNode('http://ex/p'), namedNode('http://ex/o'));
    };
    expect(await run('', 'LOAD <http://doc/ok> INTO GRAPH :g', { loader })).toEqual(['<:l> <:p> <:o> <:g>']);
    expect(await run('', 'LOAD SILENT <http://doc/bad>', { loader })).toEqual([]);
    await expect(run('', 'LOAD <http://doc/bad>', { loader })).rejects.toThrow(/404/);
    await expect(run('', 'LOAD <http://doc/ok>')).rejects.toBeInstanceOf(UpdateError);
  });

  it('executeUpdate commits one change and skips empty ones', async () => {
    const store = storeFromTrig('');
    const commits: QuadChange[] = [];
    const writer = { commit: async (c: QuadChange) => void commits.push(c) };
    await executeUpdate(`${PREFIX} INSERT DATA { :a :p :o }`, store, writer);
    await executeUpdate(`${PREFIX} DELETE WHERE { :zz ?p ?o }`, store, writer);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.inserts).toHaveLength(1);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run(':a :p :o .', 'DELETE WHERE { ?s ?p ?o }', { signal: controller.signal })).rejects.toThrow(/abort/);
  });
});
