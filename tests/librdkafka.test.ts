/**
 * librdkafka through python3-confluent-kafka (Debian) against a real broker process: AdminClient
 * creates and deletes topics; a Producer with acks=all sends 50,000 records per codec with every
 * delivery callback successful; a Consumer with assign() reads them all back.
 */
import { describe, expect, test } from "bun:test";
import { useBrokerProcess } from "./helpers/broker-process.ts";
import { runPython } from "./helpers/python.ts";

const brokerOf = useBrokerProcess();

const ADMIN = `
import sys, json
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({"bootstrap.servers": sys.argv[1]})
for t, f in a.create_topics([NewTopic("lrk-admin-a", 2, 1), NewTopic("lrk-admin-b", 1, 1)], operation_timeout=10).items():
    f.result(timeout=15)
before = sorted(t for t in a.list_topics(timeout=10).topics if t.startswith("lrk-admin"))
for t, f in a.delete_topics(["lrk-admin-a"], operation_timeout=10).items():
    f.result(timeout=15)
after = sorted(t for t in a.list_topics(timeout=10).topics if t.startswith("lrk-admin"))
dup = None
try:
    a.create_topics([NewTopic("lrk-admin-b", 1, 1)])["lrk-admin-b"].result(timeout=15)
except Exception as e:
    dup = e.args[0].name()
print(json.dumps({"before": before, "after": after, "dup": dup}))
`;

const PRODUCE_CONSUME = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, codec, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(timeout=15)
ok = 0
errors = []
def cb(err, msg):
    global ok
    if err is None: ok += 1
    else: errors.append(str(err))
p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "compression.type": codec, "linger.ms": 5, "enable.idempotence": False})
for i in range(n):
    while True:
        try:
            p.produce(topic, key=("k%d" % (i % 100)).encode(), value=("value-%d" % i).encode(), headers=[("h", b"%d" % i)], on_delivery=cb)
            break
        except BufferError:
            p.poll(0.05)
    p.poll(0)
p.flush(60)
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-" + topic, "enable.auto.commit": False, "auto.offset.reset": "earliest"})
c.assign([TopicPartition(topic, 0, 0), TopicPartition(topic, 1, 0)])
seen = set()
hdr_ok = True
idle = 0
while len(seen) < n and idle < 50:
    msgs = c.consume(10000, 0.2)
    if not msgs: idle += 1
    for m in msgs:
        if m.error(): errors.append(str(m.error())); continue
        v = m.value().decode()
        seen.add(v)
        if dict(m.headers() or [])["h"] != v.split("-")[1].encode(): hdr_ok = False
c.close()
print(json.dumps({"acked": ok, "errors": errors[:5], "consumed": len(seen), "headers": hdr_ok}))
`;

describe("librdkafka (python3-confluent-kafka)", () => {
  test("AdminClient creates, lists and deletes topics; a duplicate create is TOPIC_ALREADY_EXISTS", async () => {
    const r = await runPython(ADMIN, [brokerOf().bootstrap]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ before: ["lrk-admin-a", "lrk-admin-b"], after: ["lrk-admin-b"], dup: "TOPIC_ALREADY_EXISTS" });
  }, 60_000);

  test.each(["none", "gzip", "snappy", "lz4", "zstd"])("acks=all producer with %s: 50,000 delivered and read back", async (codec) => {
    const n = 50_000;
    const r = await runPython(PRODUCE_CONSUME, [brokerOf().bootstrap, `lrk-${codec}`, codec, String(n)], 120_000);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ acked: n, errors: [], consumed: n, headers: true });
  }, 150_000);
});
