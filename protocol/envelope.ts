/**
 * Whole messages on the wire: length prefix + header + body.
 *
 * Broker side: `decodeRequest(frame)` on each frame from a {@link FrameSplitter}, then
 * `encodeResponse(header, apiKey, apiVersion, body)` gives bytes ready for the socket, or
 * `encodeResponseParts(...)` gives them as parts that reference large record sets instead of copying them.
 * Client side: `encodeRequest(...)`, and `decodeResponse(frame, apiKey, apiVersion)` once
 * `peekCorrelationId(frame)` has matched the frame to its request.
 */
import { StreamBusError } from "./errors.ts";
import { apiByKey, type ApiSpec } from "./apis.ts";
import { decodeMessageFrom, encodeMessageInto } from "./codec.ts";
import { FRAME_LENGTH_BYTES } from "./frame.ts";
import {
  readRequestHeader, readResponseHeader, requestHeaderVersion, responseHeaderVersion, writeRequestHeader, writeResponseHeader,
  type RequestHeader, type ResponseHeader,
} from "./headers.ts";
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from "./limits.ts";
import { Reader, Writer } from "./primitives.ts";
import type { Input, MessageSchema } from "./schema.ts";

/** A message body as the codec produces and accepts it (see schema.ts `Infer` for typed views). */
export type Body = Record<string, unknown>;

/** A decoded request. */
export interface DecodedRequest {
  readonly header: RequestHeader;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly api: ApiSpec;
  readonly body: Body;
}

/**
 * A request for an API key or version we have no table for. Still carries the correlation id and
 * api key, so the broker can answer (Kafka answers an unsupported ApiVersions version with an
 * ApiVersions v0 response holding UNSUPPORTED_VERSION and the supported ranges).
 */
export class UnsupportedRequestError extends StreamBusError {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;

  constructor(apiKey: number, apiVersion: number, correlationId: number, known: boolean) {
    super("UNSUPPORTED_VERSION", known ? `API key ${apiKey} has no version ${apiVersion}` : `unknown API key ${apiKey}`,
      { apiKey, apiVersion, correlationId });
    this.name = "UnsupportedRequestError";
    this.apiKey = apiKey;
    this.apiVersion = apiVersion;
    this.correlationId = correlationId;
  }
}

/** Bytes every request header version starts with: apiKey, apiVersion, correlationId. */
const REQUEST_HEADER_PREFIX_BYTES = 8;

/** Adds request context to a decode error, keeping its code. */
function withContext(e: unknown, details: Record<string, unknown>): unknown {
  if (!(e instanceof StreamBusError)) return e; // AssertionErrors are bugs: let them through untouched
  return new StreamBusError(e.code, e.message, { ...e.details, ...details }, { cause: e });
}

/**
 * Decodes one request frame (the bytes after the length prefix). Throws UnsupportedRequestError for
 * unknown keys or versions, and MALFORMED_FRAME / FRAME_TOO_LARGE (with apiKey and correlationId in
 * `details` once they are known) for bad bytes.
 *
 * @example
 * for (const frame of splitter.push(chunk)) {
 *   const { header, apiKey, apiVersion, body } = decodeRequest(frame, limits);
 * }
 */
