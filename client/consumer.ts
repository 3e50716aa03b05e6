/**
 * A consumer of assigned partitions (no consumer group yet): `assign`, `seek`, then read with
 * `for await`, `run({ eachBatch })`, `poll()` or a Web `ReadableStream`.
 *
 * Each `poll` is one fetch round: partitions are grouped by leader and every leader gets one Fetch on its
 * long-poll connection, all in parallel. Positions live here and move only when records are handed out,
 * so a seek between polls always wins; a response for a partition that was re-seeked meanwhile is dropped.
 */
import { StreamBusError, errorCodeFromKafka } from "../protocol/errors.ts";
import { sleepMs, backoffMs } from "./backoff.ts";
import type { Cluster } from "./cluster.ts";
import { decodeFetchedRecords } from "./fetch-decode.ts";
import { listOffsets, tpKey, type OffsetSpec } from "./offsets.ts";
import type { Deserializer } from "./serializers.ts";
import { NO_METRICS, type ClientMetrics, type ConsumerInterceptor, type ConsumerRecord, type TopicPartition } from "./types.ts";

/** Where to start reading: an offset, the ends of the log, or the first record at/after a timestamp (ms). */
export type SeekPosition = bigint | number | OffsetSpec;

/** Consumer settings. */
export interface ConsumerOptions<K = Uint8Array, V = Uint8Array> {
  /** Longest a fetch waits for `minBytes` at the broker. Default 500 ms. */
  maxWaitMs?: number;
  /** Default 1 byte (answer as soon as anything is there). */
  minBytes?: number;
  /** Per Fetch response. Default 50 MiB (Kafka's fetch.max.bytes). */
  maxBytes?: number;
  /** Per partition in one Fetch; grows automatically when one batch is larger. Default 1 MiB. */
  partitionMaxBytes?: number;
  /** Where to go when no position is set or the position is out of range. Default "latest"; "none" fails. */
  autoOffsetReset?: "earliest" | "latest" | "none";
  keyDeserializer?: Deserializer<K>;
  valueDeserializer?: Deserializer<V>;
  interceptors?: ConsumerInterceptor<K, V>[];
  metrics?: ClientMetrics;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to hand out; null until resolved. */
  offset: bigint | null;
  /** A seek to resolve with ListOffsets before the next fetch. */
  pendingSeek: OffsetSpec | null;
  /** Bumped on every seek so stale fetch results are dropped. */
  epoch: number;
  partitionMaxBytes: number;
}

/** Handler for `run`: one call per partition per fetch round. */
export interface EachBatch<K, V> {
  (batch: { topic: string; partition: number; records: ConsumerRecord<K, V>[] }): void | Promise<void>;
}

/** Biggest partitionMaxBytes the consumer grows to when a batch does not fit (64 MiB, the batch decode limit). */
const PARTITION_MAX_BYTES_CEILING = 64 * 1024 * 1024;

/**
 * @example
 * const consumer = bus.consumer({ autoOffsetReset: "earliest" });
 * consumer.assign([{ topic: "orders", partition: 0 }]);
 * for await (const r of consumer) console.log(r.offset, r.value);
 */
export class Consumer<K = Uint8Array, V = Uint8Array> implements AsyncIterable<ConsumerRecord<K, V>> {
  readonly #cluster: Cluster;
  readonly #opts: Required<Pick<ConsumerOptions, "maxWaitMs" | "minBytes" | "maxBytes" | "partitionMaxBytes" | "autoOffsetReset">>;
  readonly #keyDeserializer: Deserializer<K> | undefined;
  readonly #valueDeserializer: Deserializer<V> | undefined;
  readonly #interceptors: ConsumerInterceptor<K, V>[];
  readonly #metrics: ClientMetrics;
  #partitions = new Map<string, PartitionState>();
  #closed = false;
  #failedRounds = 0;

  constructor(cluster: Cluster, opts: ConsumerOptions<K, V> = {}) {
    this.#cluster = cluster;
    this.#opts = {
      maxWaitMs: opts.maxWaitMs ?? 500, minBytes: opts.minBytes ?? 1, maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
      partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024, autoOffsetReset: opts.autoOffsetReset ?? "latest",
    };
    if (this.#opts.partitionMaxBytes > this.#opts.maxBytes) throw new StreamBusError("INVALID_CONFIG", "partitionMaxBytes must not exceed maxBytes");
    this.#keyDeserializer = opts.keyDeserializer;
    this.#valueDeserializer = opts.valueDeserializer;
    this.#interceptors = opts.interceptors ?? [];
    this.#metrics = opts.metrics ?? NO_METRICS;
  }

