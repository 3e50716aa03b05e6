/**
 * The producer: `send` serializes a record, picks its partition, waits for buffer space (backpressure),
 * and adds it to a per-partition batch; the sender ships batches when full, after `lingerMs`, or on flush.
 *
 * Defaults, and why: `lingerMs` 5 (a few ms of batching buys large batches at little latency);
 * `batchBytes` 512 KiB (big batches for throughput, yet under the 1 MiB `max.message.bytes` that Kafka
 * brokers accept by default, counting uncompressed bytes); `bufferBytes` 32 MiB (Kafka's buffer.memory);
 * `deliveryTimeoutMs` 120 000 (Kafka's delivery.timeout.ms); up to 5 requests in flight per broker, one
 * batch in flight per partition (keeps order across retries); `maxRequestBytes` 4 MiB per Produce request.
 */
import { StreamBusError, assert, toStreamBusError } from "../protocol/errors.ts";
import type { CompressionName } from "../protocol/compression.ts";
import type { RecordHeader } from "../protocol/record-batch.ts";
import { BATCH_OVERHEAD_BYTES, RecordAccumulator, estimateRecordBytes, type DeliveryCallback, type PendingRecord, type ProducerBatch } from "./accumulator.ts";
import type { Cluster } from "./cluster.ts";
import { DefaultPartitioner, type Partitioner } from "./partitioners.ts";
import { Sender, type Acks } from "./sender.ts";
import { bytesSerde, type Serializer } from "./serializers.ts";
import { NO_METRICS, type ClientMetrics, type Header, type ProducerInterceptor, type ProducerRecord, type RecordMetadata } from "./types.ts";

/** Producer settings; every limit has a unit in its name. */
export interface ProducerOptions<K = Uint8Array, V = Uint8Array> {
  /** 0: fire and forget; 1: leader wrote it; "all"/-1: every in-sync replica has it. Default "all". */
  acks?: 0 | 1 | -1 | "all";
  /** Default "none". */
  compression?: CompressionName;
  lingerMs?: number;
  batchBytes?: number;
  bufferBytes?: number;
  deliveryTimeoutMs?: number;
  /** Broker-side deadline for one Produce request. Default 30 000 ms. */
  requestTimeoutMs?: number;
  maxInFlightPerBroker?: number;
  /**
   * Batches of one partition in flight at once. Default 1: a partition's batches reach the broker in order
   * even across retries. Higher values pipeline a partition's batches (much more throughput to one partition
   * when the broker fsyncs each append before acknowledging) but, as with Kafka's max.in.flight > 1 without
   * idempotence, a retried batch may land after a later batch of its partition.
   */
  maxInFlightPerPartition?: number;
  maxRequestBytes?: number;
  /** Replaces murmur2/sticky partitioning. */
  partitioner?: Partitioner;
  keySerializer?: Serializer<K>;
  valueSerializer?: Serializer<V>;
  interceptors?: ProducerInterceptor<K, V>[];
  metrics?: ClientMetrics;
}

interface SpaceWaiter {
  bytes: number;
  /** False for `ready()`: it only waits for room, and takes none. */
  reserves: boolean;
  resolve(): void;
  reject(e: StreamBusError): void;
  timer: ReturnType<typeof setTimeout>;
}

const encoder = new TextEncoder();

/**
 * A record after interceptors and serializers, before partitioning. It is also the PendingRecord that
 * waits in a batch (`resolve`/`reject` are set when it is appended): one object per record on the hot path.
 */
interface PreparedRecord extends PendingRecord {
  topic: string;
  partition: number | undefined;
}

/** Shared by every record without headers (never mutated: the encoder only reads headers). */
const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

function normalizeHeaders(h: ProducerRecord<unknown, unknown>["headers"]): RecordHeader[] {
  if (h === undefined) return NO_HEADERS;
  if (Array.isArray(h)) return h;
  return Object.entries(h).map(([key, v]) => ({ key, value: typeof v === "string" ? encoder.encode(v) : v }));
}

