/**
 * Serializers turn typed keys and values into bytes for the producer; deserializers do the reverse for
 * the consumer. `null` passes through untouched both ways (a null value is a tombstone on compacted topics).
 */
import { StreamBusError } from "../protocol/errors.ts";

/** Turns a `T` into bytes. */
export interface Serializer<T> {
  serialize(value: T, topic: string): Uint8Array;
}

/** Turns bytes into a `T`. */
export interface Deserializer<T> {
  deserialize(bytes: Uint8Array, topic: string): T;
}

/** Both directions, for types used on both sides. */
export interface Serde<T> extends Serializer<T>, Deserializer<T> {}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Raw bytes, as given (the default).
 *
 * @example
 * bus.producer({ valueSerde: bytesSerde });
 */
export const bytesSerde: Serde<Uint8Array> = {
  serialize: (v) => v,
  deserialize: (b) => b,
};

/**
 * UTF-8 strings.
 *
 * @example
 * const p = bus.producer<string, string>({ keySerde: stringSerde, valueSerde: stringSerde });
 */
export const stringSerde: Serde<string> = {
  serialize: (v) => encoder.encode(v),
  deserialize: (b) => decoder.decode(b),
};

/**
 * JSON as UTF-8. The type parameter is trusted on the way in: validate consumed values if producers are untrusted.
 *
 * @example
 * interface Order { id: string; total: number }
 * const p = bus.producer<string, Order>({ keySerde: stringSerde, valueSerde: jsonSerde<Order>() });
 */
export function jsonSerde<T>(): Serde<T> {
  return {
    serialize: (v) => encoder.encode(JSON.stringify(v)),
    deserialize: (b, topic) => {
      try {
        return JSON.parse(decoder.decode(b)) as T;
      } catch (e) {
        throw new StreamBusError("INVALID_RECORD", `a record on "${topic}" is not valid JSON: ${(e as Error).message}`, { topic });
      }
    },
  };
}