  /** Replaces the assignment. Partitions kept from the old assignment keep their positions. */
  assign(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      const reset = this.#opts.autoOffsetReset === "none" ? null : this.#opts.autoOffsetReset;
      next.set(key, this.#partitions.get(key) ?? {
        topic: tp.topic, partition: tp.partition, offset: null, pendingSeek: reset, epoch: 0, partitionMaxBytes: this.#opts.partitionMaxBytes,
      });
    }
    this.#partitions = next;
  }

  /** The current assignment. */
  assignment(): TopicPartition[] {
    return [...this.#partitions.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /** Moves a partition's position; resolved (ListOffsets) before the next fetch. */
  seek(tp: TopicPartition, position: SeekPosition): void {
    const s = this.#partitions.get(tpKey(tp.topic, tp.partition));
    if (!s) throw new StreamBusError("USAGE", `${tp.topic}/${tp.partition} is not assigned`);
    s.epoch++;
    if (typeof position === "bigint" || typeof position === "number") {
      const offset = BigInt(position);
      if (offset < 0n) throw new StreamBusError("USAGE", `offset ${offset} is negative`);
      s.offset = offset;
      s.pendingSeek = null;
    } else {
      s.offset = null;
      s.pendingSeek = position;
    }
  }

  /** The next offset to be returned for a partition, or null while a seek is unresolved. */
  position(tp: TopicPartition): bigint | null {
    return this.#partitions.get(tpKey(tp.topic, tp.partition))?.offset ?? null;
  }

  /** One fetch round; resolves with the records it got (possibly none after `maxWaitMs`). */
  async poll(): Promise<ConsumerRecord<K, V>[]> {
    if (this.#closed) throw new StreamBusError("SHUTTING_DOWN", "the consumer is closed");
    await this.#resolveSeeks();
    const ready = [...this.#partitions.values()].filter((s) => s.offset !== null);
    if (ready.length === 0) {
      await sleepMs(Math.min(100, this.#opts.maxWaitMs));
      return [];
    }
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of ready) {
      const leader = await this.#cluster.leaderFor(s.topic, s.partition);
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push(s);
    }
    const rounds = await Promise.allSettled([...byLeader].map(([leader, list]) => this.#fetchFrom(leader, list)));
    const out: ConsumerRecord<K, V>[] = [];
    let failure: StreamBusError | null = null;
    for (const r of rounds) {
      if (r.status === "fulfilled") out.push(...r.value);
      else if (r.reason instanceof StreamBusError && r.reason.retriable) failure = r.reason;
      else throw r.reason;
    }
    if (failure) {
      this.#metrics.onError?.(failure.code);
      await this.#cluster.refreshMetadata(ready.map((s) => s.topic)).catch(() => undefined);
      if (out.length === 0) await sleepMs(backoffMs(this.#failedRounds++, this.#cluster.retryBackoff));
    } else {
      this.#failedRounds = 0;
    }
    let records = out;
    for (const i of this.#interceptors) if (i.onConsume) records = i.onConsume(records);
    return records;
  }

  async #resolveSeeks(): Promise<void> {
    const pending = [...this.#partitions.values()].filter((s) => s.pendingSeek !== null);
    if (pending.length === 0) return;
    const epochs = pending.map((s) => s.epoch);
    const results = await listOffsets(this.#cluster, pending.map((s) => ({ topic: s.topic, partition: s.partition, spec: s.pendingSeek! })));
    const latest = pending.filter((s, i) => results[i]!.offset < 0n && epochs[i] === s.epoch);
    // A timestamp after the last record means "from the end", as Kafka's offsetsForTimes + seekToEnd does.
    const ends = latest.length > 0 ? await listOffsets(this.#cluster, latest.map((s) => ({ topic: s.topic, partition: s.partition, spec: "latest" as const }))) : [];
    pending.forEach((s, i) => {
      if (s.epoch !== epochs[i]) return; // seeked again meanwhile
      const r = results[i]!;
      s.offset = r.offset >= 0n ? r.offset : ends[latest.indexOf(s)]!.offset;
      s.pendingSeek = null;
    });
  }

  async #fetchFrom(leader: number, list: PartitionState[]): Promise<ConsumerRecord<K, V>[]> {
    const epochs = list.map((s) => s.epoch);
    const offsets = list.map((s) => s.offset!);
    const topics = new Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[]>();
    for (const s of list) {
      let ps = topics.get(s.topic);
      if (ps === undefined) topics.set(s.topic, (ps = []));
      ps.push({ partition: s.partition, fetchOffset: s.offset!, partitionMaxBytes: s.partitionMaxBytes });
    }
    const res = await this.#cluster.request(leader, "Fetch", {
      replicaId: -1, maxWaitMs: this.#opts.maxWaitMs, minBytes: this.#opts.minBytes, maxBytes: this.#opts.maxBytes, isolationLevel: 0,
      sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: "",
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    }, { lane: "fetch", timeoutMs: this.#cluster.requestTimeoutMs + this.#opts.maxWaitMs });
    if (res.errorCode !== 0) throw new StreamBusError(errorCodeFromKafka(res.errorCode)!, `fetch from broker ${leader} failed`);
    const out: ConsumerRecord<K, V>[] = [];
    let retriable: StreamBusError | null = null;
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const i = list.findIndex((s) => s.topic === t.topic && s.partition === p.partitionIndex);
        const s = list[i];
        if (s === undefined || s.epoch !== epochs[i] || s.offset !== offsets[i]) continue; // re-seeked meanwhile
        const code = errorCodeFromKafka(p.errorCode);
        if (code === "OFFSET_OUT_OF_RANGE") {
          if (this.#opts.autoOffsetReset === "none") throw new StreamBusError(code, `offset ${s.offset} is out of range for ${s.topic}/${s.partition}`, { topic: s.topic, partition: s.partition });
          this.seek(s, this.#opts.autoOffsetReset);
          continue;
        }
        if (code !== null) {
          const err = new StreamBusError(code, `fetch ${s.topic}/${s.partition} failed: ${code}`, { topic: s.topic, partition: s.partition });
          if (!err.retriable) throw err;
          retriable = err;
          continue;
        }
        const d = decodeFetchedRecords(s.topic, s.partition, p.records, s.offset!);
        if (d.onlyPartial) s.partitionMaxBytes = Math.min(PARTITION_MAX_BYTES_CEILING, s.partitionMaxBytes * 2);
        s.offset = d.nextOffset;
        if (d.records.length > 0) this.#metrics.onFetch?.(s.topic, s.partition, d.records.length, d.byteCount);
        for (const r of d.records) out.push(this.#deserialize(r));
      }
    }
    if (retriable && out.length === 0) throw retriable;
    return out;
  }

  #deserialize(r: ConsumerRecord<Uint8Array, Uint8Array>): ConsumerRecord<K, V> {
    if (!this.#keyDeserializer && !this.#valueDeserializer) return r as unknown as ConsumerRecord<K, V>;
    return {
      ...r,
      key: r.key === null ? null : this.#keyDeserializer ? this.#keyDeserializer.deserialize(r.key, r.topic) : (r.key as unknown as K),
      value: r.value === null ? null : this.#valueDeserializer ? this.#valueDeserializer.deserialize(r.value, r.topic) : (r.value as unknown as V),
    };
  }

  /** Records one at a time, until `close()`. */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord<K, V>> {
    while (!this.#closed) {
      const records = await this.poll().catch((e: unknown) => {
        if (this.#closed) return [];
        throw e;
      });
      for (const r of records) {
        yield r;
        if (this.#closed) return;
      }
    }
  }

  /**
   * Calls `eachBatch` with each partition's records of every fetch round, in order, until `signal` aborts
   * or `close()` is called. A handler that throws stops the loop with its error.
   */
  async run(handlers: { eachBatch: EachBatch<K, V>; signal?: AbortSignal }): Promise<void> {
    while (!this.#closed && !handlers.signal?.aborted) {
      const records = await this.poll().catch((e: unknown) => {
        if (this.#closed) return [];
        throw e;
      });
      const groups = new Map<string, ConsumerRecord<K, V>[]>();
      for (const r of records) {
        const key = tpKey(r.topic, r.partition);
        let g = groups.get(key);
        if (g === undefined) groups.set(key, (g = []));
        g.push(r);
      }
      for (const g of groups.values()) await handlers.eachBatch({ topic: g[0]!.topic, partition: g[0]!.partition, records: g });
    }
  }

  /** The records as a Web ReadableStream (pull-based: one fetch round per pull). Cancelling it does not close the consumer. */
  stream(): ReadableStream<ConsumerRecord<K, V>> {
    let cancelled = false;
    return new ReadableStream<ConsumerRecord<K, V>>({
      pull: async (controller) => {
        while (!cancelled) {
          if (this.#closed) return controller.close();
          const records = await this.poll().catch((e: unknown) => {
            if (this.#closed) return [];
            throw e;
          });
          if (records.length === 0) continue;
          for (const r of records) controller.enqueue(r);
          return;
        }
      },
      cancel: () => {
        cancelled = true;
      },
    }, { highWaterMark: 1 });
  }

  /** Stops iteration; an in-flight fetch ends within `maxWaitMs`. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
