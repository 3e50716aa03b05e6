/**
 * Reads the topic list out of a "consumer" protocol subscription (ConsumerProtocolSubscription: int16
 * version, then an array of topic names first in every version). The coordinator needs only this, to
 * refuse OffsetDelete on topics a live group still consumes, as Kafka does; the full codec lives in
 * client/assignors/consumer-protocol.ts (broker code does not import client code).
 */
import { Reader } from "../../protocol/primitives.ts";

/** The topics of a consumer subscription, or null when the bytes are not one. */
export function subscriptionTopics(metadata: Uint8Array): string[] | null {
  try {
    const r = new Reader(metadata);
    if (r.int16() < 0) return null;
    const count = r.arrayLength(2);
    if (count < 0) return null;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) topics.push(r.string());
    return topics;
  } catch {
    return null; // not ours to judge: a group may put anything in its metadata
  }
}
