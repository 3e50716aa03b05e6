/** Topic ids: RFC 4122 text in the metadata log, 16 bytes on the wire (base64url strings in protocol/). */
import { uuidToBytes, uuidToString, ZERO_UUID } from "../protocol/uuid.ts";

/** "1b4e28ba-2fa1-11d2-883f-0016d3cca427" -> the protocol layer's 22-character form. */
export function topicIdToWire(rfc4122: string): string {
  const hex = rfc4122.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) return ZERO_UUID;
  return uuidToString(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
}

/** The inverse of {@link topicIdToWire}. */
export function topicIdFromWire(wire: string): string {
  const b = uuidToBytes(wire);
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random version-4 UUID in RFC 4122 text (crypto.randomUUID is in every runtime we target). */
export function newTopicId(): string {
  return crypto.randomUUID();
}
