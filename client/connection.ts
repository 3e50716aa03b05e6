/**
 * One TCP connection to one broker: pipelined requests matched to responses by correlation id, a
 * deadline per request, ApiVersions negotiation on connect, and a clean close.
 *
 * Kafka answers requests on a connection in order, so pending requests form a FIFO; a response whose
 * correlation id does not match the head means the stream is broken and the connection is closed.
 * A request that times out stays in the FIFO as a tombstone so its late response is read and dropped
 * rather than mistaken for the next one.
 */
import * as net from "node:net";
import { StreamBusError, assert } from "../protocol/errors.ts";
import { decodeResponse, encodeRequestParts, peekCorrelationId, type Body } from "../protocol/envelope.ts";
import { FrameSplitter } from "../protocol/frame.ts";
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from "../protocol/limits.ts";
import { CLIENT_APIS, negotiateVersions, unsupportedApi, type ApiName, type RequestOf, type ResponseOf } from "./apis.ts";

/**
 * Byte arrays in a request of at least this size (Produce record batches) are written from where they lie
 * rather than copied into the request buffer; smaller requests stay one buffer and one write.
 */
const GATHER_MIN_BYTES = 32 * 1024;

/** How to reach and talk to one broker. */
export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  /** Time allowed for TCP connect plus ApiVersions. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Default deadline of one request. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Most requests waiting for a response at once; more is a caller bug. Default 1024. */
  maxPendingRequests?: number;
  limits?: ProtocolLimits;
}

/** Per-request options. */
export interface RequestOptions {
  /** Overrides the connection's requestTimeoutMs (long-poll fetches add their wait). */
  timeoutMs?: number;
  /** Produce with acks=0 gets no response: resolve as soon as the bytes are written. */
  expectResponse?: boolean;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  /** Null once the caller was answered (timed out): the response is read and dropped. */
  settle: { resolve: (b: Body) => void; reject: (e: StreamBusError) => void } | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** ApiVersions only: a broker that lacks our version answers in v0 (KIP-511). */
  tolerateV0: boolean;
}

const CLIENT_SOFTWARE_NAME = "streambus-js";
const CLIENT_SOFTWARE_VERSION = "0.1.0";
const MAX_CORRELATION_ID = 0x7fffffff;

/**
 * A connected, version-negotiated broker connection.
 *
 * @example
 * const conn = await Connection.open({ host: "127.0.0.1", port: 9092, clientId: "app" });
 * const md = await conn.request("Metadata", { topics: null });
 * conn.close();
 */
export class Connection {
  readonly host: string;
  readonly port: number;
  readonly #socket: net.Socket;
  readonly #clientId: string;
  readonly #requestTimeoutMs: number;
  readonly #maxPendingRequests: number;
  readonly #limits: ProtocolLimits;
  readonly #splitter: FrameSplitter;
  #pending: Pending[] = [];
  #nextCorrelationId = 1;
  #versions = new Map<ApiName, number>();
  #closedError: StreamBusError | null = null;
  readonly #closeListeners: ((e: StreamBusError) => void)[] = [];

