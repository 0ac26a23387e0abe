import type { DescMessage } from '@bufbuild/protobuf';

/**
 * A typed request/reply method: the protobuf schemas of both sides and whether retrying it is
 * safe. Subjects are chosen by the caller (they often embed a store or instance id).
 */
export interface RpcMethod<Req extends DescMessage, Res extends DescMessage> {
  name: string;
  request: Req;
  response: Res;
  /** Only idempotent methods are retried on timeouts and UNAVAILABLE. */
  idempotent: boolean;
}

export function defineMethod<Req extends DescMessage, Res extends DescMessage>(m: RpcMethod<Req, Res>): RpcMethod<Req, Res> {
  return m;
}
