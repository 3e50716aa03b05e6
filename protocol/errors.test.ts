import { expect, test } from "bun:test";
import { ERRORS, ExitCode, StreamBusError, errorCodeFromKafka, kafkaCodeOf, toStreamBusError, type ErrorCode } from "./errors.ts";

test("Kafka codes are unique and round-trip", () => {
  const seen = new Map<number, string>();
  for (const [code, spec] of Object.entries(ERRORS)) {
    if (spec.kafkaCode === null) continue;
    expect(seen.has(spec.kafkaCode)).toBe(false);
    seen.set(spec.kafkaCode, code);
    expect(errorCodeFromKafka(spec.kafkaCode)).toBe(code as ErrorCode);
  }
  expect(errorCodeFromKafka(0)).toBeNull();
  expect(errorCodeFromKafka(9999)).toBe("UNKNOWN_SERVER_ERROR");
});

test("well-known Kafka numbers match the protocol guide", () => {
  expect(ERRORS.CORRUPT_MESSAGE.kafkaCode).toBe(2);
  expect(ERRORS.UNKNOWN_TOPIC_OR_PARTITION.kafkaCode).toBe(3);
  expect(ERRORS.NOT_LEADER_OR_FOLLOWER.kafkaCode).toBe(6);
  expect(ERRORS.MESSAGE_TOO_LARGE.kafkaCode).toBe(10);
  expect(ERRORS.UNSUPPORTED_VERSION.kafkaCode).toBe(35);
  expect(ERRORS.TOPIC_ALREADY_EXISTS.kafkaCode).toBe(36);
  expect(ERRORS.KAFKA_STORAGE_ERROR.kafkaCode).toBe(56);
});

test("our own codes map to a Kafka code on the wire", () => {
  expect(kafkaCodeOf("DISK_FULL")).toBe(56);
  expect(kafkaCodeOf("TIMEOUT")).toBe(7);
  expect(kafkaCodeOf("NOT_AVAILABLE_YET")).toBe(-1);
});

test("every error has a valid exit code and HTTP status", () => {
  const exits = new Set<number>(Object.values(ExitCode));
  for (const spec of Object.values(ERRORS)) {
    expect(exits.has(spec.exitCode)).toBe(true);
    expect(spec.httpStatus).toBeGreaterThanOrEqual(400);
    expect(spec.httpStatus).toBeLessThan(600);
  }
});

test("StreamBusError exposes the table and serialises", () => {
  const e = new StreamBusError("TOPIC_ALREADY_EXISTS", "topic orders exists", { topic: "orders" });
  expect(e.exitCode).toBe(ExitCode.ALREADY_EXISTS);
  expect(e.kafkaCode).toBe(36);
  expect(e.httpStatus).toBe(409);
  expect(e.retriable).toBe(false);
  expect(JSON.parse(JSON.stringify(e))).toEqual({ code: "TOPIC_ALREADY_EXISTS", message: "topic orders exists", details: { topic: "orders" } });
});

test("ENOSPC becomes DISK_FULL; unknown errors keep their message", () => {
  const enospc = Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
  expect(toStreamBusError(enospc).code).toBe("DISK_FULL");
  expect(toStreamBusError(new Error("boom")).message).toBe("boom");
});
