/**
 * Cold start to first produce: a client process is started and warmed up first (interpreter loaded), then
 * the server is spawned; once it accepts connections the client creates a topic/stream and writes one
 * record. The figure is spawn to that record's acknowledgement.
 */
import { runGenerators } from "../gen/runner.ts";

/** Starts the server via `start` between the client's `ready` and its `go`; returns the server and the figure. */
export async function measureColdStart<S>(clientCmd: string[], start: () => Promise<S>, timeoutMs: number): Promise<{ server: S; coldStartMs: number }> {
  let server: S | undefined;
  let spawnedAt = 0;
  let goAt = 0;
  const run = await runGenerators<{ firstProduceMs: number }>([clientCmd], timeoutMs, async () => {
    spawnedAt = performance.now();
    server = await start();
    goAt = performance.now();
  });
  if (server === undefined) throw new Error("cold start: server did not start");
  return { server, coldStartMs: goAt - spawnedAt + run.wallS * 1000 };
}
