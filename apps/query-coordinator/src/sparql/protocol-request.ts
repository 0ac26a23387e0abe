import type { RequestParams } from './request-params';

/** An HTTP request reduced to what the protocol services need (no Express types). */
export interface ProtocolRequest {
  method: string;
  /** The request URL, absolute: base for new graph IRIs and the service description. */
  url: URL;
  params: RequestParams;
  /** Body media type without parameters, lowercased. */
  contentType?: string;
  /** Raw body of a non-form request. */
  body?: string;
  /** True when the body was a form (its fields are in params). */
  isForm: boolean;
  accept?: string;
  /** Fires on timeout or client disconnect. */
  signal: AbortSignal;
}
