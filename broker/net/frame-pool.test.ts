import { describe, expect, test } from "bun:test";
import { FramePool } from "./frame-pool.ts";

const pool = (idleBytesMax = 1 << 20) => new FramePool({ apiKeys: [0], frameBytesMin: 1024, idleBytesMax });

describe("FramePool", () => {
  test("pools only listed API keys and frames of at least frameBytesMin", () => {
    const p = pool();
    expect(p.accepts(0, 1024)).toBe(true);
    expect(p.accepts(0, 1023)).toBe(false);
    expect(p.accepts(1, 1 << 16)).toBe(false);
  });

  test("hands out power-of-two buffers and reuses released ones of the same class", () => {
    const p = pool();
    const a = p.acquire(3000);
    expect(a.byteLength).toBe(4096);
    expect(p.acquire(4096).byteLength).toBe(4096);
    expect(p.acquire(4097).byteLength).toBe(8192);
    expect(p.leasedCount).toBe(3);
    p.release(a);
    expect(p.idleBytes).toBe(4096);
    expect(p.acquire(2049)).toBe(a);
    expect(p.idleBytes).toBe(0);
    expect(p.acquire(3000)).not.toBe(a); // leased again: a new buffer
  });

  test("keeps at most idleBytesMax of unused buffers", () => {
    const p = pool(8192);
    const bufs = [p.acquire(4096), p.acquire(4096), p.acquire(4096)];
    for (const b of bufs) p.release(b);
    expect(p.idleBytes).toBe(8192);
    expect(p.leasedCount).toBe(0);
  });

  test("refuses buffers it did not hand out", () => {
    const p = pool();
    p.acquire(2000);
    expect(() => p.release(new Uint8Array(3000))).toThrow();
  });
});
