import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): top functions by self time, and by
 * self time grouped per source file. Usage: node dist/bench/raft/top-self.js FILE... [--top N]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const argv = process.argv.slice(2);
const topIdx = argv.indexOf('--top');
const top = topIdx >= 0 ? Number(argv.splice(topIdx, 2)[1]) : 30;
const incIdx = argv.indexOf('--inclusive');
const inclusive = incIdx >= 0 ? argv.splice(incIdx, 2)[1].split(',') : [];
for (const file of argv) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0));
  let total = 0;
  let idle = 0;
  const fn = new Map<string, number>();
  const perFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = url
      ? `${url.includes('node_modules') ? url.slice(url.indexOf('node_modules')) : relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}`
      : '';
    const key = `${name} ${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = url
      ? url.includes('node_modules/')
        ? url
            .slice(url.indexOf('node_modules/'))
            .split('/')
            .slice(0, url.includes('node_modules/@') ? 3 : 2)
            .join('/')
        : relative(process.cwd(), url)
      : `(${name})`;
    perFile.set(f, (perFile.get(f) ?? 0) + us);
  }
  const busy = total - idle;
  const wall = (p.endTime - p.startTime) / 1e6;
  console.log(
    `\n== ${file}: ${wall.toFixed(1)} s profiled, busy ${(busy / 1e6).toFixed(2)} s (${((100 * busy) / (p.endTime - p.startTime)).toFixed(1)}% of one core), idle ${(idle / 1e6).toFixed(2)} s`,
  );
  console.log(`-- top ${top} functions by self time (% of busy)`);
  for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  if (inclusive.length) {
    // inclusive (self + callees) time of functions whose name matches, counted once per stack
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inc = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const name = byId.get(cur)!.callFrame.functionName;
        for (const want of inclusive)
          if (name === want && !seen.has(want)) {
            seen.add(want);
            inc.set(want, (inc.get(want) ?? 0) + us);
          }
      }
    }
    console.log(`-- inclusive time (% of busy)`);
    for (const want of inclusive)
      console.log(`${((100 * (inc.get(want) ?? 0)) / busy).toFixed(1).padStart(5)}%  ${((inc.get(want) ?? 0) / 1000).toFixed(0).padStart(7)} ms  ${want}`);
  }
  console.log(`-- self time per file / package`);
  for (const [k, us] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}
