import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A minimal reimplementation of cockroachdb/datadriven (used by etcd raft's testdata):
 *
 *   # comment
 *   command arg1 key=value key=(1,2,3)
 *   ----
 *   expected output
 *   <blank line>
 *
 * Expected output ends at the first blank line, so commands must not print blank lines.
 */
export interface TestCase {
  /** 1-based line of the command, for error messages. */
  line: number;
  cmd: string;
  args: CmdArg[];
  input: string;
  expected: string;
}

export interface CmdArg {
  key: string;
  vals: string[];
}

function parseArgs(tokens: string[]): CmdArg[] {
  return tokens.map((t) => {
    const eq = t.indexOf('=');
    if (eq < 0) return { key: t, vals: [] };
    const key = t.slice(0, eq);
    let v = t.slice(eq + 1);
    if (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1);
    return { key, vals: v === '' ? [] : v.split(',').map((x) => x.trim()) };
  });
}

/** Splits on spaces, keeping (a, b, c) groups together. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of line) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

export function parseTestFile(text: string): TestCase[] {
  const lines = text.split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    const tokens = tokenize(l);
    i++;
    const inputLines: string[] = [];
    while (i < lines.length && lines[i].trim() !== '----') {
      inputLines.push(lines[i]);
      i++;
    }
    if (i >= lines.length) throw new Error(`line ${start}: missing ---- after command`);
    i++; // skip ----
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') {
      out.push(lines[i]);
      i++;
    }
    cases.push({
      line: start,
      cmd: tokens[0],
      args: parseArgs(tokens.slice(1)),
      input: inputLines.join('\n'),
      expected: out.join('\n'),
    });
  }
  return cases;
}

/** Re-renders a test file with new outputs (RAFT_REWRITE=1), keeping comments in place. */
export function rewriteTestFile(path: string, outputs: Map<number, string>): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const res: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) {
      res.push(lines[i]);
      i++;
      continue;
    }
    const start = i + 1;
    res.push(lines[i]);
    i++;
    while (i < lines.length && lines[i].trim() !== '----') res.push(lines[i++]);
    res.push('----');
    i++;
    while (i < lines.length && lines[i] !== '') i++;
    const out = outputs.get(start) ?? '';
    if (out !== '') res.push(...out.split('\n'));
  }
  let text = res.join('\n');
  if (!text.endsWith('\n')) text += '\n';
  writeFileSync(path, text);
}

export function argInt(args: CmdArg[], key: string): number | undefined {
  const a = args.find((x) => x.key === key);
  if (!a || a.vals.length === 0) return undefined;
  return Number(a.vals[0]);
}

export function argInts(args: CmdArg[], key: string): number[] | undefined {
  const a = args.find((x) => x.key === key);
  return a ? a.vals.map(Number) : undefined;
}

export function argStr(args: CmdArg[], key: string): string | undefined {
  const a = args.find((x) => x.key === key);
  return a && a.vals.length > 0 ? a.vals[0] : undefined;
}

/** Bare (key-only) numeric arguments, e.g. node ids: `stabilize 1 2`. */
export function bareInts(args: CmdArg[]): number[] {
  return args.filter((a) => a.vals.length === 0 && /^\d+$/.test(a.key)).map((a) => Number(a.key));
}