export function decodeRequest(frame: Uint8Array, limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS): DecodedRequest {
  if (frame.length > limits.maxFrameBytes) throw new StreamBusError("FRAME_TOO_LARGE", `frame of ${frame.length} bytes exceeds maxFrameBytes ${limits.maxFrameBytes}`);
  if (frame.length < REQUEST_HEADER_PREFIX_BYTES) throw new StreamBusError("MALFORMED_FRAME", `request frame of ${frame.length} bytes is shorter than a header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const apiKey = view.getInt16(0);
  const apiVersion = view.getInt16(2);
  const correlationId = view.getInt32(4);
  const api = apiByKey(apiKey);
  if (api === undefined || apiVersion < api.validVersions.min || apiVersion > api.validVersions.max) {
    throw new UnsupportedRequestError(apiKey, apiVersion, correlationId, api !== undefined);
  }
  const r = new Reader(frame, limits);
  try {
    const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
    const body = decodeMessageFrom(r, api.request, apiVersion) as Body;
    if (r.remaining() !== 0) throw new StreamBusError("MALFORMED_FRAME", `${r.remaining()} bytes left after the request body`);
    return { header, apiKey, apiVersion, api, body };
  } catch (e) {
    throw withContext(e, { apiKey, apiVersion, correlationId });
  }
}

function schemaOf(apiKey: number, apiVersion: number, side: "request" | "response"): MessageSchema {
  const api = apiByKey(apiKey);
  if (api === undefined) throw new UnsupportedRequestError(apiKey, apiVersion, -1, false);
  return api[side];
}

function writeResponseFrame(w: Writer, header: ResponseHeader, apiKey: number, apiVersion: number, body: Body): void {
  const schema = schemaOf(apiKey, apiVersion, "response");
  w.int32(0); // length, patched below
  writeResponseHeader(w, header, responseHeaderVersion(apiKey, apiVersion));
  encodeMessageInto(w, schema, apiVersion, body as Input<MessageSchema>);
  w.patchInt32(0, w.pos - FRAME_LENGTH_BYTES);
}

/**
 * Encodes a response with its length prefix, ready for the socket.
 *
 * @example
 * socket.write(encodeResponse({ correlationId }, 3, 1, { brokers: [...], controllerId: 1, topics: [] }));
 */
export function encodeResponse(header: ResponseHeader, apiKey: number, apiVersion: number, body: Body): Uint8Array {
  // Responses are encoded per request and only sent: slab memory (byte-slab.ts).
  const w = new Writer(512, { slab: true });
  writeResponseFrame(w, header, apiKey, apiVersion, body);
  return w.finish();
}

/**
 * Encodes a response with its length prefix as parts to write in order: byte arrays in the body of at
 * least `gatherMinBytes` (Fetch record sets) are referenced, not copied, so they must not change until
 * written. The parts concatenated equal `encodeResponse`'s bytes; a response without such arrays is one part.
 *
 * @example
 * for (const part of encodeResponseParts({ correlationId }, 1, 12, fetchBody, 32 * 1024)) socket.write(part);
 */
export function encodeResponseParts(header: ResponseHeader, apiKey: number, apiVersion: number, body: Body, gatherMinBytes: number): Uint8Array[] {
  const w = new Writer(512, { gatherMinBytes, slab: true });
  writeResponseFrame(w, header, apiKey, apiVersion, body);
  return w.finishParts();
}

/**
 * Encodes a request with its length prefix (client side).
 *
 * @example
 * socket.write(encodeRequest({ correlationId: 1, clientId: "cli" }, 18, 3, { clientSoftwareName: "streambus", clientSoftwareVersion: "0.1.0" }));
 */
export function encodeRequest(header: RequestHeaderInput, apiKey: number, apiVersion: number, body: Body): Uint8Array {
  const w = new Writer(512);
  writeRequestFrame(w, header, apiKey, apiVersion, body);
  return w.finish();
}

/**
 * Encodes a request as parts to write in order, referencing byte arrays of at least `gatherMinBytes`
 * (Produce record batches) instead of copying them; they must not change until written. The parts
 * concatenated equal `encodeRequest`'s bytes.
 *
 * @example
 * for (const part of encodeRequestParts({ correlationId: 7, clientId: "app" }, 0, 9, produceBody, 32 * 1024)) socket.write(part);
 */
export function encodeRequestParts(header: RequestHeaderInput, apiKey: number, apiVersion: number, body: Body, gatherMinBytes: number): Uint8Array[] {
  const w = new Writer(512, { gatherMinBytes });
  writeRequestFrame(w, header, apiKey, apiVersion, body);
  return w.finishParts();
}

type RequestHeaderInput = Pick<RequestHeader, "correlationId" | "clientId" | "_unknownTaggedFields">;

function writeRequestFrame(w: Writer, header: RequestHeaderInput, apiKey: number, apiVersion: number, body: Body): void {
  const schema = schemaOf(apiKey, apiVersion, "request");
  w.int32(0); // length, patched below
  const full: RequestHeader = { ...header, apiKey, apiVersion };
  writeRequestHeader(w, full, requestHeaderVersion(apiKey, apiVersion));
  encodeMessageInto(w, schema, apiVersion, body as Input<MessageSchema>);
  w.patchInt32(0, w.pos - FRAME_LENGTH_BYTES);
}

/** The correlation id of a response frame (its first 4 bytes), to find the request it answers. */
export function peekCorrelationId(frame: Uint8Array): number {
  if (frame.length < 4) throw new StreamBusError("MALFORMED_FRAME", `response frame of ${frame.length} bytes has no correlation id`);
  return new DataView(frame.buffer, frame.byteOffset, 4).getInt32(0);
}

/** Decodes a response frame (after the length prefix) for the request it answers (client side). */
export function decodeResponse(
  frame: Uint8Array, apiKey: number, apiVersion: number, limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS,
): { header: ResponseHeader; body: Body } {
  const schema = schemaOf(apiKey, apiVersion, "response");
  const r = new Reader(frame, limits);
  try {
    const header = readResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
    const body = decodeMessageFrom(r, schema, apiVersion) as Body;
    if (r.remaining() !== 0) throw new StreamBusError("MALFORMED_FRAME", `${r.remaining()} bytes left after the response body`);
    return { header, body };
  } catch (e) {
    throw withContext(e, { apiKey, apiVersion });
  }
}
