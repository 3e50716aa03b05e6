/** Topic lookups the data verbs share, with messages that say what is wrong in the user's terms. */
import type { StreamBus, TopicDescription } from "../client/index.ts";
import { StreamBusError, isStreamBusError } from "../protocol/errors.ts";
import { withDeadline } from "./connect.ts";

/** The topic's partitions and offsets; a missing topic is UNKNOWN_TOPIC_OR_PARTITION (exit code 3). */
export async function describeTopic(bus: StreamBus, topic: string, timeoutMs: number): Promise<TopicDescription> {
  try {
    const [d] = await withDeadline(bus.admin({ timeoutMs }).describeTopics([topic]), timeoutMs, `looking up topic "${topic}"`);
    return d!;
  } catch (e) {
    if (isStreamBusError(e, "UNKNOWN_TOPIC_OR_PARTITION")) {
      throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" does not exist (create it with: streambus topic create ${topic})`, { topic });
    }
    throw e;
  }
}

/** The topic's max.message.bytes, or null when the broker does not say (then the producer's defaults apply). */
export async function maxMessageBytes(bus: StreamBus, topic: string, timeoutMs: number): Promise<number | null> {
  try {
    const entries = await withDeadline(bus.admin({ timeoutMs }).describeConfigs({ topic }, ["max.message.bytes"]), timeoutMs, `reading configs of "${topic}"`);
    const v = Number(entries.find((c) => c.name === "max.message.bytes")?.value);
    return Number.isSafeInteger(v) && v > 0 ? v : null;
  } catch (e) {
    if (isStreamBusError(e) && e.code !== "UNKNOWN_TOPIC_OR_PARTITION") return null; // e.g. not authorized to read configs
    throw e;
  }
}
