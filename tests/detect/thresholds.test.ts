import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { MovingMean, Persistence } from "../../src/detect/learned/scoreSmoothing.js";
import {
  quantile,
  type ThresholdRule,
  thresholdFromTraining,
  validateThresholdRule,
} from "../../src/detect/learned/thresholds.js";

describe("thresholds", () => {
  it("quantile interpolates between order statistics (type 7, as numpy and R)", () => {
    const v = [7, 1, 3, 5, 9];
    expect(quantile(v, 0)).toBe(1);
    expect(quantile(v, 1)).toBe(9);
    expect(quantile(v, 0.5)).toBe(5);
    // h = 4 * 0.9 = 3.6 -> 7 + 0.6 * (9 - 7)
    expect(quantile(v, 0.9)).toBeCloseTo(8.2, 12);
    expect(v).toEqual([7, 1, 3, 5, 9]);
  });

  it("max and quantile rules, times the margin", () => {
    const s = [0.2, 0.5, 0.1, 0.4];
    expect(thresholdFromTraining(s, { kind: "max", margin: 1 })).toBe(0.5);
    expect(thresholdFromTraining(s, { kind: "max", margin: 1.5 })).toBeCloseTo(0.75, 12);
    expect(thresholdFromTraining(s, { kind: "quantile", q: 0.5, margin: 2 })).toBeCloseTo(0.6, 12);
  });

  it("rejects bad rules naming the field", () => {
    expect(() => thresholdFromTraining([1], { kind: "quantile", q: 1.5, margin: 1 })).toThrow(/threshold.q/);
    expect(() => thresholdFromTraining([1], { kind: "max", margin: 0 })).toThrow(ConfigError);
    expect(() => thresholdFromTraining([], { kind: "max", margin: 1 })).toThrow(ConfigError);
  });
});

