/** The whole command tree, assembled from the noun and verb declarations. */
import { buildApplication, buildRouteMap, EnumValidationError, text_en, type Application, type ApplicationText } from "@stricli/core";
import { brokerVerb } from "./broker.ts";
import { clusterNoun } from "./cluster/index.ts";
import { consumeVerb } from "./consume.ts";
import type { CliContext } from "./context.ts";
import { groupNoun } from "./group/index.ts";
import { benchNoun } from "./bench/index.ts";
import { completionNoun } from "./completion/index.ts";
import { aclNoun, userNoun } from "./more-nouns.ts";
import { profileNoun } from "./profile/index.ts";
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

/**
 * Stricli's English text, with argument errors in our one-line shape (`streambus: USAGE: ...`) and the
 * flag always named (stricli's enum message leaves the flag out).
 */
const text: ApplicationText = {
  ...text_en,
  exceptionWhileParsingArguments(exc, ansiColor) {
    const message = text_en.exceptionWhileParsingArguments.call(this, exc, ansiColor);
    const flag = exc instanceof EnumValidationError ? `--${exc.externalFlagName}: ` : "";
    return `streambus: USAGE: ${flag}${message}`;
  },
};

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
    localization: { text },
  }) as unknown as Application<CliContext>;
}
