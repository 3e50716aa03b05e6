/** `key=value` flag values (`--config`, `--header`), shared so every verb reports bad input the same way. */
import { StreamBusError } from "../protocol/errors.ts";

/** Splits each `key=value` at the first `=`; a missing `=` or empty key is a usage error naming the flag. */
export function parsePairs(flag: string, items: readonly string[] | undefined): [string, string][] {
  return (items ?? []).map((kv) => {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new StreamBusError("USAGE", `--${flag} expects key=value, got "${kv}"`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

/** `parsePairs` as an object (a later pair wins). */
export function parseConfigMap(flag: string, items: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(parsePairs(flag, items));
}
