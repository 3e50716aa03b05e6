/**
 * Turns one request frame into one response frame: decode the header and body, find the handler,
 * run it under the request deadline, encode the answer (as parts, so record sets are not copied).
 * Unknown APIs and versions are answered the way Kafka answers them (ApiVersions with
 * UNSUPPORTED_VERSION); anything else undecodable closes the connection (the caller's job) and never
 * the broker.
 */
import { decodeRequest, encodeResponse, encodeResponseParts, UnsupportedRequestError } from "../protocol/envelope.ts";
import { ERRORS, StreamBusError } from "../protocol/errors.ts";
import type { ProtocolLimits } from "../protocol/limits.ts";
import type { BrokerCore } from "./core.ts";
import type { Handler, RequestContext } from "./handler.ts";
import type { ConnInfo } from "./net/connection.ts";

const API_VERSIONS_KEY = 18;

/**
 * Byte arrays in a response body at least this long (Fetch record sets) are written to the socket from
 * where they lie instead of being copied into the response buffer. Below it a copy costs less than the
 * extra socket write a separate part takes, so every response without such arrays stays one write.
 */
const GATHER_MIN_BYTES = 32 * 1024;

export interface DispatchMetrics {
  requestsByApi: Map<string, number>;
  errorsByApi: Map<string, number>;
  unsupported: number;
}

export class Dispatcher {
  readonly #byKey = new Map<number, Handler>();
  readonly metrics: DispatchMetrics = { requestsByApi: new Map(), errorsByApi: new Map(), unsupported: 0 };

  constructor(
    readonly handlers: readonly Handler[],
    private readonly broker: BrokerCore,
    private readonly limits: ProtocolLimits,
  ) {
    for (const h of handlers) this.#byKey.set(h.api.apiKey, h);
  }

  /**
   * Handles one frame; resolves to the response frame as parts to write in order (see
   * {@link GATHER_MIN_BYTES}), or null when no response is due.
   */
  async handle(frame: Uint8Array, conn: ConnInfo): Promise<Uint8Array[] | null> {
    let req;
    try {
      req = decodeRequest(frame, this.limits);
    } catch (e) {
      if (e instanceof UnsupportedRequestError) return this.#unsupported(e);
      throw e;
    }
    const handler = this.#byKey.get(req.apiKey);
    if (!handler || req.apiVersion < handler.minVersion || req.apiVersion > handler.maxVersion) {
      return this.#unsupported(new UnsupportedRequestError(req.apiKey, req.apiVersion, req.header.correlationId, handler !== undefined));
    }
    const name = handler.api.name;
    this.metrics.requestsByApi.set(name, (this.metrics.requestsByApi.get(name) ?? 0) + 1);
    const ctx: RequestContext = {
      broker: this.broker,
      header: req.header,
      apiVersion: req.apiVersion,
      conn,
      deadlineMs: this.broker.clock.nowMs() + this.broker.config.limits.requestTimeoutMs,
    };
    let body;
    try {
      body = await handler.handle(ctx, req.body as never);
    } catch (e) {
      this.metrics.errorsByApi.set(name, (this.metrics.errorsByApi.get(name) ?? 0) + 1);
      this.broker.log.error("handler failed", { api: name, version: req.apiVersion, error: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
      throw e;
    }
    if (body === null) return null;
    return encodeResponseParts({ correlationId: req.header.correlationId }, req.apiKey, req.apiVersion, body as Record<string, unknown>, GATHER_MIN_BYTES);
  }

  #unsupported(e: UnsupportedRequestError): Uint8Array[] {
    this.metrics.unsupported++;
    if (e.apiKey === API_VERSIONS_KEY) {
      // Kafka answers an ApiVersions it cannot parse with a v0 body: error 35 plus what it supports,
      // so the client can retry with a version both sides speak.
      return [encodeResponse({ correlationId: e.correlationId }, API_VERSIONS_KEY, 0, {
        errorCode: ERRORS.UNSUPPORTED_VERSION.kafkaCode,
        apiKeys: this.broker.advertisedApis(),
      })];
    }
    throw new StreamBusError("UNSUPPORTED_VERSION", e.message, { apiKey: e.apiKey, apiVersion: e.apiVersion });
  }
}
