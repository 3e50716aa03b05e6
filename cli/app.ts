/** The whole command tree, assembled from the noun and verb declarations. */
import { buildApplication, buildRouteMap, type Application } from "@stricli/core";
import { brokerVerb } from "./broker.ts";
import { clusterNoun } from "./cluster/index.ts";
import { consumeVerb } from "./consume.ts";
import type { CliContext } from "./context.ts";
import { groupNoun } from "./group/index.ts";
import { aclNoun, benchNoun, completionNoun, profileNoun, userNoun } from "./more-nouns.ts";
import { produceVerb } from "./produce.ts";
import { type NounSpec, toCommand, toRouteMap, type VerbSpec } from "./spec.ts";
import { topicNoun } from "./topic/index.ts";
import { VERSION } from "./version.ts";

/** Top-level entries in help order: single-verb nouns and nouns with verbs. */
export const COMMAND_TREE: readonly (VerbSpec | NounSpec)[] = [
  brokerVerb, topicNoun, produceVerb, consumeVerb, groupNoun, clusterNoun, aclNoun, userNoun, profileNoun, benchNoun, completionNoun,
];

function isNoun(x: VerbSpec | NounSpec): x is NounSpec {
  return "verbs" in x;
}

export function buildCliApp(): Application<CliContext> {
  const routes = Object.fromEntries(COMMAND_TREE.map((e) => [e.name, isNoun(e) ? toRouteMap(e) : toCommand(e)]));
  const root = buildRouteMap({
    routes,
    docs: { brief: "StreamBus: a Kafka-compatible streaming platform in one executable (broker, storage, Raft, client, CLI)" },
  } as never);
  return buildApplication(root, {
    name: "streambus",
    versionInfo: { currentVersion: VERSION },
    scanner: { caseStyle: "allow-kebab-for-camel" },
    documentation: { caseStyle: "convert-camel-to-kebab", useAliasInUsageLine: true },
  }) as unknown as Application<CliContext>;
}
