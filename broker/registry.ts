/**
 * Every Kafka API this broker implements, registered once. ApiVersions advertises exactly these
 * (apiKey, minVersion..maxVersion) ranges.
 */
import type { Handler } from "./handler.ts";
import { alterConfigsHandler } from "./handlers/alter-configs.ts";
import { apiVersionsHandler } from "./handlers/api-versions.ts";
import { createPartitionsHandler } from "./handlers/create-partitions.ts";
import { createTopicsHandler } from "./handlers/create-topics.ts";
import { deleteRecordsHandler } from "./handlers/delete-records.ts";
import { deleteTopicsHandler } from "./handlers/delete-topics.ts";
import { describeClusterHandler } from "./handlers/describe-cluster.ts";
import { describeConfigsHandler } from "./handlers/describe-configs.ts";
import { fetchHandler } from "./handlers/fetch.ts";
import { incrementalAlterConfigsHandler } from "./handlers/incremental-alter-configs.ts";
import { listOffsetsHandler } from "./handlers/list-offsets.ts";
import { metadataHandler } from "./handlers/metadata.ts";
import { offsetForLeaderEpochHandler } from "./handlers/offset-for-leader-epoch.ts";
import { produceHandler } from "./handlers/produce.ts";
import { findCoordinatorHandler } from "./handlers/find-coordinator.ts";
import { joinGroupHandler } from "./handlers/join-group.ts";
import { syncGroupHandler } from "./handlers/sync-group.ts";
import { heartbeatHandler } from "./handlers/heartbeat.ts";
import { leaveGroupHandler } from "./handlers/leave-group.ts";
import { offsetCommitHandler } from "./handlers/offset-commit.ts";
import { offsetFetchHandler } from "./handlers/offset-fetch.ts";
import { listGroupsHandler } from "./handlers/list-groups.ts";
import { describeGroupsHandler } from "./handlers/describe-groups.ts";
import { deleteGroupsHandler } from "./handlers/delete-groups.ts";
import { offsetDeleteHandler } from "./handlers/offset-delete.ts";

export const HANDLERS: readonly Handler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetForLeaderEpochHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClusterHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  listGroupsHandler,
  describeGroupsHandler,
  deleteGroupsHandler,
  offsetDeleteHandler,
];
