import type { RegionDescriptor } from '@quarry/proto';
import { subjectHash } from '@quarry/rdf';
import { regionOwns } from '@quarry/store-client';
import { DataFactory } from 'n3';

/** Bank accounts as RDF, for the transaction tests: ex:acctN ex:balance N (an xsd:integer). */
export const BALANCE = 'http://bank.example/balance';
export const accountIri = (i: number): string => `http://bank.example/acct/${i}`;

/** `perRegion` account numbers whose subjects fall in each region, in region order. */
export function accountsAcrossRegions(regions: readonly RegionDescriptor[], perRegion: number): number[][] {
  const out = regions.map((): number[] => []);
  for (let i = 0; out.some((a) => a.length < perRegion); i++) {
    const h = subjectHash(DataFactory.namedNode(accountIri(i)));
    const at = regions.findIndex((r) => regionOwns(r, h));
    if (out[at].length < perRegion) out[at].push(i);
  }
  return out;
}

export function openAccounts(accounts: readonly number[], balance: number): string {
  return `INSERT DATA { ${accounts.map((a) => `<${accountIri(a)}> <${BALANCE}> ${balance} .`).join(' ')} }`;
}

/** Moves `amount` from one account to another if the first has enough: one SPARQL update. */
export function transfer(from: number, to: number, amount: number): string {
  return `DELETE { <${accountIri(from)}> <${BALANCE}> ?x . <${accountIri(to)}> <${BALANCE}> ?y }
INSERT { <${accountIri(from)}> <${BALANCE}> ?x2 . <${accountIri(to)}> <${BALANCE}> ?y2 }
WHERE { <${accountIri(from)}> <${BALANCE}> ?x . <${accountIri(to)}> <${BALANCE}> ?y . FILTER(?x >= ${amount}) BIND(?x - ${amount} AS ?x2) BIND(?y + ${amount} AS ?y2) }`;
}

export const TOTALS_QUERY = `SELECT (SUM(?b) AS ?total) (COUNT(?b) AS ?n) WHERE { ?a <${BALANCE}> ?b }`;

export interface Totals {
  total: number;
  n: number;
}

/** POSTs an update; resolves with the HTTP status (0 when the connection failed) and the body. */
export async function sendUpdate(base: string, text: string, timeoutMs = 20_000): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`${base}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: text, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}

export async function postUpdate(base: string, text: string, timeoutMs = 20_000): Promise<number> {
  return (await sendUpdate(base, text, timeoutMs)).status;
}

/** The bank's total and number of balances at one snapshot; undefined when the query failed. */
export async function readTotals(base: string, timeoutMs = 20_000): Promise<Totals | undefined> {
  try {
    const res = await fetch(`${base}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: TOTALS_QUERY,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) return undefined;
    const json = (await res.json()) as { results: { bindings: Record<string, { value: string }>[] } };
    const row = json.results.bindings[0];
    return { total: Number(row?.total?.value ?? 0), n: Number(row?.n?.value ?? 0) };
  } catch {
    return undefined;
  }
}
