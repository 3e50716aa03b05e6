/**
 * Reads JSC's GC log (`BUN_JSC_logGC=1` in a Bun process's environment, printed on stderr): one
 * "START ... => EdenCollection|FullCollection" line per collection, and a `p=<ms>ms (max ...)` entry for
 * every stop of the JavaScript thread (a collection that runs in increments stops it more than once).
 * Only lines that start with "[GC<" count, so the process's own log lines in between are ignored.
 * Pure: text in, summary out.
 */
import { percentileSorted } from "../compare/stats.ts";

export interface GcSummary {
  collections: number;
  fullCollections: number;
  /** Stops of the JavaScript thread (one or more per collection). */
  pauses: number;
  /** Sum of the pauses, ms. */
  pauseTotalMs: number;
  pauseP50Ms: number;
  pauseP99Ms: number;
  pauseMaxMs: number;
}

const START = /START M \d+kb => (EdenCollection|FullCollection)/g;
const PAUSE = /\bp=([\d.]+)ms \(max/g;

/**
 * Summarizes the collections logged in `text` (a slice of stderr).
 *
 * @example
 * const gc = summarizeGcLog(stderr.slice(offsetAtStart)); // gc.collections, gc.pauseP99Ms
 */
export function summarizeGcLog(text: string): GcSummary {
  const gcLines = text.split("\n").filter((l) => l.startsWith("[GC<")).join("\n");
  let collections = 0;
  let fullCollections = 0;
  for (const m of gcLines.matchAll(START)) {
    collections++;
    if (m[1] === "FullCollection") fullCollections++;
  }
  const pauses = [...gcLines.matchAll(PAUSE)].map((m) => Number(m[1])).sort((a, b) => a - b);
  return {
    collections,
    fullCollections,
    pauses: pauses.length,
    pauseTotalMs: pauses.reduce((s, p) => s + p, 0),
    pauseP50Ms: percentileSorted(pauses, 50),
    pauseP99Ms: percentileSorted(pauses, 99),
    pauseMaxMs: pauses.length ? pauses[pauses.length - 1]! : NaN,
  };
}
