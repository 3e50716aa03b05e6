/**
 * Notices when the reader of our stdout pipe has gone (`| head -5` has exited) even while no record is
 * being written. Bun reports EPIPE only on a later write, so a consumer on a quiet topic would otherwise
 * wait forever for data nobody will read. poll(2) reports POLLERR on the write end of a pipe whose read
 * end is closed; we ask it with a zero timeout every `intervalMs`. Where bun:ffi or libc is unavailable
 * this quietly does nothing, and EPIPE on the next write still ends the command.
 */

const POLLERR = 0x008;
const POLLHUP = 0x010;

type PollFn = (fds: number, nfds: number, timeoutMs: number) => number;

function loadPoll(): { poll: PollFn; ptr: (a: Int32Array) => number } | null {
  try {
    // Required lazily: only consume needs it, and only when stdout is a pipe.
    const ffi = require("bun:ffi") as typeof import("bun:ffi");
    const lib = process.platform === "darwin" ? "libc.dylib" : "libc.so.6";
    const libc = ffi.dlopen(lib, { poll: { args: [ffi.FFIType.ptr, ffi.FFIType.u64, ffi.FFIType.i32], returns: ffi.FFIType.i32 } });
    return { poll: libc.symbols.poll as unknown as PollFn, ptr: (a) => ffi.ptr(a) as unknown as number };
  } catch {
    return null;
  }
}

/** Calls `onGone` once when file descriptor `fd`'s pipe has no reader any more; returns a stop function. */
export function watchReaderGone(fd: number, onGone: () => void, intervalMs = 250): () => void {
  const p = loadPoll();
  if (!p) return () => {};
  // struct pollfd { int fd; short events; short revents; }: events 0, since POLLERR/POLLHUP are always reported.
  const pfd = new Int32Array(2);
  pfd[0] = fd;
  const revents = new Int16Array(pfd.buffer, 6, 1);
  const timer = setInterval(() => {
    revents[0] = 0;
    if (p.poll(p.ptr(pfd), 1, 0) > 0 && (revents[0]! & (POLLERR | POLLHUP)) !== 0) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
