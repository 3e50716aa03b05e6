/** A batch the producer cannot encode fails its sends with a typed error instead of crashing the process. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, StreamBus, StreamBusError } from "../mod.ts";

const dir = mkdtempSync(join(tmpdir(), "sb-encode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("an unknown codec rejects send() with a StreamBusError", async () => {
  const broker = await startBroker({ dataDir: dir });
  const bus = new StreamBus({ brokers: [broker.bootstrap] });
  try {
    await bus.admin().createTopics([{ name: "enc", partitions: 1 }]);
    const producer = bus.producer({ compression: "brotli" as never, deliveryTimeoutMs: 2000 });
    const err = await producer.send({ topic: "enc", value: new Uint8Array([1]) }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(StreamBusError);
    // The client is still usable afterwards.
    const ok = await bus.producer().send({ topic: "enc", value: new Uint8Array([2]) });
    expect(ok.offset).toBe(0n);
  } finally {
    await bus.close();
    await broker.close();
  }
});
