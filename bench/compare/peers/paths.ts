/** Where the generators and the StreamBus executable live. */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const COMPARE_DIR = join(import.meta.dir, "..");
export const REPO_ROOT = join(COMPARE_DIR, "..", "..");
export const PYTHON = "/usr/bin/python3";
export const BUN = process.execPath;

/** A command that runs one of the Bun generators in gen/ with a JSON spec. */
export function bunGenerator(file: string, spec: object): string[] {
  return [BUN, join(COMPARE_DIR, "gen", file), JSON.stringify(spec)];
}

/** The Kafka generator (librdkafka via Debian's python3-confluent-kafka). */
export function kafkaGenerator(spec: object): string[] {
  return [PYTHON, join(COMPARE_DIR, "gen", "kafka_gen.py"), JSON.stringify(spec)];
}

/**
 * The StreamBus executable: $STREAMBUS_BINARY if set, else the compiled dist/streambus if `npm run build`
 * made one, else undefined (run from source with bun).
 */
export function streambusBinary(): string | undefined {
  if (process.env.STREAMBUS_BINARY) return process.env.STREAMBUS_BINARY;
  const bin = join(REPO_ROOT, "dist", "streambus");
  return existsSync(bin) ? bin : undefined;
}