/**
 * A batching producer. Create it with `bus.producer(opts)`.
 *
 * @example
 * const producer = bus.producer<string, Order>({ keySerializer: stringSerde, valueSerializer: jsonSerde<Order>(), compression: "zstd" });
 * const { partition, offset } = await producer.send({ topic: "orders", key: order.id, value: order });
 * await producer.close();
 */
export class Producer<K = Uint8Array, V = Uint8Array> {
  readonly #cluster: Cluster;
  readonly #acc: RecordAccumulator;
  readonly #sender: Sender;
  readonly #partitioner: Partitioner;
  readonly #defaultPartitioner: DefaultPartitioner | null;
  readonly #keySerializer: Serializer<K>;
  readonly #valueSerializer: Serializer<V>;
  readonly #interceptors: ProducerInterceptor<K, V>[];
  readonly #lingerMs: number;
  readonly #bufferBytes: number;
  readonly #deliveryTimeoutMs: number;
  #bufferedBytes = 0;
  readonly #spaceWaiters: SpaceWaiter[] = [];
  #lingerTimer: ReturnType<typeof setTimeout> | null = null;
  #drainQueued = false;
  #flushCount = 0;
  /** Sends between `send()` and their append (serializing, awaiting metadata or buffer space): flush waits for them too. */
  #preparingCount = 0;
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  /** Records given to `produce` without a callback that failed since the last flush, and the first error. */
  #undeliveredCount = 0;
  #firstUndeliveredError: StreamBusError | null = null;
  /** Why `produce` last refused a record: a topic without metadata yet, or the bytes it needed. */
  #refusedTopic: string | null = null;
  #refusedBytes = 0;
  /** The last default timestamp, as a number and as the bigint records carry: records in one ms share it. */
  #lastNowMs = Number.NaN;
  #lastNowBig = 0n;

