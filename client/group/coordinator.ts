/**
 * Finding a group's coordinator (FindCoordinator, key type 0) outside the membership loop: for
 * commits, offset fetches and the admin. Both response layouts are read (v4+ batches keys).
 */
import { StreamBusError, errorCodeFromKafka } from "../../protocol/errors.ts";
import type { ResponseOf } from "../apis.ts";
import { retry } from "../backoff.ts";
import type { Cluster } from "../cluster.ts";

/** The error code and node of the first (only) coordinator in a FindCoordinator response. */
export function coordinatorOf(res: ResponseOf<"FindCoordinator">): { errorCode: number; nodeId: number } {
  const c = res.coordinators[0];
  return c !== undefined ? { errorCode: c.errorCode, nodeId: c.nodeId } : { errorCode: res.errorCode, nodeId: res.nodeId };
}

/**
 * The coordinator's node id; COORDINATOR_NOT_AVAILABLE and friends are retried for up to `deadlineMs`.
 *
 * @example
 * const nodeId = await findCoordinator(cluster, "billing");
 * await cluster.request(nodeId, "DescribeGroups", { groups: ["billing"] });
 */
export function findCoordinator(cluster: Cluster, groupId: string, deadlineMs = 30_000): Promise<number> {
  return retry(async () => {
    const res = await cluster.request("any", "FindCoordinator", { key: groupId, keyType: 0, coordinatorKeys: [groupId] });
    const { errorCode, nodeId } = coordinatorOf(res);
    const code = errorCodeFromKafka(errorCode);
    if (code !== null) throw new StreamBusError(code, `FindCoordinator for group "${groupId}" failed: ${code}`, { groupId });
    return nodeId;
  }, { ...cluster.retryBackoff, deadlineMs });
}

/**
 * Runs `op` against the group's coordinator, finding it again when the coordinator moved
 * (NOT_COORDINATOR etc. are retriable, so `retry` re-runs the lookup).
 */
export function withCoordinator<T>(cluster: Cluster, groupId: string, op: (nodeId: number) => Promise<T>, deadlineMs = 30_000): Promise<T> {
  return retry(async () => op(await findCoordinator(cluster, groupId, deadlineMs)), { ...cluster.retryBackoff, deadlineMs });
}
