import type { RegionDescriptor } from '@quarry/proto';
import { quadToLine, subjectHash, type Quad } from '@quarry/rdf';
import { StoreContains } from './methods';
import { regionOwns } from './region-router';
import { MAX_REROUTES } from './region-writer';
import { isStaleRegion, type StoreClient } from './store-client';

/** N-Quads bytes per Contains request: well under one NATS message. */
export const MAX_CONTAINS_BYTES = 512 * 1024;

/**
 * Asks, in one request per region (split only to fit a NATS message), which quads were visible
 * at a timestamp. Locks of undecided transactions met are resolved (StoreClient.read); a part
 * refused with STALE_EPOCH is placed again on a fresh map.
 */
export class RegionContains {
  constructor(
    private readonly stores: StoreClient,
    private readonly maxReroutes = MAX_REROUTES,
  ) {}

  /** One answer per quad, in the order given. */
  async contains(readTs: bigint, quads: readonly Quad[]): Promise<boolean[]> {
    const answers = new Array<boolean>(quads.length).fill(false);
    await this.place(readTs, quads, [...quads.keys()], answers, 0);
    return answers;
  }

  private async place(readTs: bigint, quads: readonly Quad[], indexes: number[], answers: boolean[], reroutes: number): Promise<void> {
    const regions = await this.stores.router.regions();
    const parts = new Map<RegionDescriptor, number[]>();
    for (const i of indexes) {
      const h = subjectHash(quads[i].subject);
      const region = regions.find((r) => regionOwns(r, h));
      if (!region) throw new Error(`no region owns subject hash ${h}`);
      let part = parts.get(region);
      if (!part) parts.set(region, (part = []));
      part.push(i);
    }
    await Promise.all(
      [...parts].map(async ([region, part]) => {
        for (const slice of bySize(quads, part)) {
          try {
            const reply = await this.stores.read(StoreContains, region, { regionId: region.id, regionVersion: region.version, readTs, nquads: slice.lines });
            if (reply.present.length !== slice.indexes.length)
              throw new Error(`region ${region.id} answered ${reply.present.length} of ${slice.indexes.length} quads`);
            slice.indexes.forEach((qi, k) => (answers[qi] = reply.present[k] === 1));
          } catch (err) {
            if (!isStaleRegion(err) || reroutes >= this.maxReroutes) throw err;
            await this.stores.router.refreshPast(region);
            await this.place(readTs, quads, slice.indexes, answers, reroutes + 1);
          }
        }
      }),
    );
  }
}

function* bySize(quads: readonly Quad[], indexes: number[]): Generator<{ indexes: number[]; lines: string }> {
  let lines = '';
  let taken: number[] = [];
  for (const i of indexes) {
    const line = quadToLine(quads[i], 'N-Quads');
    if (taken.length > 0 && lines.length + line.length > MAX_CONTAINS_BYTES) {
      yield { indexes: taken, lines };
      lines = '';
      taken = [];
    }
    lines += line;
    taken.push(i);
  }
  if (taken.length > 0) yield { indexes: taken, lines };
}
