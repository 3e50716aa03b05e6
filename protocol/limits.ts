/**
 * Size limits for decoding untrusted Kafka frames. Every length read from the wire is checked against
 * the bytes that remain AND one of these maxima before anything is allocated, so a lying length can
 * neither read past the frame nor make us allocate more than the frame could hold.
 */
import { assert } from "./errors.ts";

/** Maxima applied while decoding (units last in every name). */
export interface ProtocolLimits {
  /** Largest frame body accepted after the 4-byte length prefix (Kafka: socket.request.max.bytes). */
  readonly maxFrameBytes: number;
  /** Largest UTF-8 string field. Classic strings cannot exceed 32767 bytes anyway. */
  readonly maxStringBytes: number;
  /** Largest `bytes` or `records` field. */
  readonly maxBytesFieldBytes: number;
  /** Most elements in one array field. */
  readonly maxArrayLength: number;
  /** Most tagged fields in one tagged-field section. */
  readonly maxTaggedFieldCount: number;
}

/** Defaults matching Kafka's broker defaults where Kafka has one (100 MiB requests). */
export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = Object.freeze({
  maxFrameBytes: 100 * 1024 * 1024,
  maxStringBytes: 1024 * 1024,
  maxBytesFieldBytes: 100 * 1024 * 1024,
  maxArrayLength: 1_000_000,
  maxTaggedFieldCount: 1024,
});

/**
 * Builds limits from overrides and asserts their relationships once, at load.
 *
 * @example
 * const limits = protocolLimits({ maxFrameBytes: 1 << 20, maxBytesFieldBytes: 1 << 20 });
 */
export function protocolLimits(overrides: Partial<ProtocolLimits> = {}): ProtocolLimits {
  const limits = { ...DEFAULT_PROTOCOL_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    assert(Number.isSafeInteger(value) && value >= 0, `${name} must be a non-negative integer, got ${value}`);
  }
  // A 4-byte length prefix caps frames at 2^31-1 bytes; a field can never be larger than its frame.
  assert(limits.maxFrameBytes <= 0x7fffffff, "maxFrameBytes must fit in an int32");
  assert(limits.maxBytesFieldBytes <= limits.maxFrameBytes, "maxBytesFieldBytes must not exceed maxFrameBytes");
  assert(limits.maxStringBytes <= limits.maxFrameBytes, "maxStringBytes must not exceed maxFrameBytes");
  return Object.freeze(limits);
}
