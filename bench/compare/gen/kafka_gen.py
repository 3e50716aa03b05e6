"""Kafka load generator for the compare bench: librdkafka through Debian's python3-confluent-kafka.

Usage: python3 kafka_gen.py '<json spec>'. Prints "ready" once connected, waits for a line on stdin, does
the work and prints one JSON result line. ops: produce, consume, latency, cold (create topic + one record).
Values carry a float64 perf_counter timestamp in their first 8 bytes (latency op). Op consume reads
the backlog with kcat (librdkafka's C CLI): a Python loop over confluent_kafka's consume() cost a core at
~220 MB/s and, with librdkafka's default queued.min.messages (100,000), stalled prefetching.
"""
import json, math, resource, struct, subprocess, sys, threading, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

spec = json.loads(sys.argv[1])
op = spec["op"]


def ready_and_wait():
    print("ready", flush=True)
    sys.stdin.readline()


def make_producer(linger_ms):
    return Producer({"bootstrap.servers": spec["bootstrap"], "acks": spec.get("acks", "all"),
                     "linger.ms": linger_ms, "batch.size": 1000000, "batch.num.messages": 100000,
                     "queue.buffering.max.messages": 2000000, "queue.buffering.max.kbytes": 1048576,
                     "enable.idempotence": False, "compression.type": "none",
                     # librdkafka leaves Nagle on by default; its docs recommend disabling it for latency.
                     "socket.nagle.disable": True})


def produce():
    errors = []
    p = make_producer(spec.get("lingerMs", 20))
    p.list_topics(spec["topic"], timeout=10)  # connect and fetch metadata before the clock starts
    value = b"x" * spec["size"]
    n = spec["count"]
    ready_and_wait()

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))

    c0, t0 = time.process_time(), time.perf_counter()
    produce_, poll = p.produce, p.poll
    topic = spec["topic"]
    stop_at = t0 + spec.get("durationMsMax", 1e12) / 1000.0
    for i in range(n):
        if i & 1023 == 0 and time.perf_counter() > stop_at:
            n = i  # slow system: report what was sent (and acknowledged) in the time box
            break
        try:
            produce_(topic, value, on_delivery=on_delivery)
        except BufferError:
            poll(0.001)
            produce_(topic, value, on_delivery=on_delivery)
    left = p.flush(spec.get("flushTimeoutS", 120))
    elapsed = time.perf_counter() - t0
    if left or errors:
        raise SystemExit(f"produce: {left} undelivered, {len(errors)} errors, first: {errors[:1]}")
    print(json.dumps({"records": n, "bytes": n * spec["size"], "elapsedS": elapsed, "cpuS": time.process_time() - c0}))


def consume():
    """Reads `count` records from offset 0 of partition 0 with kcat; times it from go to kcat's exit
    (its start-up and metadata included), CPU from the child's rusage; checks the count and bytes."""
    n = spec["count"]
    cmd = ["kcat", "-C", "-b", spec["bootstrap"], "-t", spec["topic"], "-p", "0", "-o", "beginning", "-c", str(n), "-e", "-q",
           "-f", "%S\n", "-X", "fetch.max.bytes=52428800", "-X", "max.partition.fetch.bytes=10485760",
           "-X", "queued.max.messages.kbytes=262144"]
    ready_and_wait()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, timeout=spec.get("timeoutS", 120))
    elapsed = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"kcat failed ({out.returncode}): {out.stderr.decode()[-500:]}")
    sizes = [int(x) for x in out.stdout.split()]
    if len(sizes) < n:
        raise SystemExit(f"consume: got {len(sizes)} of {n}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(json.dumps({"records": len(sizes), "bytes": sum(sizes), "elapsedS": elapsed, "cpuS": cpu}))


def latency():
    """Producer at a fixed rate in the main thread; consumer in a thread; same process, same clock."""
    rate, seconds, size = spec["rate"], spec["durationMs"] / 1000.0, spec["size"]
    total = int(rate * seconds)
    c = Consumer({"bootstrap.servers": spec["bootstrap"], "group.id": "compare-lat", "enable.auto.commit": False,
                  "fetch.wait.max.ms": 100, "fetch.min.bytes": 1, "socket.nagle.disable": True})
    c.assign([TopicPartition(spec["topic"], 0, 0)])
    p = make_producer(0)
    p.list_topics(spec["topic"], timeout=10)
    c.consume(1, 0.5)  # first fetch round trip done before the clock starts
    samples = []
    stop = threading.Event()

    def consumer_loop():
        # poll() returns as soon as one record is there; consume(n, timeout) would wait for n records or
        # the whole timeout and add up to that timeout to every sample.
        while not stop.is_set() and len(samples) < total:
            m = c.poll(0.05)
            if m is not None and m.error() is None:
                samples.append(time.perf_counter() - struct.unpack_from("<d", m.value())[0])

    ready_and_wait()
    th = threading.Thread(target=consumer_loop)
    th.start()
    pad = b"x" * (size - 8)
    c0, t0 = time.process_time(), time.perf_counter()
    sent = 0
    while sent < total:
        due = min(total, int((time.perf_counter() - t0) * rate) + 1)
        while sent < due:
            try:
                p.produce(spec["topic"], struct.pack("<d", time.perf_counter()) + pad)
                sent += 1
            except BufferError:
                p.poll(0.001)
        p.poll(0)
        time.sleep(0.0002)
    p.flush(30)
    th.join(spec.get("drainTimeoutS", 30))
    stop.set()
    th.join(5)
    elapsed = time.perf_counter() - t0
    c.close()
    print(json.dumps({"records": sent, "received": len(samples), "elapsedS": elapsed, "cpuS": time.process_time() - c0,
                      **percentiles_ms(samples)}))


def percentiles_ms(samples_s):
    """Nearest-rank p50/p99/p99.9/max in milliseconds (same definition as bench/compare/stats.ts)."""
    xs = sorted(samples_s)
    if not xs:
        return {"p50Ms": None, "p99Ms": None, "p999Ms": None, "maxMs": None}
    pick = lambda q: xs[min(len(xs) - 1, max(0, math.ceil(len(xs) * q / 100) - 1))] * 1000.0
    return {"p50Ms": pick(50), "p99Ms": pick(99), "p999Ms": pick(99.9), "maxMs": xs[-1] * 1000.0}


def cold():
    """Waits for go (sent when the broker's port opens), then creates a topic and produces one record."""
    ready_and_wait()
    t0 = time.perf_counter()
    a = AdminClient({"bootstrap.servers": spec["bootstrap"]})
    for f in a.create_topics([NewTopic(spec["topic"], num_partitions=1, replication_factor=1)], operation_timeout=10).values():
        f.result(timeout=15)
    p = make_producer(0)
    p.produce(spec["topic"], b"x")
    if p.flush(15):
        raise SystemExit("cold: first record not acknowledged")
    print(json.dumps({"firstProduceMs": (time.perf_counter() - t0) * 1000.0}))


{"produce": produce, "consume": consume, "latency": latency, "cold": cold}[op]()
