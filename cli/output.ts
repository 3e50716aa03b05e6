/**
 * The one renderer of command results (STYLE.md point 13): a verb builds one plain result and describes
 * how it looks as tables; this module prints it as a table (default on a TTY), JSON (default otherwise,
 * so pipes get something parseable) or YAML. Data goes to stdout only.
 */
import Table from "cli-table3";
import pc from "picocolors";
import { stringify as yamlStringify } from "yaml";
import type { CliContext } from "./context.ts";
import type { FlagValues } from "./spec.ts";

export type OutputFormat = "table" | "json" | "yaml";
export type Cell = string | number | bigint | boolean | null | undefined;

/** One table of a result: an optional title line, a header row and rows. */
export interface TableView {
  title?: string;
  head: readonly string[];
  rows: readonly (readonly Cell[])[];
}

/** `--output` if given, else table on a TTY and JSON in pipes (DESIGN.md section 11). */
export function outputFormat(ctx: CliContext, flags: FlagValues): OutputFormat {
  const f = flags.output;
  if (f === "table" || f === "json" || f === "yaml") return f;
  return ctx.process.stdout.isTTY ? "table" : "json";
}

/**
 * JSON-safe copy: bigints become numbers when exact (offsets, timestamps) and strings otherwise,
 * Uint8Arrays become UTF-8 text, so JSON and YAML output never throw and never lose precision.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return "-";
  return String(c);
}

/** Renders tables rpk-style: no borders, two spaces between columns; colour only on a TTY. */
export function renderTables(views: readonly TableView[], tty: boolean): string {
  const blank = { top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "", left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "  " };
  const parts: string[] = [];
  for (const v of views) {
    const table = new Table({
      chars: blank,
      head: v.head.map((h) => (tty ? pc.bold(h) : h)),
      // Without a TTY, cli-table3 must not add colour codes (they would leak into pipes and files).
      style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    });
    for (const row of v.rows) table.push(row.map(cellText));
    const body = table.toString().split("\n").map((l) => l.trimEnd()).join("\n");
    parts.push((v.title ? `${tty ? pc.bold(v.title) : v.title}\n` : "") + body);
  }
  return parts.join("\n\n") + "\n";
}

/**
 * Prints a verb's result in the chosen format.
 *
 * @example
 * printResult(ctx, flags, { topics }, (r) => [{ head: ["NAME"], rows: r.topics.map((t) => [t]) }]);
 */
export function printResult<T>(ctx: CliContext, flags: FlagValues, result: T, tables: (r: T) => readonly TableView[]): void {
  const format = outputFormat(ctx, flags);
  const out = ctx.process.stdout;
  if (format === "json") out.write(JSON.stringify(toPlain(result), null, out.isTTY ? 2 : undefined) + "\n");
  else if (format === "yaml") out.write(yamlStringify(toPlain(result)));
  else out.write(renderTables(tables(result), out.isTTY === true));
}