describe("threshold rules: refusals and the floor", () => {
  it("refuses a margin that is not finite and > 0 with the whole message", () => {
    for (const [margin, shown] of [
      [0, "0"],
      [-1, "-1"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [Number.NaN, "NaN"],
    ] as const)
      expect(() => thresholdFromTraining([1], { kind: "max", margin })).toThrow(
        `threshold.margin: must be finite and > 0 (got ${shown})`,
      );
  });

  it("takes q in (0, 1]: q = 1 is the maximum, 0 and past 1 are refused with the whole message", () => {
    expect(thresholdFromTraining([0.2, 0.9, 0.4], { kind: "quantile", q: 1, margin: 1 })).toBe(0.9);
    for (const [q, shown] of [
      [0, "0"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const)
      expect(() => thresholdFromTraining([1], { kind: "quantile", q, margin: 1 })).toThrow(
        `threshold.q: must be in (0, 1] (got ${shown})`,
      );
  });

  it("refuses alpha and initialQuantile outside (0, 1) with the whole message", () => {
    for (const [v, shown] of [
      [0, "0"],
      [1, "1"],
    ] as const) {
      expect(() => thresholdFromTraining([1], { kind: "conformal", alpha: v, margin: 1 })).toThrow(
        `threshold.alpha: must be in (0, 1) (got ${shown})`,
      );
      expect(() =>
        thresholdFromTraining([1], { kind: "pot", alpha: v, initialQuantile: 0.9, margin: 1 }),
      ).toThrow(`threshold.alpha: must be in (0, 1) (got ${shown})`);
      expect(() =>
        thresholdFromTraining([1], { kind: "pot", alpha: 0.1, initialQuantile: v, margin: 1 }),
      ).toThrow(`threshold.initialQuantile: must be in (0, 1) (got ${shown})`);
    }
  });

  it("names the field it is given, and refuses a kind it does not know", () => {
    expect(() => validateThresholdRule({ kind: "max", margin: 0 }, "learned.threshold")).toThrow(
      "learned.threshold.margin: must be finite and > 0 (got 0)",
    );
    expect(() => validateThresholdRule({ kind: "max", margin: 1 })).not.toThrow();
    const median = { kind: "median", margin: 1 } as unknown as ThresholdRule;
    expect(() => validateThresholdRule(median)).toThrow(
      'threshold.kind: must be one of max, quantile, conformal, pot (got "median")',
    );
    expect(() => thresholdFromTraining([1], median)).toThrow(
      'threshold.kind: must be one of max, quantile, conformal, pot (got "median")',
    );
  });

  it("refuses a rule whose kind changes after it was checked (a getter): unknown rule, whole message", () => {
    // validateThresholdRule reads `kind` once and sees "max"; the threshold's own switch then reads
    // "median", which no case takes.
    let reads = 0;
    const shifty = {
      margin: 1,
      get kind() {
        reads++;
        return reads === 1 ? "max" : "median";
      },
    } as unknown as ThresholdRule;
    expect(() => thresholdFromTraining([1], shifty)).toThrow('threshold.kind: unknown rule (got "median")');
  });

  it("refuses an empty set with the whole message", () => {
    expect(() => quantile([], 0.5)).toThrow("values: quantile of an empty set (got 0)");
    expect(() => thresholdFromTraining([], { kind: "max", margin: 1 })).toThrow(
      "training scores: no training score to set a threshold from (got 0)",
    );
  });

  it("keeps the threshold positive: scores of 0 or below give the floor 1e-12", () => {
    expect(thresholdFromTraining([0, 0, 0], { kind: "max", margin: 1 })).toBe(1e-12);
    expect(thresholdFromTraining([-3, -1], { kind: "max", margin: 2 })).toBe(1e-12);
    expect(thresholdFromTraining([-3, -1, 0], { kind: "quantile", q: 0.5, margin: 1 })).toBe(1e-12);
    // Just above the floor it is the score itself.
    expect(thresholdFromTraining([2e-12, 1e-13], { kind: "max", margin: 1 })).toBe(2e-12);
  });
});

describe("score smoothing", () => {
  it("MovingMean is the mean of the last `rows` values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (xs, w) => {
          const m = new MovingMean(w);
          xs.forEach((x, i) => {
            const window = xs.slice(Math.max(0, i - w + 1), i + 1);
            const ref = window.reduce((a, b) => a + b, 0) / window.length;
            expect(m.push(x)).toBeCloseTo(ref, 4);
          });
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  it("MovingMean stays exact over long runs (periodic re-summation)", () => {
    const m = new MovingMean(3);
    let last = 0;
    for (let i = 0; i < 100_000; i++) last = m.push(i % 2 === 0 ? 1e9 : 1e-3);
    // Window of the last three: [1e-3, 1e9, 1e-3] (i = 99997..99999).
    expect(last).toBeCloseTo((1e9 + 2e-3) / 3, 3);
  });

  it("Persistence alarms only after `rows` consecutive exceedances and resets on a miss", () => {
    const p = new Persistence(3);
    const out = [true, true, false, true, true, true, true, false].map((e) => p.push(e));
    expect(out).toEqual([false, false, false, false, false, true, true, false]);
    const one = new Persistence(1);
    expect([true, false].map((e) => one.push(e))).toEqual([true, false]);
  });

  it("Persistence holds the alarm holdRows rows after its run last held, and a new run restarts the hold", () => {
    // rows 2, hold 2: raised at the 2nd exceedance, on while the run lasts, then 2 rows more.
    const p = new Persistence(2, 2);
    const ex = [true, true, true, false, false, false, false, true, true, false, true, false, false, false];
    const on = [false, true, true, true, true, false, false, false, true, true, true, false, false, false];
    expect(ex.map((e) => p.push(e))).toEqual(on);
    // A single exceedance never raises it (rows 2), so nothing is held.
    const q = new Persistence(2, 5);
    expect([true, false, true, false].map((e) => q.push(e))).toEqual([false, false, false, false]);
    // hold 1, rows 1: one row of off-delay exactly.
    const r = new Persistence(1, 1);
    expect([true, false, false, true, false, false].map((e) => r.push(e))).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  it("Persistence.reset drops a held alarm; holdRows must be a whole number >= 0", () => {
    const p = new Persistence(1, 3);
    expect(p.push(true)).toBe(true);
    p.reset();
    expect(p.push(false)).toBe(false);
    expect(new Persistence(1, 0).push(true)).toBe(true);
    expect(() => new Persistence(0)).toThrow("persistenceRows: must be a whole number >= 1 (got 0)");
    for (const bad of [-1, 1.5, Number.NaN])
      expect(() => new Persistence(1, bad)).toThrow(
        new ConfigError("holdRows", bad, "must be a whole number >= 0"),
      );
  });
});
