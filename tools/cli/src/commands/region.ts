import type { RegionDescriptor } from '@quarry/proto';
import { mergeRegions } from '@quarry/store-client';
import { UsageError, type Command } from '../args';
import { clusterOptions, clusterUsage, connectCluster } from '../cluster-connection';
import { regionViews } from '../cluster-view';

export const regionList: Command = {
  name: 'region list',
  summary: 'List regions: hash range, replicas, leader, quads and health.',
  usage: `Usage: quarry region list [--json] [cluster options]\n\n${clusterUsage}`,
  options: { ...clusterOptions, json: { type: 'boolean' } },
  async run(values) {
    const conn = await connectCluster(values);
    try {
      const regions = await regionViews(conn);
      if (values.json) process.stdout.write(`${JSON.stringify({ regions })}\n`);
      else {
        process.stdout.write(`${'id'.padEnd(5)}${'range'.padEnd(40)}${'epoch'.padEnd(7)}${'stores'.padEnd(12)}${'leader'.padEnd(8)}${'quads'.padEnd(10)}health\n`);
        for (const r of regions) {
          process.stdout.write(`${String(r.id).padEnd(5)}${`${r.startHash}..${r.endHash}`.padEnd(40)}${String(r.epoch).padEnd(7)}${r.stores.join(',').padEnd(12)}${String(r.leader || '-').padEnd(8)}${String(r.quads).padEnd(10)}${r.health}\n`);
        }
      }
      return regions.every((r) => r.health === 'healthy') ? 0 : 2;
    } finally {
      await conn.close();
    }
  },
};

const hex = (h: bigint): string => `0x${h.toString(16).padStart(16, '0')}`;
const describe = (r: RegionDescriptor): string => `region ${r.id}: ${hex(r.startHash)}..${r.endHash === 0n ? 'end' : hex(r.endHash)} version ${r.version} stores ${r.stores.join(',')}`;

function regionId(raw: string | undefined, usage: string, what = 'region id'): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`give the ${what}\n\n${usage}`);
  return id;
}

export const regionSplit: Command = {
  name: 'region split',
  summary: 'Split a region in two through its Raft log (at its median subject hash by default).',
  usage: `Usage: quarry region split ID [--at HASH] [--json] [cluster options]

  --at HASH   split key: subject hashes >= HASH move to the new region (decimal or 0x hex);
              must be strictly inside the region's range. Default: the median subject hash.
${clusterUsage}`,
  options: { ...clusterOptions, at: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals) {
    const id = regionId(positionals[0], regionSplit.usage);
    let at = 0n;
    if (values.at !== undefined) {
      try {
        at = BigInt(values.at as string);
      } catch {
        throw new UsageError(`--at must be an integer (decimal or 0x hex), got ${String(values.at)}`);
      }
      if (at <= 0n || at >= 1n << 64n) throw new UsageError('--at must be between 1 and 2^64-1');
    }
    const conn = await connectCluster(values);
    try {
      const map = await conn.stores.router.refresh();
      const region = map.regions.find((r) => r.id === id);
      if (!region) throw new UsageError(`unknown region ${id}; known: ${map.regions.map((r) => r.id).join(', ') || 'none'}`);
      const reply = await conn.stores.splitRegion(region, at);
      if (values.json) process.stdout.write(`${JSON.stringify({ regions: reply.regions.map((r) => ({ id: r.id, startHash: String(r.startHash), endHash: String(r.endHash), version: String(r.version), stores: r.stores })) })}\n`);
      else process.stdout.write(`Split region ${id}:\n${reply.regions.map((r) => `  ${describe(r)}`).join('\n')}\n`);
      return 0;
    } finally {
      await conn.close();
    }
  },
};

export const regionMerge: Command = {
  name: 'region merge',
  summary: 'Merge a region into an adjacent one on the same stores (through both Raft logs).',
  usage: `Usage: quarry region merge SOURCE TARGET [cluster options]

SOURCE is frozen, then absorbed by TARGET; both must be adjacent and on the same stores.
${clusterUsage}`,
  options: { ...clusterOptions },
  async run(values, positionals) {
    const source = regionId(positionals[0], regionMerge.usage, 'source region id');
    const target = regionId(positionals[1], regionMerge.usage, 'target region id');
    const conn = await connectCluster(values);
    try {
      const merged = await mergeRegions(conn.stores, source, target);
      process.stdout.write(`Merged region ${source} into ${describe(merged)}\n`);
      return 0;
    } finally {
      await conn.close();
    }
  },
};
