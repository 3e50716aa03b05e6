/** `streambus bench ...`: produce, consume and end-to-end measurements against any Kafka-compatible cluster. */
import type { NounSpec } from "../spec.ts";
import { benchConsumeVerb } from "./consume.ts";
import { benchE2eVerb } from "./e2e.ts";
import { benchProduceVerb } from "./produce.ts";

export const benchNoun: NounSpec = {
  name: "bench",
  brief: "Measure produce, consume and end-to-end performance",
  verbs: [benchProduceVerb, benchConsumeVerb, benchE2eVerb],
};