  private constructor(socket: net.Socket, opts: ConnectionOptions) {
    this.host = opts.host;
    this.port = opts.port;
    this.#socket = socket;
    this.#clientId = opts.clientId;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.#maxPendingRequests = opts.maxPendingRequests ?? 1024;
    this.#limits = opts.limits ?? DEFAULT_PROTOCOL_LIMITS;
    assert(this.#requestTimeoutMs > 0 && this.#maxPendingRequests > 0, "connection limits are positive");
    this.#splitter = new FrameSplitter(this.#limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("error", (e) => this.#fail(new StreamBusError("NETWORK_EXCEPTION", `connection to ${this.address} failed: ${e.message}`, { broker: this.address }, { cause: e })));
    socket.on("close", () => this.#fail(new StreamBusError("NETWORK_EXCEPTION", `connection to ${this.address} closed`, { broker: this.address })));
  }

  /** Connects, negotiates API versions, and resolves once the connection is usable. */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    const address = `${opts.host}:${opts.port}`;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new StreamBusError("TIMEOUT", `connecting to ${address} took more than ${connectTimeoutMs} ms`, { broker: address }));
      }, connectTimeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        s.removeAllListeners("error");
        resolve(s);
      });
      s.once("error", (e) => {
        clearTimeout(timer);
        reject(new StreamBusError("UNAVAILABLE", `cannot connect to ${address}: ${e.message}`, { broker: address }, { cause: e }));
      });
    });
    const conn = new Connection(socket, opts);
    try {
      await conn.#negotiate(connectTimeoutMs);
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** True once the connection failed or was closed; it is never reused after that. */
  get closed(): boolean {
    return this.#closedError !== null;
  }

  /** Requests sent and not yet answered (timed-out ones included until their response arrives). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** The negotiated version of an API, or undefined when the broker shares none with us. */
  versionOf(api: ApiName): number | undefined {
    return this.#versions.get(api);
  }

  /** Calls `listener` once when the connection fails or closes. */
  onClose(listener: (e: StreamBusError) => void): void {
    if (this.#closedError) listener(this.#closedError);
    else this.#closeListeners.push(listener);
  }

  async #negotiate(timeoutMs: number): Promise<void> {
    // Ask with our highest ApiVersions version; a broker that does not know it answers in v0 with error 35
    // and its ranges, and we ask again with the highest version it does know.
    let version = CLIENT_APIS.ApiVersions.max;
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = await this.#send("ApiVersions", CLIENT_APIS.ApiVersions.apiKey, version, {
        clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
      }, { timeoutMs }, true) as ResponseOf<"ApiVersions">;
      if (body.errorCode === 35) {
        const theirs = body.apiKeys.find((k) => k.apiKey === CLIENT_APIS.ApiVersions.apiKey);
        version = Math.min(CLIENT_APIS.ApiVersions.max, theirs?.maxVersion ?? 0);
        continue;
      }
      if (body.errorCode !== 0) throw new StreamBusError("UNSUPPORTED_VERSION", `ApiVersions failed with Kafka error ${body.errorCode}`, { broker: this.address });
      this.#versions = negotiateVersions(body.apiKeys);
      return;
    }
    throw new StreamBusError("UNSUPPORTED_VERSION", `broker ${this.address} rejected every ApiVersions version`);
  }

  /**
   * Sends one request at the negotiated version and resolves with the decoded response body.
   * Fails with UNSUPPORTED_VERSION (no common version), TIMEOUT, or NETWORK_EXCEPTION.
   */
  request<N extends ApiName>(api: N, body: RequestOf<N>, opts: RequestOptions = {}): Promise<ResponseOf<N>> {
    const version = this.#versions.get(api);
    if (version === undefined) return Promise.reject(unsupportedApi(api, this.address));
    return this.#send(api, CLIENT_APIS[api].apiKey, version, body as Body, opts, false) as Promise<ResponseOf<N>>;
  }

  #send(api: ApiName, apiKey: number, apiVersion: number, body: Body, opts: RequestOptions, tolerateV0: boolean): Promise<Body> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (this.#pending.length >= this.#maxPendingRequests) {
      return Promise.reject(new StreamBusError("LIMIT_EXCEEDED", `${this.#pending.length} requests already pending on ${this.address} (maxPendingRequests)`));
    }
    const correlationId = this.#nextCorrelationId;
    this.#nextCorrelationId = correlationId >= MAX_CORRELATION_ID ? 1 : correlationId + 1;
    const parts = encodeRequestParts({ correlationId, clientId: this.#clientId }, apiKey, apiVersion, body, GATHER_MIN_BYTES);
    if (opts.expectResponse === false) {
      this.#write(parts);
      return Promise.resolve({});
    }
    return new Promise<Body>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.#requestTimeoutMs;
      const entry: Pending = { correlationId, apiKey, apiVersion, settle: { resolve, reject }, timer: undefined, tolerateV0 };
      entry.timer = setTimeout(() => {
        const s = entry.settle;
        entry.settle = null;
        s?.reject(new StreamBusError("TIMEOUT", `${api} to ${this.address} got no response in ${timeoutMs} ms`, { broker: this.address, api }));
      }, timeoutMs);
      this.#pending.push(entry);
      this.#write(parts);
    });
  }

  #write(parts: Uint8Array[]): void {
    if (parts.length === 1) {
      this.#socket.write(parts[0]!);
      return;
    }
    // One writev for the header, the referenced batches and the tail.
    this.#socket.cork();
    for (const part of parts) this.#socket.write(part);
    this.#socket.uncork();
  }

  #onData(chunk: Uint8Array): void {
    let frames: Uint8Array[];
    try {
      frames = this.#splitter.push(chunk);
    } catch (e) {
      this.#fail(e instanceof StreamBusError ? e : new StreamBusError("MALFORMED_FRAME", String(e)));
      return;
    }
    for (const frame of frames) {
      if (this.#closedError) return;
      this.#onFrame(frame);
    }
  }

  #onFrame(frame: Uint8Array): void {
    const head = this.#pending.shift();
    const correlationId = peekCorrelationId(frame);
    if (head === undefined || head.correlationId !== correlationId) {
      this.#fail(new StreamBusError("NETWORK_EXCEPTION", `response with correlation id ${correlationId} from ${this.address} does not match the oldest request (${head?.correlationId})`));
      return;
    }
    clearTimeout(head.timer);
    const settle = head.settle;
    if (settle === null) return; // timed out earlier: drop the late response
    try {
      settle.resolve(this.#decode(frame, head));
    } catch (e) {
      settle.reject(e instanceof StreamBusError ? e : new StreamBusError("MALFORMED_FRAME", String(e), undefined, { cause: e }));
    }
  }

  #decode(frame: Uint8Array, head: Pending): Body {
    try {
      return decodeResponse(frame, head.apiKey, head.apiVersion, this.#limits).body;
    } catch (e) {
      if (head.tolerateV0 && head.apiVersion > 0) {
        return decodeResponse(frame, head.apiKey, 0, this.#limits).body;
      }
      throw e;
    }
  }

  #fail(error: StreamBusError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.settle?.reject(error);
    }
    this.#socket.destroy();
    for (const l of this.#closeListeners.splice(0)) l(error);
  }

  /** Closes the connection; pending requests fail with NETWORK_EXCEPTION. Idempotent. */
  close(): void {
    this.#fail(new StreamBusError("NETWORK_EXCEPTION", `connection to ${this.address} was closed by the client`, { broker: this.address }));
  }
}
