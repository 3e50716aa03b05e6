/**
 * The "trivial append server" and the TCP-blast sink: a Bun TCP server that appends every byte it receives
 * to a file (`--file PATH`, no fsync) or only counts them (`--file none`). A client first sends an 8-byte
 * little-endian total; the server answers one byte once that many bytes arrived, so the client measures
 * end to end. Prints `port N` on stdout. The ceiling a broker on this machine can approach.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const fileArg = process.argv[process.argv.indexOf("--file") + 1] ?? "none";
const fd = fileArg === "none" ? -1 : openSync(fileArg, "a");

interface Conn {
  expectedBytes: number;
  receivedBytes: number;
}

const server = Bun.listen<Conn>({
  hostname: "127.0.0.1", port: 0,
  socket: {
    open(s) {
      s.data = { expectedBytes: -1, receivedBytes: 0 };
    },
    data(s, chunk) {
      let body = chunk;
      if (s.data.expectedBytes < 0) {
        s.data.expectedBytes = Number(new DataView(chunk.buffer, chunk.byteOffset, 8).getBigUint64(0, true));
        body = chunk.subarray(8);
      }
      if (fd >= 0) writeSync(fd, body);
      s.data.receivedBytes += body.byteLength;
      if (s.data.receivedBytes >= s.data.expectedBytes) s.write(new Uint8Array([1]));
    },
  },
});
console.log(`port ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  if (fd >= 0) closeSync(fd);
  process.exit(0);
});
