/**
 * The producer's network side: takes ready batches from the accumulator, groups them by partition leader,
 * packs many partitions' batches into one Produce request (up to `maxRequestBytes`), keeps up to
 * `maxInFlightPerBroker` requests in flight per broker, and settles each record when its batch is acknowledged.
 *
 * Retriable failures (leader moved, broker down, timeout) put the batch back at the head of its partition
 * after a backoff and refresh metadata; the partition stays muted meanwhile, so order within a partition
 * holds. A batch still unacknowledged at its delivery deadline fails with TIMEOUT.
 */
import { StreamBusError, errorCodeFromKafka, toStreamBusError } from "../protocol/errors.ts";
import { encodeRecordBatch } from "../protocol/record-batch.ts";
import type { CompressionName } from "../protocol/compression.ts";
import { backoffMs } from "./backoff.ts";
import type { Cluster } from "./cluster.ts";
import { settleDelivered, settleFailed, type ProducerBatch, type RecordAccumulator } from "./accumulator.ts";
import type { ClientMetrics } from "./types.ts";
import type { RequestOf, ResponseOf } from "./apis.ts";

/** Kafka acks: 0 none, 1 leader, -1 all in-sync replicas. */
export type Acks = 0 | 1 | -1;

export interface SenderOptions {
  acks: Acks;
  compression: CompressionName;
  /** The broker-side deadline sent in each Produce request (Kafka's request.timeout.ms). */
  requestTimeoutMs: number;
  maxInFlightPerBroker: number;
  maxRequestBytes: number;
}

export interface SenderHooks {
  /** Called after every batch is settled (success or failure) with its estimated bytes. */
  onBatchDone(batch: ProducerBatch): void;
  /** Called when the sender can make progress again (a request finished, a retry backoff ended). */
  wake(): void;
  /** Records that failed with nobody waiting for them (`produce` without a callback). */
  onUndelivered(error: StreamBusError, recordCount: number): void;
  metrics: ClientMetrics;
}

/**
 * @example
 * const sender = new Sender(cluster, acc, { acks: -1, compression: "lz4", requestTimeoutMs: 30_000, maxInFlightPerBroker: 5, maxRequestBytes: 4 << 20 }, hooks);
 * sender.run(false);
 */
export class Sender {
  readonly #cluster: Cluster;
  readonly #acc: RecordAccumulator;
  readonly #opts: SenderOptions;
  readonly #hooks: SenderHooks;
  readonly #queued = new Map<number, ProducerBatch[]>();
  readonly #inFlight = new Map<number, number>();
  readonly #retrying = new Map<ReturnType<typeof setTimeout>, ProducerBatch>();
  /** Batches taken from the accumulator and not yet settled (queued, in flight, or waiting to retry). */
  #busyCount = 0;

  constructor(cluster: Cluster, acc: RecordAccumulator, opts: SenderOptions, hooks: SenderHooks) {
    this.#cluster = cluster;
    this.#acc = acc;
    this.#opts = opts;
    this.#hooks = hooks;
  }

  get busyCount(): number {
    return this.#busyCount;
  }

