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
];
