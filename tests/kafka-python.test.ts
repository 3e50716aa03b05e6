/** kafka-python (Debian python3-kafka 2.0.2) produce and consume round-trip with keys and headers. */
import { expect, test } from "bun:test";
import { useBrokerProcess } from "./helpers/broker-process.ts";
import { createTopicWithLibrdkafka, runPython } from "./helpers/python.ts";

const brokerOf = useBrokerProcess();

const SCRIPT = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
futures = [p.send(topic, key=b"k%d" % (i % 10), value=b"v%d" % i, headers=[("idx", b"%d" % i)]) for i in range(n)]
p.flush(30)
offsets = [f.get(timeout=30).offset for f in futures]
p.close()
c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest", consumer_timeout_ms=3000)
parts = [TopicPartition(topic, i) for i in range(2)]
c.assign(parts)
c.seek_to_beginning(*parts)
got = {}
for m in c:
    got[m.value.decode()] = (m.key.decode(), dict(m.headers)["idx"].decode())
    if len(got) >= n: break
c.close()
ok = all(got.get("v%d" % i) == ("k%d" % (i % 10), "%d" % i) for i in range(n))
print(json.dumps({"acked": len(offsets), "consumed": len(got), "match": ok}))
`;

test("kafka-python produces with keys and headers and consumes them back", async () => {
  await createTopicWithLibrdkafka(brokerOf().bootstrap, "kpy", 2);
  const r = await runPython(SCRIPT, [brokerOf().bootstrap, "kpy", "2000"], 90_000);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ acked: 2000, consumed: 2000, match: true });
}, 120_000);
