/**
 * The body of `streambus produce`: stdin lines -> records, with bounded memory end to end.
 *
 * Memory: the line splitter holds at most one line and one chunk; records handed to the SDK but not yet
 * acknowledged are capped at WINDOW_BYTES (below the producer's own bufferBytes), and reading stdin
 * stops while the window is full, so the pipe upstream blocks instead of this process growing.
 * Exit: 0 only when every record was acknowledged; otherwise the failures are counted and reported.
 */
import type { Header, Producer } from "../../client/index.ts";
import { StreamBusError, toStreamBusError, type ErrorCode } from "../../protocol/errors.ts";
import type { CliContext } from "../context.ts";
import { RssGovernor } from "../memory.ts";
import { rateLine, startTicker } from "../progress.ts";
import { LineSplitter } from "./lines.ts";
import { matchLine, splitKey, type InputFormat, type ParsedLine } from "./input-format.ts";

/** Unacknowledged bytes in flight; half the producer's 32 MiB buffer so `send` never has to queue. */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** Longest line kept; longer ones are dropped while streaming and counted as MESSAGE_TOO_LARGE. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** How many individual failures are printed before only counting. */
const FAILURES_SHOWN = 5;

export interface ProduceInput {
  topic: string;
  producer: Producer;
  stdin: AsyncIterable<Uint8Array | string>;
  keySeparator: Uint8Array | null;
  format: InputFormat | null;
  partition: number | undefined;
  headers: Header[];
  stop: Promise<unknown>;
}

export interface ProduceSummary {
  records: number;
  delivered: number;
  failed: number;
  bytes: number;
  /** Failures by error code. */
  failuresByCode: Partial<Record<ErrorCode, number>>;
}

export async function produceLines(ctx: CliContext, input: ProduceInput): Promise<ProduceSummary> {
  const summary: ProduceSummary = { records: 0, delivered: 0, failed: 0, bytes: 0, failuresByCode: {} };
  let inflightBytes = 0;
  let inflightCount = 0;
  let wake: (() => void) | null = null;
  const started = Date.now();
  const ticker = startTicker(ctx, () => rateLine("produced", summary.delivered, summary.bytes, Date.now() - started));
  let stopped = false;
  void input.stop.then(() => (stopped = true));

  const fail = (lineNumber: number, e: unknown) => {
    const err = toStreamBusError(e);
    summary.failed++;
    summary.failuresByCode[err.code] = (summary.failuresByCode[err.code] ?? 0) + 1;
    if (summary.failed <= FAILURES_SHOWN) ctx.process.stderr.write(`streambus: ${err.code}: line ${lineNumber}: ${err.message}\n`);
  };
  const settle = (bytes: number) => {
    inflightBytes -= bytes;
    inflightCount--;
    if (wake && (inflightBytes < WINDOW_BYTES / 2 || inflightCount === 0)) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const send = (parsed: ParsedLine, lineNumber: number) => {
    const bytes = parsed.value.length + (parsed.key?.length ?? 0);
    summary.records++;
    inflightBytes += bytes;
    inflightCount++;
    input.producer.send({
      topic: input.topic, key: parsed.key, value: parsed.value, headers: input.headers,
      partition: parsed.partition ?? input.partition, timestamp: parsed.timestamp,
    }).then(
      () => {
        summary.delivered++;
        summary.bytes += bytes;
        settle(bytes);
      },
      (e: unknown) => {
        fail(lineNumber, e);
        settle(bytes);
      },
    );
  };

  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const memory = new RssGovernor();
  const handle = (events: ReturnType<LineSplitter["push"]>) => {
    for (const ev of events) {
      if ("tooLongBytes" in ev) {
        summary.records++;
        fail(ev.lineNumber, new StreamBusError("MESSAGE_TOO_LARGE", `the line is ${ev.tooLongBytes} bytes, over the ${MAX_LINE_BYTES}-byte line limit; skipped`));
        continue;
      }
      const parsed = input.format ? matchLine(input.format, ev.line) : input.keySeparator ? splitKey(ev.line, input.keySeparator) : { key: null, value: ev.line };
      if (parsed === null) {
        summary.records++;
        fail(ev.lineNumber, new StreamBusError("INVALID_RECORD", "the line does not match --format; skipped"));
        continue;
      }
      send(parsed, ev.lineNumber);
    }
  };

  try {
    for await (const chunk of input.stdin) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      handle(splitter.push(bytes));
      memory.processed(bytes.length);
      if (inflightBytes >= WINDOW_BYTES) await new Promise<void>((resolve) => (wake = resolve));
      if (stopped) break;
    }
    if (!stopped) handle(splitter.end());
    await input.producer.flush();
    while (inflightCount > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    ticker.stop();
  }
  return summary;
}

/** Turns a summary into the command's outcome: nothing when all were delivered, else an error to report. */
export function summaryError(s: ProduceSummary): StreamBusError | null {
  if (s.failed === 0) return null;
  const codes = Object.keys(s.failuresByCode) as ErrorCode[];
  const byCode = codes.map((c) => `${s.failuresByCode[c]} ${c}`).join(", ");
  const message = `${s.failed} of ${s.records} records failed (${byCode}); ${s.delivered} delivered`;
  // When nothing got through and there is one cause, that cause's exit code says more than "partial".
  if (s.delivered === 0 && codes.length === 1) return new StreamBusError(codes[0]!, message, { ...s });
  return new StreamBusError("PARTIAL_FAILURE", message, { ...s });
}
