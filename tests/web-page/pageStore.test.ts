import { describe, expect, it } from "vitest";
import { createStoreRow, PageStore, STORE_COLUMNS, WINDOWS_S } from "../../web/src/pageStore.js";

/** Feeds rows at t = i * dtS with tHotC = 2 t and flowLpm = i (hand-checkable values). */
function feed(store: PageStore, n: number, dtS = 0.1, from = 0): void {
  const row = createStoreRow();
  for (let i = from; i < from + n; i++) {
    row.tHotC = 2 * i * dtS;
    row.flowLpm = i;
    store.addSample(i * dtS, row);
  }
}

describe("PageStore", () => {
  it("gives the rows of a window as contiguous views", () => {
    const s = new PageStore(1000);
    feed(s, 51); // t = 0.0 .. 5.0
    const r = s.rangeOf(1.0, 5.0);
    const t = Array.from(s.timeOf(r));
    expect(t).toHaveLength(11); // 4.0, 4.1, ..., 5.0
    expect(t[0]).toBeCloseTo(4.0, 9);
    expect(t[10]).toBeCloseTo(5.0, 9);
    expect(Array.from(s.columnOf("flowLpm", r))).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(s.columnOf("tHotC", r)[0]).toBeCloseTo(8.0, 9);
    // A column never fed stays NaN.
    expect(Number.isNaN(s.columnOf("twinFlowLpm", r)[0] as number)).toBe(true);
  });

  it("a 60 s window at 10 Hz holds 601 samples wherever it ends (times k / 10 in floating point)", () => {
    const s = new PageStore(20_000);
    const row = createStoreRow();
    for (let k = 0; k <= 2000; k++) {
      s.addSample(k / 10, row);
      if (k >= 600) expect(s.rangeOf(60, k / 10).length).toBe(601);
    }
  });

  it("keeps the newest `capacity` rows across the wrap, still contiguous", () => {
    const s = new PageStore(10);
    feed(s, 25, 1);
    expect(s.length).toBe(10);
    expect(s.latestTS).toBe(24);
    const r = s.rangeOf(1000, 24);
    expect(Array.from(s.timeOf(r))).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(Array.from(s.columnOf("flowLpm", r))).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    const last3 = s.rangeOf(2, 24);
    expect(Array.from(s.columnOf("tHotC", last3))).toEqual([44, 46, 48]);
  });

  it("starts afresh when time goes back (a new run)", () => {
    const s = new PageStore(100);
    feed(s, 20, 1);
    feed(s, 3, 1, 5); // t = 5, 6, 7
    expect(s.length).toBe(3);
    expect(Array.from(s.timeOf(s.visibleRange()))).toEqual([5, 6, 7]);
  });

  it("pause freezes the visible window while rows keep coming", () => {
    const s = new PageStore(1000);
    s.setWindowS(15);
    feed(s, 101, 1); // 0 .. 100
    expect(s.togglePause()).toBe(true);
    feed(s, 20, 1, 101); // 101 .. 120
    const r = s.visibleRange();
    expect(s.timeOf(r)[0]).toBe(85);
    expect(s.timeOf(r)[r.length - 1]).toBe(100);
    expect(s.togglePause()).toBe(false);
    const live = s.visibleRange();
    expect(s.timeOf(live)[live.length - 1]).toBe(120);
  });

  it("steps the window through WINDOWS_S and stops at its ends", () => {
    const s = new PageStore(10);
    expect(s.windowS).toBe(60);
    for (let i = 0; i < 20; i++) s.widen();
    expect(s.windowS).toBe(WINDOWS_S[WINDOWS_S.length - 1]);
    for (let i = 0; i < 20; i++) s.narrow();
    expect(s.windowS).toBe(15);
    expect(() => s.setWindowS(42)).toThrow(/window must be one of 15, 30/);
  });

  it("keeps fault labels in time order and the alarm log newest first", () => {
    const s = new PageStore(10);
    s.addLabel({ tS: 30, action: "start", text: "b" });
    s.addLabel({ tS: 10, action: "start", text: "a" });
    s.addLabel({ tS: 50, action: "end", text: "b" });
    expect(s.labels.map((l) => l.tS)).toEqual([10, 30, 50]);
    s.addAlarmEvent({ tS: 1, type: "raised", severity: "warning", cause: "flow", diagnosis: "" });
    s.addAlarmEvent({ tS: 2, type: "cleared", severity: "warning", cause: "flow", diagnosis: "" });
    expect(s.alarmLog.map((e) => e.type)).toEqual(["cleared", "raised"]);
  });

  it("counts a version per change, so a view redraws only when something moved", () => {
    const s = new PageStore(10);
    const v0 = s.version;
    feed(s, 1);
    s.setOpenAlarms([]);
    expect(s.version).toBe(v0 + 2);
  });

  it("refuses a capacity below 2", () => {
    expect(() => new PageStore(1)).toThrow(/capacity must be a whole number >= 2 \(got 1\)/);
    expect(STORE_COLUMNS.length).toBeGreaterThan(0);
  });
});
