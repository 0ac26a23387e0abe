import { resolve } from 'node:path';
import { UsageError, type Command } from '../args';
import { defaultDataDir, readState } from '../dev/cluster-state';

const mediaTypes: Record<string, string> = {
  json: 'application/sparql-results+json',
  xml: 'application/sparql-results+xml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  turtle: 'text/turtle',
  ntriples: 'application/n-triples',
  nquads: 'application/n-quads',
  trig: 'application/trig',
  jsonld: 'application/ld+json',
};

export const query: Command = {
  name: 'query',
  summary: 'Run a SPARQL query (or, with --update, an update) against the cluster and print the result.',
  usage: `Usage: quarry query 'SPARQL' [--format json|xml|csv|tsv|turtle|ntriples|nquads|trig|jsonld] [--update] [--endpoint URL] [--timeout MS]

  --format F       result format (default: tsv for SELECT, turtle for CONSTRUCT/DESCRIBE)
  --update         send the text to the update endpoint
  --endpoint URL   SPARQL endpoint (default: the one dev up printed, else http://127.0.0.1:7400/sparql)
  --data-dir DIR   dev up's directory (default .quarry/dev)
  --timeout MS     server-side timeout for this request`,
  options: { format: { type: 'string' }, update: { type: 'boolean' }, endpoint: { type: 'string' }, 'data-dir': { type: 'string' }, timeout: { type: 'string' } },
  async run(values, positionals) {
    const text = positionals.join(' ').trim();
    if (!text) throw new UsageError(`give the query text\n\n${query.usage}`);
    const state = readState(resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
    const endpoint = (values.endpoint as string | undefined) ?? state?.endpoint ?? 'http://127.0.0.1:7400/sparql';
    const url = values.update ? endpoint.replace(/\/sparql$/, '/update') : endpoint;
    const format = values.format as string | undefined;
    if (format && !mediaTypes[format]) throw new UsageError(`unknown --format ${format}`);
    const accept = format ? mediaTypes[format] : 'text/tab-separated-values, text/turtle;q=0.9, application/sparql-results+json;q=0.8';
    const body = new URLSearchParams({ [values.update ? 'update' : 'query']: text, ...(values.timeout ? { timeout: String(values.timeout) } : {}) });
    const res = await fetch(url, { method: 'POST', headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const out = await res.text();
    if (!res.ok) {
      process.stderr.write(`quarry: ${res.status} ${res.statusText}: ${out}\n`);
      return 1;
    }
    process.stdout.write(out.endsWith('\n') || !out ? out : `${out}\n`);
    return 0;
  },
};
