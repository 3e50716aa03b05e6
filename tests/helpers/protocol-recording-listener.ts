/**
 * A tiny Kafka-speaking TCP server for protocol tests: it records every raw request frame and
 * answers just enough (ApiVersions, Metadata with one broker = itself and no topics) for real
 * clients (kcat, kafka-python, kafkajs) to get past bootstrap and send a second request.
 * Other requests are recorded and left unanswered.
 */
import { createServer, type Socket } from "node:net";
import { API_KEYS, API_LIST } from "../../protocol/apis.ts";
import { UnsupportedRequestError, decodeRequest, encodeResponse } from "../../protocol/envelope.ts";
import { FrameSplitter } from "../../protocol/frame.ts";
import { DEFAULT_PROTOCOL_LIMITS } from "../../protocol/limits.ts";

/** One request frame as it arrived (after the length prefix). */
export interface RecordedFrame {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly clientId: string | null;
  readonly frame: Uint8Array;
}

export interface RecordingListener {
  readonly port: number;
  readonly frames: RecordedFrame[];
  /** Errors seen while decoding (a real client's frame we cannot read is a bug to look at). */
  readonly errors: unknown[];
  close(): Promise<void>;
}

const NODE_ID = 1;
const CLUSTER_ID = "streambus-recorder";

function apiVersionsBody(errorCode: number) {
  return {
    errorCode,
    apiKeys: API_LIST.map((a) => ({ apiKey: a.apiKey, minVersion: a.validVersions.min, maxVersion: a.validVersions.max })),
    throttleTimeMs: 0,
  };
}

function metadataBody(port: number, requestBody: Record<string, unknown>) {
  const requested = (requestBody.topics as { name: string | null }[] | null) ?? [];
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: NODE_ID, host: "127.0.0.1", port, rack: null }],
    clusterId: CLUSTER_ID,
    controllerId: NODE_ID,
    // No topics exist: every named topic is UNKNOWN_TOPIC_OR_PARTITION (3).
    topics: requested.map((t) => ({ errorCode: 3, name: t.name, partitions: [] })),
  };
}

function handleFrame(socket: Socket, port: number, frame: Uint8Array, listener: RecordingListener): void {
  const copy = frame.slice();
  let decoded;
  try {
    decoded = decodeRequest(copy, DEFAULT_PROTOCOL_LIMITS);
  } catch (e) {
    if (e instanceof UnsupportedRequestError && e.apiKey === API_KEYS.ApiVersions) {
      // Kafka's rule: an ApiVersions version we do not know gets a v0 response with UNSUPPORTED_VERSION (35).
      listener.frames.push({ apiKey: e.apiKey, apiVersion: e.apiVersion, clientId: null, frame: copy });
      socket.write(encodeResponse({ correlationId: e.correlationId }, e.apiKey, 0, apiVersionsBody(35)));
      return;
    }
    listener.errors.push(e);
    socket.destroy();
    return;
  }
  const { header, apiKey, apiVersion, body } = decoded;
  listener.frames.push({ apiKey, apiVersion, clientId: header.clientId, frame: copy });
  if (apiKey === API_KEYS.ApiVersions) {
    socket.write(encodeResponse({ correlationId: header.correlationId }, apiKey, apiVersion, apiVersionsBody(0)));
  } else if (apiKey === API_KEYS.Metadata) {
    socket.write(encodeResponse({ correlationId: header.correlationId }, apiKey, apiVersion, metadataBody(port, body)));
  }
}

/**
 * Starts the recorder on 127.0.0.1 and an ephemeral port.
 *
 * @example
 * const rec = await startRecordingListener();
 * // run a client against 127.0.0.1:rec.port, then inspect rec.frames
 * await rec.close();
 */
export async function startRecordingListener(): Promise<RecordingListener> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const splitter = new FrameSplitter(DEFAULT_PROTOCOL_LIMITS.maxFrameBytes);
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const frame of splitter.push(chunk)) handleFrame(socket, listener.port, frame, listener);
      } catch (e) {
        listener.errors.push(e);
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("listener has no TCP address");
  const listener: RecordingListener = {
    port: address.port,
    frames: [],
    errors: [],
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  return listener;
}
