import { create, toBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { ClusterEventSchema } from '@quarry/proto';
import type { Bus } from './bus';
import { Subjects } from './subjects';

/**
 * The QUARRY_EVENTS JetStream stream: durable cluster events (service started/stopped, region
 * split, store down, backup done). Created on first use; limits keep it from growing forever.
 */
export class ClusterEvents {
  private js?: JetStreamClient;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
  ) {}

  async ensureStream(): Promise<void> {
    const jsm = await jetstreamManager(this.bus.nc);
    const name = this.subjects.eventsStream;
    try {
      await jsm.streams.info(name);
    } catch {
      await jsm.streams.add({
        name,
        subjects: [this.subjects.events()],
        retention: RetentionPolicy.Limits,
        max_age: 7 * 24 * 3600 * 1e9,
        max_bytes: 256 * 1024 * 1024,
      }).catch(async (err: unknown) => {
        // Another service may have created it between our info() and add().
        await jsm.streams.info(name).catch(() => {
          throw err;
        });
      });
    }
    this.js = jetstream(this.bus.nc);
  }

  async publish(type: string, attributes: Record<string, string> = {}): Promise<void> {
    if (!this.js) await this.ensureStream();
    const event = create(ClusterEventSchema, { type, atMs: BigInt(Date.now()), sourceInstance: this.bus.instanceId, attributes });
    await this.js!.publish(this.subjects.events(type), toBinary(ClusterEventSchema, event));
  }
}
