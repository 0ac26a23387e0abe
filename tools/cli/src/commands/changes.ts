import { fromBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ChangeEventSchema, type ChangeEvent } from '@quarry/proto';
import { Subjects } from '@quarry/transport';
import { intOption, UsageError, type Command } from '../args';
import { clusterOptions, clusterUsage, connectCluster } from '../cluster-connection';

/** One feed message as the JSON line `quarry changes` prints. */
export function changeLine(e: ChangeEvent): string {
  const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);
  return JSON.stringify({ region: e.regionId, commitTs: String(e.commitTs), txId: e.txId, part: e.part, parts: e.parts, inserted: lines(e.inserted), deleted: lines(e.deleted) });
}

export const changes: Command = {
  name: 'changes',
  summary: 'Print the change feed (QUARRY_CHANGES): every committed change, per region in commit order.',
  usage: `Usage: quarry changes [--from TS] [--region ID] [--follow] [cluster options]

  --from TS      only changes committed at or after this timestamp (default 0: all the stream holds)
  --region ID    only this region's changes
  --follow       keep printing new changes until interrupted (default: stop when caught up)
${clusterUsage}

Prints one JSON object per line: {"region","commitTs","txId","part","parts","inserted":[N-Quads],
"deleted":[N-Quads]}. Within a region, lines come in commit-timestamp order, each change once;
across regions there is no order (see docs/change-feed.md).`,
  options: { ...clusterOptions, from: { type: 'string' }, region: { type: 'string' }, follow: { type: 'boolean' } },
  async run(values) {
    const fromRaw = (values.from as string | undefined) ?? '0';
    if (!/^\d+$/.test(fromRaw)) throw new UsageError(`--from must be a timestamp (a non-negative integer), got ${fromRaw}`);
    const from = BigInt(fromRaw);
    const region = values.region === undefined ? undefined : intOption(values, 'region', 0, 1, 2 ** 32 - 1);
    const conn = await connectCluster(values);
    try {
      const subjects = new Subjects(conn.cluster);
      const stream = subjects.changesStream;
      const jsm = await jetstreamManager(conn.bus.nc);
      const info = await jsm.streams.info(stream).catch(() => undefined);
      if (!info) throw new UsageError(`the cluster has no change feed yet (stream ${stream} does not exist)`);
      const filter = subjects.changes(region ?? '>');
      // Without --follow, an empty selection prints nothing (a consumer would wait forever).
      const held = Object.values((await jsm.streams.info(stream, { subjects_filter: filter })).state.subjects ?? {}).reduce((a, b) => a + b, 0);
      if (!values.follow && held === 0) return 0;
      const consumer = await jetstream(conn.bus.nc).consumers.get(stream, { filter_subjects: filter });
      const messages = await consumer.consume();
      for await (const m of messages) {
        const event = fromBinary(ChangeEventSchema, m.data);
        if (event.commitTs >= from) process.stdout.write(`${changeLine(event)}\n`);
        if (!values.follow && m.info.pending === 0) break;
      }
      return 0;
    } finally {
      await conn.close();
    }
  },
};
