/**
 * The hidden `streambus __complete WORDS...` route the completion scripts call: prints one candidate
 * per line for the last (partial) word, using stricli's `proposeCompletions` over the real command tree.
 * It is routed before stricli parses arguments, since the words are arbitrary partial input (`--bro`).
 */
import { proposeCompletions } from "@stricli/core";
import { buildCliApp } from "../app.ts";
import type { CliContext } from "../context.ts";

/** Word that routes to the completion handler. */
export const COMPLETE_ROUTE = "__complete";

export async function runComplete(ctx: CliContext, words: readonly string[]): Promise<void> {
  // With no words at all, complete the empty word after `streambus`.
  const inputs = words.length === 0 ? [""] : words;
  const proposals = await proposeCompletions(buildCliApp(), inputs, ctx);
  const seen = new Set<string>();
  for (const p of proposals) {
    if (seen.has(p.completion) || p.completion === COMPLETE_ROUTE) continue;
    seen.add(p.completion);
    ctx.process.stdout.write(p.completion + "\n");
  }
}
