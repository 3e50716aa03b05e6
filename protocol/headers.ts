/**
 * Kafka request and response headers.
 *
 * Request header v1: apiKey int16, apiVersion int16, correlationId int32, clientId nullable string;
 * v2 adds a tagged-field section. clientId keeps its classic int16 length even in v2, so any broker
 * can read the header of an ApiVersions request whatever its version. (v0, without clientId, is only
 * used by ControlledShutdown v0, which we do not speak.)
 * Response header v0: correlationId int32; v1 adds a tagged-field section.
 * A flexible API version uses request header v2 and response header v1, except that ApiVersions
 * responses always use header v0: a client parses them before it knows what the broker speaks.
 */
import { StreamBusError } from "./errors.ts";
import { API_KEYS, isFlexible } from "./apis.ts";
import type { Reader, Writer } from "./primitives.ts";
import type { RawTaggedField } from "./schema.ts";

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Header tagged fields we do not know, kept so re-encoding preserves them. */
  _unknownTaggedFields?: RawTaggedField[];
}

export interface ResponseHeader {
  correlationId: number;
  _unknownTaggedFields?: RawTaggedField[];
}

const API_VERSIONS_KEY = API_KEYS.ApiVersions!;

/** The request header version for (apiKey, apiVersion): 2 when flexible, else 1. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/** The response header version: 1 when flexible, else 0; always 0 for ApiVersions. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

/** Reads a header's tagged-field section; none of our header versions defines a tag, so all are kept raw. */
export function readRawTaggedFields(r: Reader): RawTaggedField[] | undefined {
  const count = r.taggedFieldCount();
  if (count === 0) return undefined;
  const fields: RawTaggedField[] = [];
  let lastTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.unsignedVarint();
    if (tag <= lastTag) throw new StreamBusError("MALFORMED_FRAME", `header tagged fields out of order (tag ${tag} after ${lastTag})`);
    lastTag = tag;
    fields.push({ tag, data: r.raw(r.unsignedVarint()) });
  }
  return fields;
}

/** Writes a tagged-field section made only of raw fields (sorted by tag). */
export function writeRawTaggedFields(w: Writer, fields: readonly RawTaggedField[] | undefined): void {
  if (fields === undefined || fields.length === 0) {
    w.unsignedVarint(0);
    return;
  }
  const sorted = [...fields].sort((a, b) => a.tag - b.tag);
  w.unsignedVarint(sorted.length);
  for (const f of sorted) {
    w.unsignedVarint(f.tag);
    w.unsignedVarint(f.data.length);
    w.raw(f.data);
  }
}

/** Reads a request header of the given version (1 or 2). */
export function readRequestHeader(r: Reader, version: 1 | 2): RequestHeader {
  const header: RequestHeader = { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32(), clientId: r.nullableString() };
  if (version === 2) {
    const tags = readRawTaggedFields(r);
    if (tags !== undefined) header._unknownTaggedFields = tags;
  }
  return header;
}

/** Writes a request header of the given version (1 or 2). */
export function writeRequestHeader(w: Writer, header: RequestHeader, version: 1 | 2): void {
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  w.nullableString(header.clientId);
  if (version === 2) writeRawTaggedFields(w, header._unknownTaggedFields);
}

/** Reads a response header of the given version (0 or 1). */
export function readResponseHeader(r: Reader, version: 0 | 1): ResponseHeader {
  const header: ResponseHeader = { correlationId: r.int32() };
  if (version === 1) {
    const tags = readRawTaggedFields(r);
    if (tags !== undefined) header._unknownTaggedFields = tags;
  }
  return header;
}

/** Writes a response header of the given version (0 or 1). */
export function writeResponseHeader(w: Writer, header: ResponseHeader, version: 0 | 1): void {
  w.int32(header.correlationId);
  if (version === 1) writeRawTaggedFields(w, header._unknownTaggedFields);
}
