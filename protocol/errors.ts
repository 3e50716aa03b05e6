/**
 * The one error table of StreamBus. The wire protocol, the SDK, the CLI's exit codes and the HTTP API
 * all map failures through this table, so a failure has the same name everywhere.
 *
 * Codes are Kafka's error names where Kafka has the error (numbers from the public protocol guide),
 * and our own names otherwise (those have no Kafka code and map to UNKNOWN_SERVER_ERROR on the wire).
 */

/** CLI exit codes. Stable: scripts depend on them (docs/errors.md). */
export const ExitCode = {
  OK: 0,
  GENERAL: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  UNREACHABLE: 5,
  TIMEOUT: 6,
  AUTH_FAILED: 7,
  INVALID_CONFIG: 8,
  NOT_AVAILABLE_YET: 9,
  DATA_ERROR: 10,
  PARTIAL_FAILURE: 11,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorSpec {
  /** Kafka's numeric error code, or null where Kafka has no such error. */
  readonly kafkaCode: number | null;
  /** True when the same request may succeed if retried (after a metadata refresh or a backoff). */
  readonly retriable: boolean;
  readonly exitCode: ExitCode;
  readonly httpStatus: number;
  readonly message: string;
}

const E = ExitCode;
function spec(kafkaCode: number | null, retriable: boolean, exitCode: ExitCode, httpStatus: number, message: string): ErrorSpec {
  return { kafkaCode, retriable, exitCode, httpStatus, message };
}

/** Every error StreamBus can report, by stable code. */
export const ERRORS = {
  UNKNOWN_SERVER_ERROR: spec(-1, false, E.GENERAL, 500, "The server experienced an unexpected error."),
  OFFSET_OUT_OF_RANGE: spec(1, false, E.GENERAL, 416, "The requested offset is outside the range of offsets kept for the partition."),
  CORRUPT_MESSAGE: spec(2, true, E.DATA_ERROR, 422, "A record batch failed its CRC or size check, or a log file is corrupt."),
  UNKNOWN_TOPIC_OR_PARTITION: spec(3, true, E.NOT_FOUND, 404, "This topic or partition does not exist."),
  INVALID_FETCH_SIZE: spec(4, false, E.USAGE, 400, "The requested fetch size is invalid."),
  LEADER_NOT_AVAILABLE: spec(5, true, E.UNREACHABLE, 503, "There is no leader for this partition right now."),
  NOT_LEADER_OR_FOLLOWER: spec(6, true, E.UNREACHABLE, 503, "This broker is not the leader or a follower of the partition."),
  REQUEST_TIMED_OUT: spec(7, true, E.TIMEOUT, 504, "The request timed out."),
  BROKER_NOT_AVAILABLE: spec(8, true, E.UNREACHABLE, 503, "The broker is not available."),
  MESSAGE_TOO_LARGE: spec(10, false, E.DATA_ERROR, 413, "The record batch is larger than the maximum allowed size."),
  OFFSET_METADATA_TOO_LARGE: spec(12, false, E.USAGE, 413, "The committed offset's metadata string is too large."),
  NETWORK_EXCEPTION: spec(13, true, E.UNREACHABLE, 503, "The connection to the broker was lost."),
  COORDINATOR_LOAD_IN_PROGRESS: spec(14, true, E.UNREACHABLE, 503, "The coordinator is loading its state."),
  COORDINATOR_NOT_AVAILABLE: spec(15, true, E.UNREACHABLE, 503, "The coordinator is not available."),
  NOT_COORDINATOR: spec(16, true, E.UNREACHABLE, 503, "This broker is not the coordinator."),
  INVALID_TOPIC_EXCEPTION: spec(17, false, E.USAGE, 400, "The topic name is invalid or the topic is internal."),
  RECORD_LIST_TOO_LARGE: spec(18, false, E.DATA_ERROR, 413, "The produce request is larger than the maximum allowed size."),
  NOT_ENOUGH_REPLICAS: spec(19, true, E.UNREACHABLE, 503, "Fewer in-sync replicas than min.insync.replicas."),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: spec(20, true, E.UNREACHABLE, 503, "The write was appended to fewer in-sync replicas than required."),
  INVALID_REQUIRED_ACKS: spec(21, false, E.USAGE, 400, "acks must be -1 (all), 0 or 1."),
  ILLEGAL_GENERATION: spec(22, false, E.GENERAL, 409, "The group generation is stale."),
  INCONSISTENT_GROUP_PROTOCOL: spec(23, false, E.GENERAL, 409, "The member's group protocols do not match the group's."),
  INVALID_GROUP_ID: spec(24, false, E.USAGE, 400, "The group id is invalid."),
  UNKNOWN_MEMBER_ID: spec(25, false, E.GENERAL, 409, "The member id is not known to the coordinator."),
  INVALID_SESSION_TIMEOUT: spec(26, false, E.USAGE, 400, "The session timeout is outside the allowed range."),
  REBALANCE_IN_PROGRESS: spec(27, false, E.GENERAL, 409, "The group is rebalancing."),
  TOPIC_AUTHORIZATION_FAILED: spec(29, false, E.AUTH_FAILED, 403, "Not authorized to access this topic."),
  GROUP_AUTHORIZATION_FAILED: spec(30, false, E.AUTH_FAILED, 403, "Not authorized to access this group."),
  CLUSTER_AUTHORIZATION_FAILED: spec(31, false, E.AUTH_FAILED, 403, "Not authorized for this cluster operation."),
  INVALID_TIMESTAMP: spec(32, false, E.DATA_ERROR, 400, "A timestamp is out of the acceptable range."),
  UNSUPPORTED_VERSION: spec(35, false, E.GENERAL, 400, "This version of the API is not supported."),
  TOPIC_ALREADY_EXISTS: spec(36, false, E.ALREADY_EXISTS, 409, "The topic already exists."),
  INVALID_PARTITIONS: spec(37, false, E.USAGE, 400, "The number of partitions is invalid."),
  INVALID_REPLICATION_FACTOR: spec(38, false, E.USAGE, 400, "The replication factor is invalid."),
  INVALID_REPLICA_ASSIGNMENT: spec(39, false, E.USAGE, 400, "The replica assignment is invalid."),
  INVALID_CONFIG: spec(40, false, E.INVALID_CONFIG, 400, "The configuration is invalid."),
  NOT_CONTROLLER: spec(41, true, E.UNREACHABLE, 503, "This broker is not the active controller."),
  INVALID_REQUEST: spec(42, false, E.USAGE, 400, "The request is malformed."),
  POLICY_VIOLATION: spec(44, false, E.GENERAL, 400, "The request violates a configured policy."),
  OUT_OF_ORDER_SEQUENCE_NUMBER: spec(45, false, E.DATA_ERROR, 409, "The producer sequence number is out of order."),
  DUPLICATE_SEQUENCE_NUMBER: spec(46, false, E.DATA_ERROR, 409, "The producer sent a duplicate sequence number."),
  INVALID_PRODUCER_EPOCH: spec(47, false, E.GENERAL, 409, "The producer epoch is stale."),
  KAFKA_STORAGE_ERROR: spec(56, true, E.GENERAL, 500, "The broker's storage failed for this partition."),
  SASL_AUTHENTICATION_FAILED: spec(58, false, E.AUTH_FAILED, 401, "SASL authentication failed."),
  UNKNOWN_PRODUCER_ID: spec(59, false, E.GENERAL, 409, "The producer id is not known to the broker."),
  NON_EMPTY_GROUP: spec(68, false, E.GENERAL, 409, "The group is not empty."),
  GROUP_ID_NOT_FOUND: spec(69, false, E.NOT_FOUND, 404, "The group does not exist."),
  FENCED_LEADER_EPOCH: spec(74, true, E.GENERAL, 409, "The leader epoch in the request is older than the broker's."),
  UNKNOWN_LEADER_EPOCH: spec(75, true, E.GENERAL, 409, "The leader epoch in the request is newer than the broker's."),
  UNSUPPORTED_COMPRESSION_TYPE: spec(76, false, E.DATA_ERROR, 400, "The compression type is not supported."),
  OFFSET_NOT_AVAILABLE: spec(78, true, E.GENERAL, 503, "The leader's high watermark has not caught up yet."),
  MEMBER_ID_REQUIRED: spec(79, false, E.GENERAL, 409, "The group member must rejoin with the member id it was given."),
  GROUP_MAX_SIZE_REACHED: spec(81, false, E.GENERAL, 409, "The group has reached its maximum size."),
  FENCED_INSTANCE_ID: spec(82, false, E.GENERAL, 409, "A newer member with the same group instance id has joined."),
  GROUP_SUBSCRIBED_TO_TOPIC: spec(86, false, E.GENERAL, 409, "The group is subscribed to the topic, so its offsets cannot be deleted."),
  INVALID_RECORD: spec(87, false, E.DATA_ERROR, 400, "A record failed validation."),
  UNKNOWN_TOPIC_ID: spec(100, true, E.NOT_FOUND, 404, "This topic id does not exist."),
  // StreamBus's own codes (no Kafka equivalent: sent as UNKNOWN_SERVER_ERROR or KAFKA_STORAGE_ERROR on the wire).
  DISK_FULL: spec(null, true, E.GENERAL, 507, "The disk is full; the write was not stored."),
  TIMEOUT: spec(null, true, E.TIMEOUT, 504, "The operation did not finish in time."),
  UNAVAILABLE: spec(null, true, E.UNREACHABLE, 503, "The broker or service cannot be reached."),
  AUTH_FAILED: spec(null, false, E.AUTH_FAILED, 401, "Authentication failed."),
  USAGE: spec(null, false, E.USAGE, 400, "The command was used incorrectly."),
  NOT_AVAILABLE_YET: spec(null, false, E.NOT_AVAILABLE_YET, 501, "This feature is not available in this version yet."),
  NOT_FOUND: spec(null, false, E.NOT_FOUND, 404, "The requested resource does not exist."),
  ALREADY_EXISTS: spec(null, false, E.ALREADY_EXISTS, 409, "The resource already exists."),
  FRAME_TOO_LARGE: spec(null, false, E.DATA_ERROR, 413, "A frame is larger than maxFrameBytes."),
  MALFORMED_FRAME: spec(null, false, E.DATA_ERROR, 400, "A frame or field could not be decoded."),
  LIMIT_EXCEEDED: spec(null, false, E.DATA_ERROR, 413, "A stated limit was exceeded."),
  STORAGE_ERROR: spec(null, false, E.GENERAL, 500, "A storage operation failed."),
  PARTITION_OFFLINE: spec(null, false, E.DATA_ERROR, 503, "The partition is offline after a storage failure."),
  SHUTTING_DOWN: spec(null, true, E.UNREACHABLE, 503, "The component is shutting down."),
  PARTIAL_FAILURE: spec(null, false, E.PARTIAL_FAILURE, 500, "Some items of the operation failed."),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** Codes whose wire mapping is not UNKNOWN_SERVER_ERROR although they have no Kafka code. */
const WIRE_FALLBACK: Partial<Record<ErrorCode, ErrorCode>> = {
  DISK_FULL: "KAFKA_STORAGE_ERROR",
  STORAGE_ERROR: "KAFKA_STORAGE_ERROR",
  PARTITION_OFFLINE: "KAFKA_STORAGE_ERROR",
  TIMEOUT: "REQUEST_TIMED_OUT",
  FRAME_TOO_LARGE: "INVALID_REQUEST",
  MALFORMED_FRAME: "INVALID_REQUEST",
  LIMIT_EXCEEDED: "INVALID_REQUEST",
  SHUTTING_DOWN: "BROKER_NOT_AVAILABLE",
  UNAVAILABLE: "BROKER_NOT_AVAILABLE",
  AUTH_FAILED: "SASL_AUTHENTICATION_FAILED",
};

const BY_KAFKA_CODE = new Map<number, ErrorCode>();
for (const [code, s] of Object.entries(ERRORS) as [ErrorCode, ErrorSpec][]) {
  if (s.kafkaCode !== null) BY_KAFKA_CODE.set(s.kafkaCode, code);
}

/**
 * The one error type of StreamBus. Carries a stable `code` from {@link ERRORS}.
 *
 * @example
 * throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "orders" does not exist`);
 */
export class StreamBusError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = "StreamBusError";
    this.code = code;
    this.details = details;
  }

  get retriable(): boolean { return ERRORS[this.code].retriable; }
  get exitCode(): ExitCode { return ERRORS[this.code].exitCode; }
  get httpStatus(): number { return ERRORS[this.code].httpStatus; }
  /** The Kafka error code to put on the wire for this error. */
  get kafkaCode(): number { return kafkaCodeOf(this.code); }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** The Kafka wire code for an error code (our own codes map to their nearest Kafka error). */
export function kafkaCodeOf(code: ErrorCode): number {
  const direct = ERRORS[code].kafkaCode;
  if (direct !== null) return direct;
  const fallback = WIRE_FALLBACK[code];
  return fallback ? (ERRORS[fallback].kafkaCode as number) : -1;
}

/** The error code for a Kafka wire error code; 0 (no error) gives null. Unknown numbers give UNKNOWN_SERVER_ERROR. */
export function errorCodeFromKafka(kafkaCode: number): ErrorCode | null {
  if (kafkaCode === 0) return null;
  return BY_KAFKA_CODE.get(kafkaCode) ?? "UNKNOWN_SERVER_ERROR";
}

/** True when `e` is a StreamBusError, optionally with one of the given codes. */
export function isStreamBusError(e: unknown, ...codes: ErrorCode[]): e is StreamBusError {
  return e instanceof StreamBusError && (codes.length === 0 || codes.includes(e.code));
}

/** Turns any thrown value into a StreamBusError (unknown failures become UNKNOWN_SERVER_ERROR with the cause kept). */
export function toStreamBusError(e: unknown): StreamBusError {
  if (e instanceof StreamBusError) return e;
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err === "object" && err.code === "ENOSPC") return new StreamBusError("DISK_FULL", err.message, undefined, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new StreamBusError("UNKNOWN_SERVER_ERROR", message, undefined, { cause: e });
}

/** Fails loudly when a core invariant does not hold. Kept on in production (TigerBeetle style). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** A broken invariant: a bug, never an expected failure. Not a StreamBusError on purpose. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = "AssertionError";
  }
}
