/** FindCoordinator (key 10): the broker leading the group's `__consumer_offsets` partition (v4+: many keys). */
import { kafkaCodeOf, type ErrorCode } from "../../protocol/errors.ts";
import { FindCoordinatorRequest, FindCoordinatorResponse } from "../../protocol/schemas/find-coordinator.ts";
import type { BrokerCore } from "../core.ts";
import { defineHandler } from "../handler.ts";

const KEY_TYPE_GROUP = 0;

function lookup(b: BrokerCore, key: string, keyType: number): { nodeId: number; host: string; port: number; error: ErrorCode | null } {
  const none = { nodeId: -1, host: "", port: -1 };
  // Transaction coordinators (key type 1) come with transactions.
  if (keyType !== KEY_TYPE_GROUP) return { ...none, error: "COORDINATOR_NOT_AVAILABLE" };
  if (key.length === 0) return { ...none, error: "INVALID_GROUP_ID" };
  const error = b.groups.coordinatorError(key);
  if (error && error !== "COORDINATOR_LOAD_IN_PROGRESS") return { ...none, error: "COORDINATOR_NOT_AVAILABLE" };
  // While loading, point at ourselves: group calls then answer COORDINATOR_LOAD_IN_PROGRESS and clients retry.
  return { nodeId: b.nodeId, host: b.advertised.host, port: b.advertised.port, error: null };
}

export const findCoordinatorHandler = defineHandler({
  request: FindCoordinatorRequest,
  response: FindCoordinatorResponse,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const b = ctx.broker;
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: req.coordinatorKeys.map((key) => {
          const r = lookup(b, key, req.keyType);
          return { key, nodeId: r.nodeId, host: r.host, port: r.port, errorCode: r.error ? kafkaCodeOf(r.error) : 0, errorMessage: null };
        }),
      };
    }
    const r = lookup(b, req.key, req.keyType);
    return { throttleTimeMs: 0, errorCode: r.error ? kafkaCodeOf(r.error) : 0, errorMessage: null, nodeId: r.nodeId, host: r.host, port: r.port };
  },
});
