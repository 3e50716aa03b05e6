/**
 * Read-only views of groups for ListGroups and DescribeGroups, shaped like their responses.
 * As in Kafka, member metadata and assignments are shown only while the group is Stable (before that
 * they belong to a generation still being formed).
 */
import { type ErrorCode } from "../../protocol/errors.ts";
import { ClassicGroup, wire } from "./group.ts";
import { EMPTY_BYTES } from "./member.ts";

/** A ListGroups entry (ListedGroup fields). */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

/** A DescribeGroups entry (DescribedGroup fields). */
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string;
    memberMetadata: Uint8Array; memberAssignment: Uint8Array;
  }[];
}

/** Every group here is a "classic" group (KIP-848 consumer groups do not exist here yet). */
export const CLASSIC_GROUP_TYPE = "classic";

/** The ListGroups entry of a group. */
export function listedGroup(g: ClassicGroup): ListedGroup {
  return { groupId: g.groupId, protocolType: g.protocolType ?? "", groupState: g.state, groupType: CLASSIC_GROUP_TYPE };
}

/** Whether a group passes ListGroups' filters (v4+ states, v5+ types; empty means all; case-insensitive). */
export function matchesFilters(g: ClassicGroup, statesFilter: readonly string[], typesFilter: readonly string[]): boolean {
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
  if (statesFilter.length > 0 && !lower(statesFilter).includes(g.state.toLowerCase())) return false;
  if (typesFilter.length > 0 && !lower(typesFilter).includes(CLASSIC_GROUP_TYPE)) return false;
  return true;
}

/** The DescribeGroups entry of a group; `undefined` describes as Dead with no error, as Kafka does. */
export function describedGroup(groupId: string, g: ClassicGroup | undefined): DescribedGroup {
  if (g === undefined) return { errorCode: 0, groupId, groupState: "Dead", protocolType: "", protocolData: "", members: [] };
  const stable = g.state === "Stable";
  const protocol = stable ? g.protocolName : null;
  return {
    errorCode: 0,
    groupId,
    groupState: g.state,
    protocolType: g.protocolType ?? "",
    protocolData: protocol ?? "",
    members: [...g.members.values()].map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
      memberMetadata: protocol === null ? EMPTY_BYTES : (m.metadataFor(protocol) ?? EMPTY_BYTES),
      memberAssignment: stable ? m.assignment : EMPTY_BYTES,
    })),
  };
}

/** A DescribeGroups entry carrying only an error. */
export function describeError(groupId: string, code: ErrorCode): DescribedGroup {
  return { errorCode: wire(code), groupId, groupState: "", protocolType: "", protocolData: "", members: [] };
}