  /** Moves ready batches to their leaders' queues and sends what the in-flight limits allow. */
  run(flushing: boolean): void {
    const nowMs = this.#cluster.nowMs();
    for (const batch of this.#acc.drainReady(nowMs, flushing)) {
      this.#busyCount++;
      this.#enqueue(batch);
    }
    for (const [nodeId, queue] of this.#queued) {
      while (queue.length > 0 && (this.#inFlight.get(nodeId) ?? 0) < this.#opts.maxInFlightPerBroker) {
        const batches = this.#takeRequest(queue);
        this.#inFlight.set(nodeId, (this.#inFlight.get(nodeId) ?? 0) + 1);
        void this.#send(nodeId, batches).finally(() => {
          this.#inFlight.set(nodeId, (this.#inFlight.get(nodeId) ?? 1) - 1);
          this.#hooks.wake();
        });
      }
      if (queue.length === 0) this.#queued.delete(nodeId);
    }
  }

  #enqueue(batch: ProducerBatch): void {
    const leader = this.#cluster.metadata.leader(batch.topic, batch.partition);
    if (leader < 0) {
      this.#failOrRetry(batch, new StreamBusError("LEADER_NOT_AVAILABLE", `no known leader for ${batch.topic}/${batch.partition}`));
      return;
    }
    let q = this.#queued.get(leader);
    if (q === undefined) this.#queued.set(leader, (q = []));
    q.push(batch);
  }

  /**
   * Batches for one request: at least one, then more while under maxRequestBytes. A request carries at most
   * one batch per partition (Kafka brokers reject more); a partition's later batch (several may be in flight
   * with maxInFlightPerPartition > 1) stays queued, in order, for a following request.
   */
  #takeRequest(queue: ProducerBatch[]): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    let bytes = 0;
    let taken: Set<string> | null = null;
    let i = 0;
    while (i < queue.length) {
      const b = queue[i]!;
      try {
        b.encoded ??= this.#encode(b);
      } catch (e) {
        // A batch that cannot be encoded (a codec this runtime lacks, a limit) fails its sends; it must
        // not throw out of the send loop and take the process down.
        queue.splice(i, 1);
        this.#failOrRetry(b, toStreamBusError(e));
        continue;
      }
      if (out.length > 0 && bytes + b.encoded.byteLength > this.#opts.maxRequestBytes) break;
      const key = `${b.topic}\u0000${b.partition}`;
      if (taken?.has(key)) {
        i++;
        continue;
      }
      (taken ??= new Set()).add(key);
      bytes += b.encoded.byteLength;
      out.push(b);
      if (i === 0) queue.shift();
      else queue.splice(i, 1);
    }
    return out;
  }

  #encode(b: ProducerBatch): Uint8Array {
    return encodeRecordBatch({ compression: this.#opts.compression, records: b.records });
  }

  async #send(nodeId: number, batches: ProducerBatch[]): Promise<void> {
    const byTp = new Map<string, ProducerBatch>();
    const partitionData = new Map<string, { index: number; records: Uint8Array }[]>();
    for (const b of batches) {
      b.attemptCount++;
      byTp.set(`${b.topic}\u0000${b.partition}`, b);
      let list = partitionData.get(b.topic);
      if (list === undefined) partitionData.set(b.topic, (list = []));
      list.push({ index: b.partition, records: b.encoded! });
    }
    const body: RequestOf<"Produce"> = {
      transactionalId: null, acks: this.#opts.acks, timeoutMs: this.#opts.requestTimeoutMs,
      topicData: [...partitionData].map(([name, parts]) => ({ name, partitionData: parts })),
    };
    const startedMs = this.#cluster.nowMs();
    let res: ResponseOf<"Produce">;
    try {
      const conn = await this.#cluster.connection(nodeId);
      if (this.#opts.acks === 0) {
        await conn.request("Produce", body, { expectResponse: false });
        for (const b of batches) this.#succeed(b, -1n);
        return;
      }
      res = await conn.request("Produce", body, { timeoutMs: this.#opts.requestTimeoutMs + 5_000 });
    } catch (e) {
      const err = toStreamBusError(e);
      for (const b of batches) this.#failOrRetry(b, err);
      return;
    }
    this.#reportLatency(batches, this.#cluster.nowMs() - startedMs);
    for (const t of res.responses) {
      for (const p of t.partitionResponses) {
        const key = `${t.name}\u0000${p.index}`;
        const b = byTp.get(key);
        if (b === undefined) continue;
        byTp.delete(key);
        const code = errorCodeFromKafka(p.errorCode);
        if (code === null) this.#succeed(b, p.baseOffset);
        else this.#failOrRetry(b, new StreamBusError(code, `produce to ${b.topic}/${b.partition} failed: ${p.errorMessage ?? code}`, { topic: b.topic, partition: b.partition }));
      }
    }
    // A partition the broker did not answer for is a broken response; retry it rather than lose it.
    for (const b of byTp.values()) this.#failOrRetry(b, new StreamBusError("NETWORK_EXCEPTION", `produce response lacks ${b.topic}/${b.partition}`));
  }

  #reportLatency(batches: ProducerBatch[], latencyMs: number): void {
    const onSend = this.#hooks.metrics.onSendLatency;
    if (!onSend) return;
    const perTopic = new Map<string, number>();
    for (const b of batches) perTopic.set(b.topic, (perTopic.get(b.topic) ?? 0) + b.records.length);
    for (const [topic, n] of perTopic) onSend(topic, latencyMs, n);
  }

  #succeed(b: ProducerBatch, baseOffset: bigint): void {
    this.#acc.unmute(b.topic, b.partition);
    this.#busyCount--;
    const records = b.records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // The offset (a bigint) is computed only for records someone waits on: produce() without a callback skips it.
      if (r.resolve !== null || r.delivery !== null) settleDelivered(r, b.topic, b.partition, baseOffset < 0n ? -1n : baseOffset + BigInt(i));
    }
    this.#hooks.onBatchDone(b);
  }

  #failOrRetry(b: ProducerBatch, err: StreamBusError): void {
    this.#hooks.metrics.onError?.(err.code);
    const nowMs = this.#cluster.nowMs();
    const delayMs = backoffMs(Math.max(0, b.attemptCount - 1), this.#cluster.retryBackoff);
    if (err.retriable && nowMs + delayMs < b.deadlineMs && !this.#cluster.closed) {
      // Leader and topic errors mean our metadata is stale; refresh before the retry goes out.
      void this.#cluster.refreshMetadata([b.topic]).catch(() => undefined);
      const timer = setTimeout(() => {
        this.#retrying.delete(timer);
        this.#busyCount--;
        this.#acc.reenqueue(b);
        this.#acc.unmute(b.topic, b.partition);
        this.#hooks.wake();
      }, delayMs);
      this.#retrying.set(timer, b);
      return;
    }
    this.#acc.unmute(b.topic, b.partition);
    this.#busyCount--;
    const final = err.retriable && !this.#cluster.closed
      ? new StreamBusError("TIMEOUT", `records for ${b.topic}/${b.partition} were not acknowledged within the delivery timeout: ${err.message}`, { topic: b.topic, partition: b.partition, lastError: err.code }, { cause: err })
      : err;
    this.#failRecords(b, final);
    this.#hooks.onBatchDone(b);
  }

  #failRecords(b: ProducerBatch, err: StreamBusError): void {
    let undelivered = 0;
    for (const r of b.records) if (!settleFailed(r, err)) undelivered++;
    if (undelivered > 0) this.#hooks.onUndelivered(err, undelivered);
  }

  /** Fails every batch waiting for a retry backoff (on close). */
  abortRetries(err: StreamBusError): void {
    for (const [timer, b] of this.#retrying) {
      clearTimeout(timer);
      this.#acc.unmute(b.topic, b.partition);
      this.#busyCount--;
      this.#failRecords(b, err);
      this.#hooks.onBatchDone(b);
    }
    this.#retrying.clear();
  }
}
