/** Min/max decimation: spikes survive, the output is bounded by the width, never by the run length. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimateMinMax } from "../../src/report/decimate.js";

function series(n: number, dtS: number, f: (i: number) => number): { t: Float64Array; v: Float64Array } {
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * dtS;
    v[i] = f(i);
  }
  return { t, v };
}

function finite(a: Float64Array): number[] {
  return [...a].filter((x) => Number.isFinite(x));
}

describe("decimateMinMax", () => {
  it("keeps a one-sample spike of an hour at 10 Hz, at its time", () => {
    const { t, v } = series(36_000, 0.1, (i) => (i === 12_345 ? 95 : 40 + 0.01 * Math.sin(i)));
    const d = decimateMinMax(t, v, { t0S: 0, t1S: 3600, columns: 300 });
    expect(Math.max(...finite(d.values))).toBe(95);
    const at = [...d.values].indexOf(95);
    expect(d.tS[at]).toBeCloseTo(1234.5, 9);
    expect(d.values.length).toBeLessThanOrEqual(600);
  });

  it("keeps a negative spike too (a thermistor short reads the low rail)", () => {
    const { t, v } = series(20_000, 0.1, (i) => (i === 777 ? -40 : 25));
    const d = decimateMinMax(t, v, { t0S: 0, t1S: 2000, columns: 100 });
    expect(Math.min(...finite(d.values))).toBe(-40);
  });

  it("leaves a series with no more than two points per column as it is", () => {
    const { t, v } = series(10, 1, (i) => i * i);
    const d = decimateMinMax(t, v, { t0S: 0, t1S: 9, columns: 5 });
    expect([...d.tS]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...d.values]).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });

  it("writes the lowest and the highest sample of a column in the order they came", () => {
    // 4 columns of 1 s, 10 samples each; in column 1 the high (9) comes before the low (-3).
    const v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 9, 5, 5, -3, 5, 5, 5, 5, 5];
    const t = v.map((_, i) => i * 0.1);
    const d = decimateMinMax(t, v, { t0S: 0, t1S: 2, columns: 2 });
    expect([...d.values]).toEqual([0, 9, 9, -3]);
    expect([...d.tS].map((x) => Math.round(x * 10))).toEqual([0, 9, 11, 14]);
  });

  it("breaks the line at NaN samples and at a jump in time longer than breakAfterS", () => {
    const t = [0, 1, 2, 3, 4, 20, 21, 22];
    const v = [1, 2, Number.NaN, 4, 5, 6, 7, 8];
    const d = decimateMinMax(t, v, { t0S: 0, t1S: 22, columns: 100, breakAfterS: 5 });
    const text = [...d.values].map((x) => (Number.isNaN(x) ? "|" : String(x))).join(" ");
    expect(text).toBe("1 2 | 4 5 | 6 7 8");
  });

  it("drops samples outside the plotted range", () => {
    const { t, v } = series(100, 1, (i) => i);
    const d = decimateMinMax(t, v, { t0S: 10, t1S: 19, columns: 50 });
    expect(Math.min(...d.values)).toBe(10);
    expect(Math.max(...d.values)).toBe(19);
  });

  it("property: at most two points per column plus breaks, every point a sample, extremes kept", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.integer({ min: 1, max: 400 }),
        (values, columns) => {
          const t = values.map((_, i) => i * 0.5);
          const t1 = t[t.length - 1] as number;
          const d = decimateMinMax(t, values, { t0S: 0, t1S: t1, columns });
          const pts = finite(d.values);
          const nanRuns = values.filter(
            (x, i) => Number.isNaN(x) && !Number.isNaN(values[i - 1] ?? 0),
          ).length;
          expect(pts.length).toBeLessThanOrEqual(Math.max(2 * columns, values.length));
          if (values.length > 2 * columns) expect(pts.length).toBeLessThanOrEqual(2 * columns + 2 * nanRuns);
          const pairs = new Set(values.map((x, i) => `${t[i]}:${x}`));
          for (let i = 0; i < d.values.length; i++)
            if (!Number.isNaN(d.values[i] as number))
              expect(pairs.has(`${d.tS[i]}:${d.values[i]}`)).toBe(true);
          const inFinite = values.filter((x) => Number.isFinite(x));
          if (inFinite.length > 0) {
            expect(Math.max(...pts)).toBe(Math.max(...inFinite));
            expect(Math.min(...pts)).toBe(Math.min(...inFinite));
          }
          for (let i = 1; i < d.tS.length; i++) expect(d.tS[i]).toBeGreaterThanOrEqual(d.tS[i - 1] as number);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: the output does not grow with the run length (the report's size bound)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 200_000 }),
        fc.integer({ min: 10, max: 400 }),
        (n, columns) => {
          const { t, v } = series(n, 0.1, (i) => Math.sin(i * 0.37) * (i % 97));
          const d = decimateMinMax(t, v, { t0S: 0, t1S: (n - 1) * 0.1, columns });
          expect(d.values.length).toBeLessThanOrEqual(2 * columns);
        },
      ),
      { numRuns: 25 },
    );
  });
});