  constructor(cluster: Cluster, opts: ProducerOptions<K, V> = {}) {
    this.#cluster = cluster;
    const acks: Acks = opts.acks === "all" || opts.acks === undefined ? -1 : opts.acks;
    if (acks !== 0 && acks !== 1 && acks !== -1) throw new StreamBusError("INVALID_CONFIG", `acks must be 0, 1, -1 or "all", got ${String(opts.acks)}`);
    this.#lingerMs = opts.lingerMs ?? 5;
    const batchBytes = opts.batchBytes ?? 512 * 1024;
    this.#bufferBytes = opts.bufferBytes ?? 32 * 1024 * 1024;
    this.#deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 120_000;
    const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    const maxRequestBytes = opts.maxRequestBytes ?? 4 * 1024 * 1024;
    if (this.#bufferBytes < batchBytes) throw new StreamBusError("INVALID_CONFIG", `bufferBytes (${this.#bufferBytes}) must be at least batchBytes (${batchBytes})`);
    if (maxRequestBytes < batchBytes) throw new StreamBusError("INVALID_CONFIG", `maxRequestBytes (${maxRequestBytes}) must be at least batchBytes (${batchBytes})`);
    const maxInFlightPerPartition = opts.maxInFlightPerPartition ?? 1;
    if (!Number.isInteger(maxInFlightPerPartition) || maxInFlightPerPartition < 1) {
      throw new StreamBusError("INVALID_CONFIG", `maxInFlightPerPartition must be a positive integer, got ${String(opts.maxInFlightPerPartition)}`);
    }
    this.#acc = new RecordAccumulator({ batchBytes, lingerMs: this.#lingerMs, deliveryTimeoutMs: this.#deliveryTimeoutMs, maxInFlightPerPartition });
    const metrics = opts.metrics ?? NO_METRICS;
    this.#sender = new Sender(cluster, this.#acc, {
      acks, compression: opts.compression ?? "none", requestTimeoutMs, maxInFlightPerBroker: opts.maxInFlightPerBroker ?? 5, maxRequestBytes,
    }, { onBatchDone: (b) => this.#onBatchDone(b), wake: () => this.#drainSoon(), onUndelivered: (e, n) => this.#undelivered(e, n), metrics });
    this.#defaultPartitioner = opts.partitioner ? null : new DefaultPartitioner();
    const dp = this.#defaultPartitioner;
    this.#partitioner = opts.partitioner ?? ((topic, key, n) => dp!.partition(topic, key, n));
    this.#keySerializer = opts.keySerializer ?? (bytesSerde as unknown as Serializer<K>);
    this.#valueSerializer = opts.valueSerializer ?? (bytesSerde as unknown as Serializer<V>);
    this.#interceptors = opts.interceptors ?? [];
  }

  /** Sends one record; resolves when the broker acknowledges it (per `acks`). */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata> {
    const sent = this.#send(record);
    if (this.#interceptors.length === 0) return sent;
    return sent.then(
      (result) => {
        this.#acknowledged(result, null);
        return result;
      },
      (e: unknown) => {
        this.#acknowledged(null, toStreamBusError(e));
        throw e;
      },
    );
  }

  /**
   * Queues one record without a promise: the cheap path for pipelines that push many records (like
   * librdkafka's `produce`). Returns false, queuing nothing, when the buffer is full or the topic's metadata
   * is not known yet: `await producer.ready()` and try again. `delivery`, if given, is called once with the
   * outcome. Records given without a callback that fail are counted, and the next `flush()` (or `close()`)
   * rejects with the first such error and the count, so a pipeline that ends with `await flush()` cannot
   * lose records silently. Serializer and partition errors throw here.
   *
   * @example
   * for (const line of lines) {
   *   while (!producer.produce({ topic: "logs", value: line })) await producer.ready();
   * }
   * await producer.flush(); // rejects if any of them failed
   */
  produce(record: ProducerRecord<K, V>, delivery?: DeliveryCallback): boolean {
    if (this.#closed) throw new StreamBusError("SHUTTING_DOWN", "the producer is closed");
    if (this.#interceptors.length > 0) {
      // Interceptors observe acknowledgements through send's promise: take that path (and its cost).
      if (!this.#hasRoom(1)) return this.#refuse(null, 1);
      this.send(record).then((m) => delivery?.(null, m), (e: unknown) => {
        const err = toStreamBusError(e);
        if (delivery) delivery(err, null);
        else this.#undelivered(err, 1);
      });
      return true;
    }
    const nowMs = this.#cluster.nowMs();
    const prepared = this.#prepare(record, nowMs);
    const meta = this.#cluster.metadata.topic(prepared.topic);
    if (meta === undefined) return this.#refuse(prepared.topic, prepared.sizeBytes);
    if (!this.#hasRoom(prepared.sizeBytes)) {
      if (prepared.sizeBytes > this.#bufferBytes) {
        throw new StreamBusError("MESSAGE_TOO_LARGE", `a record of about ${prepared.sizeBytes} bytes exceeds bufferBytes (${this.#bufferBytes})`);
      }
      return this.#refuse(null, prepared.sizeBytes);
    }
    const partition = this.#choosePartition(prepared, meta.partitions.length);
    this.#bufferedBytes += prepared.sizeBytes;
    prepared.delivery = delivery ?? null;
    this.#appendPrepared(prepared, partition, nowMs);
    return true;
  }

  #refuse(topic: string | null, bytes: number): false {
    this.#refusedTopic = topic;
    this.#refusedBytes = bytes;
    // Whatever is buffered must go out for room to come back.
    if (topic === null) this.#drainSoon();
    return false;
  }

  /**
   * Resolves once `produce` can take the record it last refused: the topic's metadata is known (rejects
   * if the topic does not exist) and the buffer has room. Fails with TIMEOUT after deliveryTimeoutMs.
   */
  async ready(): Promise<void> {
    const topic = this.#refusedTopic;
    if (topic !== null) {
      await this.#cluster.topic(topic);
      this.#refusedTopic = null;
    }
    const bytes = Math.min(this.#refusedBytes, this.#bufferBytes);
    if (this.#hasRoom(bytes)) return;
    await this.#waitForSpace(bytes, false);
  }

  /** Whether `bytes` more fit in the buffer now, without jumping the queue of sends waiting for space. */
  #hasRoom(bytes: number): boolean {
    return this.#spaceWaiters.length === 0 && this.#bufferedBytes + bytes <= this.#bufferBytes;
  }

  #undelivered(error: StreamBusError, count: number): void {
    this.#undeliveredCount += count;
    this.#firstUndeliveredError ??= error;
  }

  /** Sends many records; resolves with their metadata in order, or rejects with the first failure. */
  sendBatch(records: readonly ProducerRecord<K, V>[]): Promise<RecordMetadata[]> {
    return Promise.all(records.map((r) => this.send(r)));
  }

  #acknowledged(result: RecordMetadata | null, error: StreamBusError | null): void {
    for (const i of this.#interceptors) i.onAcknowledgement?.(result, error);
  }

  /**
   * The hot path stays synchronous up to the append when metadata is cached and the buffer has room
   * (no awaits per record); otherwise the slow path waits for metadata and buffer space.
   */
  #send(input: ProducerRecord<K, V>): Promise<RecordMetadata> {
    if (this.#closed) return Promise.reject(new StreamBusError("SHUTTING_DOWN", "the producer is closed"));
    let prepared: PreparedRecord;
    try {
      const nowMs = this.#cluster.nowMs();
      prepared = this.#prepare(input, nowMs);
      const meta = this.#cluster.metadata.topic(prepared.topic);
      if (meta !== undefined && this.#hasRoom(prepared.sizeBytes)) {
        const partition = this.#choosePartition(prepared, meta.partitions.length);
        this.#bufferedBytes += prepared.sizeBytes;
        return this.#append(prepared, partition, nowMs);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#sendSlow(prepared);
  }

  async #sendSlow(prepared: PreparedRecord): Promise<RecordMetadata> {
    // Counted so flush() also waits for sends that are still resolving metadata or buffer space.
    this.#preparingCount++;
    let appended = false;
    try {
      const meta = this.#cluster.metadata.topic(prepared.topic) ?? (await this.#cluster.topic(prepared.topic));
      const partition = this.#choosePartition(prepared, meta.partitions.length);
      await this.#reserve(prepared.sizeBytes);
      this.#preparingCount--;
      appended = true;
      return await this.#append(prepared, partition, this.#cluster.nowMs());
    } finally {
      if (!appended) {
        this.#preparingCount--;
        this.#checkIdle();
      }
    }
  }

  #prepare(input: ProducerRecord<K, V>, nowMs: number): PreparedRecord {
    let record = input;
    for (const i of this.#interceptors) if (i.onSend) record = i.onSend(record);
    const { topic } = record;
    const key = record.key === undefined || record.key === null ? null : this.#keySerializer.serialize(record.key, topic);
    const value = record.value === null ? null : this.#valueSerializer.serialize(record.value, topic);
    const headers = record.headers === undefined ? NO_HEADERS : normalizeHeaders(record.headers);
    const timestamp = record.timestamp === undefined ? this.#defaultTimestamp(nowMs) : BigInt(record.timestamp);
    return {
      key, value, headers, timestamp, sizeBytes: estimateRecordBytes(key, value, headers), resolve: null, reject: null, delivery: null,
      topic, partition: record.partition,
    };
  }

  /** BigInt(nowMs), converted once per millisecond rather than once per record. */
  #defaultTimestamp(nowMs: number): bigint {
    if (nowMs !== this.#lastNowMs) {
      this.#lastNowBig = BigInt(nowMs);
      this.#lastNowMs = nowMs;
    }
    return this.#lastNowBig;
  }

  #choosePartition(r: PreparedRecord, partitionCount: number): number {
    const partition = r.partition ?? this.#partitioner(r.topic, r.key, partitionCount);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
      throw new StreamBusError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${r.topic}" has no partition ${partition} (it has ${partitionCount})`, { topic: r.topic, partition });
    }
    return partition;
  }

  /** Adds a record whose buffer space is already reserved; the record itself is the batch's PendingRecord. */
  #append(r: PreparedRecord, partition: number, nowMs: number): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      r.resolve = resolve;
      r.reject = reject;
      this.#appendPrepared(r, partition, nowMs);
    });
  }

  #appendPrepared(r: PreparedRecord, partition: number, nowMs: number): void {
    const full = this.#acc.append(r.topic, partition, r, nowMs);
    // lingerMs 0 drains after the current task (records sent in one synchronous run still share a batch);
    // a 0 ms timer would wait for the timer queue, a millisecond or more.
    if (full || this.#flushCount > 0 || this.#lingerMs === 0) this.#drainSoon();
    else if (this.#lingerTimer === null) this.#lingerTimer = setTimeout(() => this.#drain(), this.#lingerMs);
  }

  /** Waits for `bytes` of buffer space, in arrival order; fails with TIMEOUT after deliveryTimeoutMs. */
  #reserve(bytes: number): Promise<void> {
    if (bytes > this.#bufferBytes) {
      return Promise.reject(new StreamBusError("MESSAGE_TOO_LARGE", `a record of about ${bytes} bytes exceeds bufferBytes (${this.#bufferBytes})`));
    }
    if (this.#hasRoom(bytes)) {
      this.#bufferedBytes += bytes;
      return Promise.resolve();
    }
    return this.#waitForSpace(bytes, true);
  }

  /** Queues behind earlier waiters until `bytes` fit; `reserves` takes them when they do. */
  #waitForSpace(bytes: number, reserves: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: SpaceWaiter = {
        bytes, reserves, resolve, reject,
        timer: setTimeout(() => {
          const at = this.#spaceWaiters.indexOf(waiter);
          if (at >= 0) this.#spaceWaiters.splice(at, 1);
          reject(new StreamBusError("TIMEOUT", `no buffer space for ${this.#deliveryTimeoutMs} ms (bufferBytes ${this.#bufferBytes} in use)`));
        }, this.#deliveryTimeoutMs),
      };
      this.#spaceWaiters.push(waiter);
      // Whatever is buffered must go out for space to come back.
      this.#drainSoon();
    });
  }

  #onBatchDone(b: ProducerBatch): void {
    // A batch's size is its overhead plus the sizeBytes of its records (accumulator.append).
    this.#bufferedBytes -= b.sizeBytes - BATCH_OVERHEAD_BYTES;
    assert(this.#bufferedBytes >= 0, "buffer accounting stays non-negative");
    while (this.#spaceWaiters.length > 0 && this.#bufferedBytes + this.#spaceWaiters[0]!.bytes <= this.#bufferBytes) {
      const w = this.#spaceWaiters.shift()!;
      clearTimeout(w.timer);
      if (w.reserves) this.#bufferedBytes += w.bytes;
      w.resolve();
    }
    this.#defaultPartitioner?.onBatchSent(b.topic, this.#cluster.metadata.topic(b.topic)?.partitions.length ?? 1);
    this.#checkIdle();
  }

  #drainSoon(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    queueMicrotask(() => {
      this.#drainQueued = false;
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#lingerTimer !== null) {
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = null;
    }
    const flushing = this.#flushCount > 0 || this.#spaceWaiters.length > 0;
    this.#sender.run(flushing);
    const nextMs = this.#acc.nextReadyInMs(this.#cluster.nowMs());
    if (nextMs !== null && this.#lingerTimer === null) this.#lingerTimer = setTimeout(() => this.#drain(), Math.max(1, nextMs));
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#preparingCount > 0 || this.#acc.recordCount > 0 || this.#sender.busyCount > 0) return;
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  /**
   * Sends everything buffered now (ignoring linger) and resolves once every record so far is settled.
   * Rejects (once) if records given to `produce` without a callback failed since the last flush.
   */
  async flush(): Promise<void> {
    this.#flushCount++;
    try {
      const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      this.#drain();
      await idle;
    } finally {
      this.#flushCount--;
    }
    if (this.#undeliveredCount > 0) {
      const count = this.#undeliveredCount;
      const first = this.#firstUndeliveredError!;
      this.#undeliveredCount = 0;
      this.#firstUndeliveredError = null;
      throw new StreamBusError(first.code, `${count} produced record(s) were not delivered; first error: ${first.message}`, { undelivered: count }, { cause: first });
    }
  }

  /** Flushes, then refuses further sends. Records still waiting for a retry fail with SHUTTING_DOWN. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#spaceWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new StreamBusError("SHUTTING_DOWN", "the producer is closed"));
    }
    try {
      await this.flush();
    } finally {
      if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
      this.#sender.abortRetries(new StreamBusError("SHUTTING_DOWN", "the producer is closed"));
    }
  }
}

export type { Header };
