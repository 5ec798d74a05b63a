import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeriesRing } from "../../src/dashboard/seriesRing.js";

function filled(n: number, capacity: number): SeriesRing {
  const r = new SeriesRing(capacity, 2);
  for (let i = 0; i < n; i++) {
    const slot = r.push(i * 0.1);
    r.set(slot, 0, i);
    r.set(slot, 1, -i);
  }
  return r;
}

describe("SeriesRing", () => {
  it("keeps the newest `capacity` rows in time order", () => {
    const r = filled(25, 10);
    expect(r.length).toBe(10);
    expect(r.valueAt(0, 0)).toBe(15);
    expect(r.valueAt(9, 0)).toBe(24);
    expect(r.latest(1)).toBe(-24);
    expect(r.firstTimeS).toBeCloseTo(1.5, 12);
    expect(r.lastTimeS).toBeCloseTo(2.4, 12);
  });

  it("finds rows by time", () => {
    const r = filled(25, 10);
    expect(r.lowerBound(0)).toBe(0);
    expect(r.lowerBound(1.95)).toBe(5);
    expect(r.lowerBound(99)).toBe(10);
  });

  it("min/max over a window ignores NaN", () => {
    const r = new SeriesRing(8, 1);
    for (const [t, v] of [
      [0, 3],
      [1, Number.NaN],
      [2, -1],
      [3, 7],
    ] as const)
      r.set(r.push(t), 0, v);
    const out = new Float64Array(2);
    r.minMax(0, 0.5, 3, out);
    expect([...out]).toEqual([-1, -1]);
    r.minMax(0, 0, 10, out);
    expect([...out]).toEqual([-1, 7]);
    r.minMax(0, 20, 30, out);
    expect(Number.isNaN(out[0])).toBe(true);
  });

  it("bins keep the min, max and last of each time bin, NaN where empty", () => {
    const r = new SeriesRing(100, 1);
    // 10 samples in [0, 1): values 0..9; nothing in [1, 2); 5 in [2, 3).
    for (let i = 0; i < 10; i++) r.set(r.push(i / 10), 0, i);
    for (let i = 0; i < 5; i++) r.set(r.push(2 + i / 5), 0, 100 - i);
    const mn = new Float64Array(3);
    const mx = new Float64Array(3);
    const last = new Float64Array(3);
    r.bin(0, 0, 3, 3, mn, mx, last);
    expect([mn[0], mx[0], last[0]]).toEqual([0, 9, 9]);
    expect(Number.isNaN(mn[1]!)).toBe(true);
    expect([mn[2], mx[2], last[2]]).toEqual([96, 100, 96]);
  });

  it("law: binning preserves the overall min and max of the window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (values, cols) => {
          const r = new SeriesRing(512, 1);
          for (let i = 0; i < values.length; i++) r.set(r.push(i), 0, values[i]!);
          const mn = new Float64Array(cols);
          const mx = new Float64Array(cols);
          const last = new Float64Array(cols);
          r.bin(0, 0, values.length, cols, mn, mx, last);
          const finite = (a: Float64Array) => [...a].filter(Number.isFinite);
          expect(Math.min(...finite(mn))).toBe(Math.min(...values));
          expect(Math.max(...finite(mx))).toBe(Math.max(...values));
          expect(finite(last).at(-1)).toBe(values.at(-1));
        },
      ),
    );
  });

  it("never lets time go backwards", () => {
    const r = new SeriesRing(4, 1);
    r.push(5);
    r.push(3);
    expect(r.timeAt(1)).toBe(5);
  });

  it("refuses a useless capacity", () => {
    expect(() => new SeriesRing(1, 1)).toThrow(/capacity/);
    expect(() => new SeriesRing(4, 0)).toThrow(/channels/);
  });
});
