/**
 * The cluster id and node id, fixed at first start in `<data-dir>/meta.properties` (as Kafka does), so a
 * data dir is never silently reused by another node id.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { join } from "node:path";
import { StreamBusError } from "../protocol/errors.ts";

export function loadOrCreateClusterId(dataDir: string, nodeId: number): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "meta.properties");
  if (existsSync(path)) {
    const props = Object.fromEntries(
      readFileSync(path, "utf8").split("\n").filter((l) => l.includes("=") && !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    if (props["node.id"] !== String(nodeId)) {
      throw new StreamBusError("INVALID_CONFIG", `data dir ${dataDir} belongs to node ${props["node.id"]}, not node ${nodeId}`);
    }
    if (!props["cluster.id"]) throw new StreamBusError("INVALID_CONFIG", `${path} has no cluster.id`);
    return props["cluster.id"];
  }
  // 22 base64url characters, like Kafka's cluster ids.
  const clusterId = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `# StreamBus node identity: do not edit\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
  const dfd = openSync(dataDir, "r");
  fsyncSync(dfd);
  closeSync(dfd);
  return clusterId;
}
