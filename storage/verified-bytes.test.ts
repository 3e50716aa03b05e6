import { describe, expect, test } from "bun:test";
import { VerifiedBytes } from "./verified-bytes.ts";

describe("VerifiedBytes", () => {
  test("starts with nothing known good", () => {
    const v = new VerifiedBytes();
    expect(v.markBytes).toBe(0);
    expect(v.tailFromBytes).toBeNull();
    expect(v.covers(0, 1)).toBe(false);
    expect(v.covers(0, 0)).toBe(true);
  });

  test("appends and checks advance the mark only when contiguous with it", () => {
    const v = new VerifiedBytes();
    v.noteAppended(0, 100);
    expect(v.markBytes).toBe(100);
    v.noteChecked(200, 300); // a gap: a read further on does not move the mark
    expect(v.markBytes).toBe(100);
    expect(v.covers(200, 300)).toBe(false);
    v.noteChecked(100, 200);
    v.noteChecked(50, 250); // overlapping the mark
    expect(v.markBytes).toBe(250);
    v.noteChecked(0, 10); // behind the mark: no change
    expect(v.markBytes).toBe(250);
    expect(v.covers(0, 250)).toBe(true);
    expect(v.covers(240, 260)).toBe(false);
  });

  test("an append after unchecked bytes (the active segment after a restart) starts the appended tail", () => {
    const v = new VerifiedBytes();
    v.noteAppended(1000, 1100);
    expect(v.markBytes).toBe(0);
    expect(v.tailFromBytes).toBe(1000);
    v.noteAppended(1100, 1200);
    expect(v.tailFromBytes).toBe(1000);
    expect(v.covers(1000, 1200)).toBe(true);
    expect(v.covers(999, 1100)).toBe(false);
    expect(v.covers(0, 100)).toBe(false);
    v.noteChecked(0, 1000); // a read of the old bytes joins the two ranges
    expect(v.covers(0, 1200)).toBe(false); // covers() asks for one range; readers check batch by batch
    expect(v.covers(0, 1000) && v.covers(1000, 1200)).toBe(true);
  });

  test("truncation cuts both ranges back to the new size", () => {
    const v = new VerifiedBytes();
    v.noteAppended(0, 500);
    v.truncated(300);
    expect(v.markBytes).toBe(300);
    expect(v.covers(300, 400)).toBe(false);
    v.truncated(400); // growing "truncation" never extends
    expect(v.markBytes).toBe(300);

    const t = new VerifiedBytes();
    t.noteAppended(1000, 1500);
    t.truncated(1200);
    expect(t.tailFromBytes).toBe(1000);
    t.truncated(800);
    expect(t.tailFromBytes).toBeNull();
    expect(t.covers(900, 1000)).toBe(false);
    t.noteAppended(800, 900); // appends after the cut start a new tail
    expect(t.tailFromBytes).toBe(800);
  });
});
