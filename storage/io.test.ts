/** One contract suite run against both StorageIO implementations, plus the lazy model's power-cut behaviour. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INLINE_READ_MAX_BYTES, INLINE_WRITE_MAX_BYTES, RealIO, WRITE_PIECE_BYTES, createStorageIO, type StorageIO } from "./io.ts";
import { LazyIO } from "./io-lazy.ts";
import { InlineGate } from "./inline-gate.ts";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "sb-io-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, make] of [["real", () => new RealIO()], ["lazy", () => new LazyIO(new RealIO())]] as const) {
  describe(`StorageIO contract: ${name}`, () => {
    test("write, read back, size, truncate, rename, unlink, readdir, stat", async () => {
      const io: StorageIO = make();
      const p = join(dir, "a");
      const f = await io.open(p, "create");
      await f.write(Buffer.from("hello world"), 0);
      await f.write(Buffer.from("HELLO"), 0);
      expect(await f.sizeBytes()).toBe(11);
      const buf = Buffer.alloc(20);
      expect(await f.read(buf, 0, 20, 0)).toBe(11);
      expect(buf.subarray(0, 11).toString()).toBe("HELLO world");
      await f.truncate(5);
      expect(await f.read(buf, 0, 20, 0)).toBe(5);
      await f.write(Buffer.from("!"), 7); // leaves a hole of zeros
      expect(await f.read(buf, 0, 20, 0)).toBe(8);
      expect([...buf.subarray(5, 8)]).toEqual([0, 0, 33]);
      await f.datasync();
      await f.close();
      await io.rename(p, join(dir, "b"));
      expect((await io.stat(join(dir, "b")))?.sizeBytes).toBe(8);
      expect(await io.stat(p)).toBeNull();
      expect(await io.readdir(dir)).toEqual(["b"]);
      await io.fsyncDir(dir);
      await io.unlink(join(dir, "b"));
      expect(await io.readdir(dir)).toEqual([]);
    });
  });
}

test("real io: small writes and recent reads are done before the call returns, larger ones go through the thread pool", async () => {
  // A gate that never closes: this test is about which sizes run inline; the next one covers slow calls
  // (a 4 MiB copy into fresh page-cache pages can take longer than the default limit on a busy machine).
  const f = await new RealIO(new InlineGate({ slowMs: Infinity })).open(join(dir, "inline"), "create");
  const small = Buffer.alloc(INLINE_WRITE_MAX_BYTES, 7);
  const pending = f.write(small, 0); // not awaited yet: an inline write is already in the file
  expect(readFileSync(join(dir, "inline")).byteLength).toBe(INLINE_WRITE_MAX_BYTES);
  await pending;
  const vec = f.writev([Buffer.from("ab"), Buffer.from("cd")], INLINE_WRITE_MAX_BYTES);
  expect(readFileSync(join(dir, "inline")).subarray(INLINE_WRITE_MAX_BYTES).toString()).toBe("abcd");
  await vec;
  // One byte over the limit goes through the pool.
  const big = Buffer.alloc(INLINE_WRITE_MAX_BYTES + 1, 9);
  await f.write(big, 0);
  expect(readFileSync(join(dir, "inline")).subarray(0, big.byteLength)).toEqual(big);

  const buf = Buffer.alloc(INLINE_READ_MAX_BYTES);
  const recent = f.read(buf, 0, 4, INLINE_WRITE_MAX_BYTES + 1, true); // "abcd" over the 9s: big ends at +1
  expect(buf.subarray(0, 3).toString()).toBe("bcd"); // filled before the promise is awaited
  expect(await recent).toBe(3);
  const old = Buffer.alloc(4);
  expect(await f.read(old, 0, 4, 0)).toBe(4); // not marked recent: through the pool
  expect([...old]).toEqual([9, 9, 9, 9]);
  await f.close();
});

test("real io: inline writes larger than one piece land whole, as single buffers and as mixed vectors", async () => {
  const f = await new RealIO(new InlineGate({ slowMs: Infinity })).open(join(dir, "pieces"), "create");
  let seed = 7;
  const bytes = (n: number): Buffer => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    return b;
  };
  const one = bytes(3 * WRITE_PIECE_BYTES + 17);
  const pending = f.write(one, 0);
  expect(readFileSync(join(dir, "pieces")).equals(one)).toBe(true); // inline: whole before the await
  await pending;
  // Small buffers grouped up to a piece, big ones split, in order: sizes around the piece boundary.
  const sizes = [100, WRITE_PIECE_BYTES - 100, 1, WRITE_PIECE_BYTES + 1, 5, 2 * WRITE_PIECE_BYTES, WRITE_PIECE_BYTES, 300, 40_000, 40_000];
  const vec = sizes.map(bytes);
  await f.writev(vec, one.byteLength);
  expect(readFileSync(join(dir, "pieces")).equals(Buffer.concat([one, ...vec]))).toBe(true);
  await f.close();
});

test("real io: a slow inline call closes the shared gate, later small writes take the pool and still land", async () => {
  const gate = new InlineGate({ slowMs: -1, backoffMs: 60_000 }); // every inline call counts as slow
  const io = new RealIO(gate);
  const f = await io.open(join(dir, "gated"), "create");
  const first = f.write(Buffer.from("abc"), 0);
  expect(readFileSync(join(dir, "gated")).toString()).toBe("abc"); // inline: there before the await
  await first;
  expect(gate.closures).toBe(1);
  expect(gate.allows(1, INLINE_WRITE_MAX_BYTES)).toBe(false);
  const g = await io.open(join(dir, "gated2"), "create"); // another file of the same io shares the gate
  await g.writev([Buffer.from("de"), Buffer.from("f")], 0);
  await f.write(Buffer.from("XY"), 1);
  expect(readFileSync(join(dir, "gated")).toString()).toBe("aXY");
  expect(readFileSync(join(dir, "gated2")).toString()).toBe("def");
  expect(gate.closures).toBe(1); // pool writes are not timed
  await f.close();
  await g.close();
});

test("lazy io keeps unsynced bytes in memory only; datasync makes them real", async () => {
  const io = new LazyIO(new RealIO());
  const p = join(dir, "x");
  const f = await io.open(p, "create");
  await f.write(Buffer.from("synced"), 0);
  await f.datasync();
  await f.write(Buffer.from("-lost"), 6);
  expect(readFileSync(p).toString()).toBe("synced"); // what a power cut would leave
  const buf = Buffer.alloc(11);
  expect(await f.read(buf, 0, 11, 0)).toBe(11); // the process itself sees its writes
  expect(buf.toString()).toBe("synced-lost");
  await f.datasync();
  expect(readFileSync(p).toString()).toBe("synced-lost");
  await f.close();
});

test("createStorageIO is real unless asked for lazy explicitly", async () => {
  expect((await createStorageIO()).unsafeLazy).toBe(false);
  expect((await createStorageIO({ env: { STREAMBUS_UNSAFE_LAZY_IO: "1" } })).unsafeLazy).toBe(true);
  expect((await createStorageIO({ unsafeLazy: true })).unsafeLazy).toBe(true);
});
