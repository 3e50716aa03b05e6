/**
 * The Kafka APIs the SDK speaks, with the version range the client code understands for each.
 * The connection picks, per API, the highest version inside both this range and the broker's
 * (from ApiVersions). Ranges stop where the request changes meaning for us: Fetch 13+ names topics by
 * id only, DeleteTopics 6+ moves names into a struct, Produce below 3 and Fetch below 4 predate
 * RecordBatch v2.
 */
import type { Infer, Input, MessageSchema } from "../protocol/schema.ts";
import { StreamBusError } from "../protocol/errors.ts";
import { ApiVersionsRequest, ApiVersionsResponse } from "../protocol/schemas/api-versions.ts";
import { MetadataRequest, MetadataResponse } from "../protocol/schemas/metadata.ts";
import { ProduceRequest, ProduceResponse } from "../protocol/schemas/produce.ts";
import { FetchRequest, FetchResponse } from "../protocol/schemas/fetch.ts";
import { ListOffsetsRequest, ListOffsetsResponse } from "../protocol/schemas/list-offsets.ts";
import { CreateTopicsRequest, CreateTopicsResponse } from "../protocol/schemas/create-topics.ts";
import { DeleteTopicsRequest, DeleteTopicsResponse } from "../protocol/schemas/delete-topics.ts";
import { CreatePartitionsRequest, CreatePartitionsResponse } from "../protocol/schemas/create-partitions.ts";
import { DescribeConfigsRequest, DescribeConfigsResponse } from "../protocol/schemas/describe-configs.ts";
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "../protocol/schemas/incremental-alter-configs.ts";
import { DeleteRecordsRequest, DeleteRecordsResponse } from "../protocol/schemas/delete-records.ts";
import { DescribeClusterRequest, DescribeClusterResponse } from "../protocol/schemas/describe-cluster.ts";
import { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/schemas/find-coordinator.ts";
import { JoinGroupRequest, JoinGroupResponse } from "../protocol/schemas/join-group.ts";
import { SyncGroupRequest, SyncGroupResponse } from "../protocol/schemas/sync-group.ts";
import { HeartbeatRequest, HeartbeatResponse } from "../protocol/schemas/heartbeat.ts";
import { LeaveGroupRequest, LeaveGroupResponse } from "../protocol/schemas/leave-group.ts";
import { OffsetCommitRequest, OffsetCommitResponse } from "../protocol/schemas/offset-commit.ts";
import { OffsetFetchRequest, OffsetFetchResponse } from "../protocol/schemas/offset-fetch.ts";
import { ListGroupsRequest, ListGroupsResponse } from "../protocol/schemas/list-groups.ts";
import { DescribeGroupsRequest, DescribeGroupsResponse } from "../protocol/schemas/describe-groups.ts";
import { DeleteGroupsRequest, DeleteGroupsResponse } from "../protocol/schemas/delete-groups.ts";

interface ClientApiSpec<Req extends MessageSchema, Res extends MessageSchema> {
  readonly apiKey: number;
  readonly request: Req;
  readonly response: Res;
  /** Versions the SDK code handles (inclusive). */
  readonly min: number;
  readonly max: number;
}

function spec<Req extends MessageSchema, Res extends MessageSchema>(request: Req, response: Res, min: number, max: number): ClientApiSpec<Req, Res> {
  return Object.freeze({ apiKey: request.apiKey, request, response, min, max });
}

/** Every API the SDK sends, by name. */
export const CLIENT_APIS = {
  ApiVersions: spec(ApiVersionsRequest, ApiVersionsResponse, 0, 3),
  Metadata: spec(MetadataRequest, MetadataResponse, 1, 12),
  Produce: spec(ProduceRequest, ProduceResponse, 3, 11),
  Fetch: spec(FetchRequest, FetchResponse, 4, 12),
  ListOffsets: spec(ListOffsetsRequest, ListOffsetsResponse, 1, 10),
  CreateTopics: spec(CreateTopicsRequest, CreateTopicsResponse, 0, 7),
  DeleteTopics: spec(DeleteTopicsRequest, DeleteTopicsResponse, 0, 5),
  CreatePartitions: spec(CreatePartitionsRequest, CreatePartitionsResponse, 0, 3),
  DescribeConfigs: spec(DescribeConfigsRequest, DescribeConfigsResponse, 0, 4),
  IncrementalAlterConfigs: spec(IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, 0, 1),
  DeleteRecords: spec(DeleteRecordsRequest, DeleteRecordsResponse, 0, 2),
  DescribeCluster: spec(DescribeClusterRequest, DescribeClusterResponse, 0, 1),
  // Consumer groups (client/group/). Requests carry the fields of both layouts where a version moved
  // them (FindCoordinator 4 batches keys, LeaveGroup 3 lists members, OffsetFetch 8 lists groups), so
  // any negotiated version encodes; OffsetCommit/OffsetFetch stop before KIP-848's member epochs.
  FindCoordinator: spec(FindCoordinatorRequest, FindCoordinatorResponse, 0, 5),
  JoinGroup: spec(JoinGroupRequest, JoinGroupResponse, 1, 9),
  SyncGroup: spec(SyncGroupRequest, SyncGroupResponse, 0, 5),
  Heartbeat: spec(HeartbeatRequest, HeartbeatResponse, 0, 4),
  LeaveGroup: spec(LeaveGroupRequest, LeaveGroupResponse, 0, 5),
  OffsetCommit: spec(OffsetCommitRequest, OffsetCommitResponse, 2, 8),
  OffsetFetch: spec(OffsetFetchRequest, OffsetFetchResponse, 1, 8),
  ListGroups: spec(ListGroupsRequest, ListGroupsResponse, 0, 4),
  DescribeGroups: spec(DescribeGroupsRequest, DescribeGroupsResponse, 0, 5),
  DeleteGroups: spec(DeleteGroupsRequest, DeleteGroupsResponse, 0, 2),
} as const;

export type ApiName = keyof typeof CLIENT_APIS;
/** The request body type of an API. */
export type RequestOf<N extends ApiName> = Input<(typeof CLIENT_APIS)[N]["request"]>;
/** The decoded response body type of an API. */
export type ResponseOf<N extends ApiName> = Infer<(typeof CLIENT_APIS)[N]["response"]>;

/** A broker's advertised range for one API key. */
export interface BrokerApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * Picks, for each API the SDK speaks, the highest version both sides support; APIs with no overlap are
 * left out (calls to them fail with UNSUPPORTED_VERSION, and callers such as describeCluster fall back).
 *
 * @example
 * negotiateVersions([{ apiKey: 3, minVersion: 0, maxVersion: 9 }]).get("Metadata"); // 9
 */
export function negotiateVersions(broker: readonly BrokerApiRange[]): Map<ApiName, number> {
  const byKey = new Map(broker.map((b) => [b.apiKey, b]));
  const out = new Map<ApiName, number>();
  for (const [name, s] of Object.entries(CLIENT_APIS) as [ApiName, ClientApiSpec<MessageSchema, MessageSchema>][]) {
    const b = byKey.get(s.apiKey);
    if (b === undefined) continue;
    const version = Math.min(s.max, b.maxVersion);
    if (version >= Math.max(s.min, b.minVersion)) out.set(name, version);
  }
  return out;
}

/** The UNSUPPORTED_VERSION error for an API the broker does not share with us. */
export function unsupportedApi(name: ApiName, broker: string): StreamBusError {
  return new StreamBusError("UNSUPPORTED_VERSION", `broker ${broker} supports no version of ${name} that this client speaks`, { api: name, broker });
}
