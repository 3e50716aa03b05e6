/**
 * The registry of Kafka APIs with schema tables: apiKey -> name, request and response schemas and
 * their version ranges. Broker dispatch, header selection and the tests all read this one table.
 * What the broker *implements* (and advertises in ApiVersions) is the broker's own registry; this
 * one says what the codec can speak.
 */
import type { MessageSchema, VersionRange } from "./schema.ts";
import { ApiVersionsRequest, ApiVersionsResponse } from "./schemas/api-versions.ts";
import { MetadataRequest, MetadataResponse } from "./schemas/metadata.ts";
import { ProduceRequest, ProduceResponse } from "./schemas/produce.ts";
import { FetchRequest, FetchResponse } from "./schemas/fetch.ts";
import { ListOffsetsRequest, ListOffsetsResponse } from "./schemas/list-offsets.ts";
import { CreateTopicsRequest, CreateTopicsResponse } from "./schemas/create-topics.ts";
import { DeleteTopicsRequest, DeleteTopicsResponse } from "./schemas/delete-topics.ts";
import { CreatePartitionsRequest, CreatePartitionsResponse } from "./schemas/create-partitions.ts";
import { DescribeConfigsRequest, DescribeConfigsResponse } from "./schemas/describe-configs.ts";
import { AlterConfigsRequest, AlterConfigsResponse } from "./schemas/alter-configs.ts";
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "./schemas/incremental-alter-configs.ts";
import { DeleteRecordsRequest, DeleteRecordsResponse } from "./schemas/delete-records.ts";
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from "./schemas/offset-for-leader-epoch.ts";
import { DescribeClusterRequest, DescribeClusterResponse } from "./schemas/describe-cluster.ts";
import { InitProducerIdRequest, InitProducerIdResponse } from "./schemas/init-producer-id.ts";
import { FindCoordinatorRequest, FindCoordinatorResponse } from "./schemas/find-coordinator.ts";
import { JoinGroupRequest, JoinGroupResponse } from "./schemas/join-group.ts";
import { SyncGroupRequest, SyncGroupResponse } from "./schemas/sync-group.ts";
import { HeartbeatRequest, HeartbeatResponse } from "./schemas/heartbeat.ts";
import { LeaveGroupRequest, LeaveGroupResponse } from "./schemas/leave-group.ts";
import { OffsetCommitRequest, OffsetCommitResponse } from "./schemas/offset-commit.ts";
import { OffsetFetchRequest, OffsetFetchResponse } from "./schemas/offset-fetch.ts";
import { ListGroupsRequest, ListGroupsResponse } from "./schemas/list-groups.ts";
import { DescribeGroupsRequest, DescribeGroupsResponse } from "./schemas/describe-groups.ts";
import { DeleteGroupsRequest, DeleteGroupsResponse } from "./schemas/delete-groups.ts";
import { OffsetDeleteRequest, OffsetDeleteResponse } from "./schemas/offset-delete.ts";
import { assert } from "./errors.ts";

/** One Kafka API as the codec knows it. */
export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
}

function api(name: string, request: MessageSchema, response: MessageSchema): ApiSpec {
  // Kafka versions requests and responses together; a table where they differ was mistyped.
  assert(request.apiKey === response.apiKey, `${name}: request and response api keys differ`);
  for (const k of ["min", "max"] as const) {
    assert(request.validVersions[k] === response.validVersions[k], `${name}: valid versions differ`);
    assert(request.flexibleVersions[k] === response.flexibleVersions[k], `${name}: flexible versions differ`);
  }
  return Object.freeze({
    apiKey: request.apiKey, name, request, response,
    validVersions: request.validVersions, flexibleVersions: request.flexibleVersions,
  });
}

/** Every API with a schema table, in order of importance (data path first, consumer groups last). */
export const API_LIST: readonly ApiSpec[] = [
  api("ApiVersions", ApiVersionsRequest, ApiVersionsResponse),
  api("Metadata", MetadataRequest, MetadataResponse),
  api("Produce", ProduceRequest, ProduceResponse),
  api("Fetch", FetchRequest, FetchResponse),
  api("ListOffsets", ListOffsetsRequest, ListOffsetsResponse),
  api("CreateTopics", CreateTopicsRequest, CreateTopicsResponse),
  api("DeleteTopics", DeleteTopicsRequest, DeleteTopicsResponse),
  api("CreatePartitions", CreatePartitionsRequest, CreatePartitionsResponse),
  api("DescribeConfigs", DescribeConfigsRequest, DescribeConfigsResponse),
  api("AlterConfigs", AlterConfigsRequest, AlterConfigsResponse),
  api("IncrementalAlterConfigs", IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse),
  api("DeleteRecords", DeleteRecordsRequest, DeleteRecordsResponse),
  api("OffsetForLeaderEpoch", OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse),
  api("DescribeCluster", DescribeClusterRequest, DescribeClusterResponse),
  api("InitProducerId", InitProducerIdRequest, InitProducerIdResponse),
  api("FindCoordinator", FindCoordinatorRequest, FindCoordinatorResponse),
  api("JoinGroup", JoinGroupRequest, JoinGroupResponse),
  api("SyncGroup", SyncGroupRequest, SyncGroupResponse),
  api("Heartbeat", HeartbeatRequest, HeartbeatResponse),
  api("LeaveGroup", LeaveGroupRequest, LeaveGroupResponse),
  api("OffsetCommit", OffsetCommitRequest, OffsetCommitResponse),
  api("OffsetFetch", OffsetFetchRequest, OffsetFetchResponse),
  api("ListGroups", ListGroupsRequest, ListGroupsResponse),
  api("DescribeGroups", DescribeGroupsRequest, DescribeGroupsResponse),
  api("DeleteGroups", DeleteGroupsRequest, DeleteGroupsResponse),
  api("OffsetDelete", OffsetDeleteRequest, OffsetDeleteResponse),
];

/** The API names by key, for logs and errors. */
export const API_KEYS = Object.freeze(Object.fromEntries(API_LIST.map((a) => [a.name, a.apiKey]))) as Readonly<Record<string, number>>;

const BY_KEY = new Map<number, ApiSpec>();
for (const a of API_LIST) {
  assert(!BY_KEY.has(a.apiKey), `api key ${a.apiKey} registered twice`);
  BY_KEY.set(a.apiKey, a);
}

/** The API with this key, or undefined when the codec has no table for it. */
export function apiByKey(apiKey: number): ApiSpec | undefined {
  return BY_KEY.get(apiKey);
}

/** True when the codec has a table for (apiKey, version). */
export function isSupported(apiKey: number, apiVersion: number): boolean {
  const a = BY_KEY.get(apiKey);
  return a !== undefined && apiVersion >= a.validVersions.min && apiVersion <= a.validVersions.max;
}

/** True when (apiKey, version) uses flexible encodings (compact lengths, tagged fields, header v2/v1). */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  const a = BY_KEY.get(apiKey);
  return a !== undefined && apiVersion >= a.flexibleVersions.min && apiVersion <= a.flexibleVersions.max;
}
