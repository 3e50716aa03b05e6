/**
 * Limits of the group coordinator, with Kafka's broker defaults where Kafka has one, and their
 * relationships asserted once, at load. Kafka's config names appear only in the comments.
 */
import { assert } from "../../protocol/errors.ts";

/** Every limit of the group coordinator (units last). */
export interface GroupLimits {
  /** Smallest session timeout a member may ask for (group.min.session.timeout.ms). */
  readonly sessionTimeoutMsMin: number;
  /** Largest session timeout a member may ask for (group.max.session.timeout.ms). */
  readonly sessionTimeoutMsMax: number;
  /** Most members (joined plus pending) in one group (group.max.size). */
  readonly groupMembersMax: number;
  /** Longest group id, in UTF-8 bytes. Kafka has no limit; ours keeps keys and maps bounded. */
  readonly groupIdBytesMax: number;
  /**
   * Longest protocol type, protocol name or group instance id a JoinGroup may carry, in UTF-8 bytes.
   * Kafka has no limit, but the group record stores them (and member ids built from instance ids) as
   * int16-length strings: longer ones, possible in flexible versions, could never be persisted.
   */
  readonly joinStringBytesMax: number;
  /** Wait before completing the first rebalance of an Empty group, so members starting together land in one generation (group.initial.rebalance.delay.ms). */
  readonly initialRebalanceDelayMs: number;
  /** How long a new member parked in JoinGroup is kept when the join phase does not finish (Kafka's fixed 5 minutes). */
  readonly newMemberJoinTimeoutMs: number;
  /** Longest metadata string on a committed offset (offset.metadata.max.bytes). */
  readonly offsetMetadataBytesMax: number;
  /** How long an Empty group's offsets are kept (offsets.retention.minutes, 7 days): from when it became Empty, or from the commit for groups that never had members. */
  readonly offsetsRetentionMs: number;
  /** How long an Empty group without offsets lingers before it is deleted (Kafka's cleanup runs every offsets.retention.check.interval.ms, 10 minutes). */
  readonly emptyGroupRetentionMs: number;
  /** Most groups one coordinator holds; a join that would create one more fails with COORDINATOR_NOT_AVAILABLE. */
  readonly groupsMax: number;
  /** Most committed offsets one group holds. */
  readonly offsetsPerGroupMax: number;
}

/** Room a member id needs past its prefix (a dash and a UUID, with margin). */
export const MEMBER_ID_SUFFIX_BYTES_MAX = 64;

/** Kafka's defaults where Kafka has one. */
export const DEFAULT_GROUP_LIMITS: GroupLimits = Object.freeze({
  sessionTimeoutMsMin: 6_000,
  sessionTimeoutMsMax: 300_000,
  groupMembersMax: 1_000,
  groupIdBytesMax: 255,
  joinStringBytesMax: 1_024,
  initialRebalanceDelayMs: 3_000,
  newMemberJoinTimeoutMs: 300_000,
  offsetMetadataBytesMax: 4_096,
  offsetsRetentionMs: 7 * 24 * 3_600_000,
  emptyGroupRetentionMs: 600_000,
  groupsMax: 100_000,
  offsetsPerGroupMax: 1_000_000,
});

/**
 * Builds limits from overrides and asserts their relationships once.
 *
 * @example
 * const limits = groupLimits({ initialRebalanceDelayMs: 0 }); // tests: no first-join delay
 */
export function groupLimits(overrides: Partial<GroupLimits> = {}): GroupLimits {
  const limits = { ...DEFAULT_GROUP_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    assert(Number.isSafeInteger(value) && value >= 0, `${name} must be a non-negative integer, got ${value}`);
  }
  assert(limits.sessionTimeoutMsMin <= limits.sessionTimeoutMsMax, "sessionTimeoutMsMin <= sessionTimeoutMsMax");
  assert(limits.groupMembersMax >= 1, "groupMembersMax >= 1");
  assert(limits.groupIdBytesMax >= 1 && limits.groupIdBytesMax <= 0x7fff, "groupIdBytesMax fits a Kafka string");
  // Member ids are `${instance id or client id prefix}-${uuid}`: they must fit an int16-length string too.
  assert(limits.joinStringBytesMax >= 1 && limits.joinStringBytesMax <= 0x7fff - MEMBER_ID_SUFFIX_BYTES_MAX, "joinStringBytesMax leaves room for member ids");
  return Object.freeze(limits);
}
