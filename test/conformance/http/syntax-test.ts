import { readFileSync } from 'node:fs';
import type { SparqlHttpClient } from './sparql-http-client';

/**
 * A syntax test over HTTP: the query (or update) is sent as is; a negative test passes when
 * the server answers 400, a positive one when it does not. Returns a reason when it fails.
 */
export async function runSyntaxTest(file: string | undefined, positive: boolean, isUpdate: boolean, client: SparqlHttpClient): Promise<string | undefined> {
  if (!file) return 'no query file';
  const text = readFileSync(file, 'utf8');
  const answer = isUpdate ? await client.update(text) : await client.query(text);
  const rejected = answer.status === 400;
  if (positive && rejected) return `rejected with 400: ${answer.body.split('\n')[0]}`;
  if (!positive && !rejected) return `accepted an invalid ${isUpdate ? 'update' : 'query'} (HTTP ${answer.status})`;
  return undefined;
}
