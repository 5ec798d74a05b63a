import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { FlatlineDetector } from "../../src/detect/detectors/flatlineDetector.js";
import { alone, common } from "../../src/detect/monitor/monitor.js";
import {
  DEFAULT_THERMISTOR,
  idealCountsFromTempC,
  quantiseCounts,
  tempCFromCounts,
} from "../../src/model/thermistor.js";

describe("flatline detector", () => {
  it("counts the seconds a reading stays unchanged and alarms at its limit", () => {
    const d = new FlatlineDetector(5);
    const seq = [1, 2, 2, 2, 2, 2, 2, 2];
    const stats = seq.map((x, i) => {
      d.update(i, x);
      return d.statistic;
    });
    expect(stats).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    expect(d.alarm).toBe(true);
    expect(d.score).toBeCloseTo(6 / 5, 12);
    expect(d.value).toBe(2);
    expect(d.update(8, Number.NaN)).toBe(false);
    expect(d.statistic).toBe(0);
    d.update(9, 2);
    expect(d.statistic).toBe(0);
  });

  it("alarms at exactly its limit: a reading unchanged for limitS seconds", () => {
    const d = new FlatlineDetector(5);
    expect(d.update(10, 2)).toBe(false);
    expect(d.update(14.5, 2)).toBe(false);
    expect(d.update(15, 2)).toBe(true);
    expect(d.statistic).toBe(5);
    expect(d.score).toBe(1);
  });

  it("restart forgets the frozen value: the count starts again from the next reading", () => {
    const d = new FlatlineDetector(5);
    d.update(0, 2);
    d.update(6, 2);
    expect(d.alarm).toBe(true);
    d.restart();
    expect(d.statistic).toBe(0);
    expect(d.alarm).toBe(false);
    expect(d.value).toBeNaN();
    expect(d.update(7, 2)).toBe(false); // the same value again counts from 7
    expect(d.statistic).toBe(0);
    expect(d.update(11, 2)).toBe(false);
    expect(d.statistic).toBe(4);
  });

  it("a live thermistor with the default noise never stays unchanged for 5 s (10 Hz, 1 hour)", () => {
    const rng = new SeededRng(3);
    const d = new FlatlineDetector(5);
    let worst = 0;
    for (let i = 0; i < 36000; i++) {
      const t = i / 10;
      const trueC = 40 + 20 * Math.sin(t / 600);
      const counts = quantiseCounts(idealCountsFromTempC(DEFAULT_THERMISTOR, trueC + 0.05 * rng.normal()));
      d.update(t, tempCFromCounts(DEFAULT_THERMISTOR, counts));
      worst = Math.max(worst, d.statistic);
    }
    expect(d.alarm).toBe(false);
    expect(worst).toBeLessThan(1.5);
  });

  it("a non-finite reading is no reading: one stuck at Infinity never counts as unchanged", () => {
    const d = new FlatlineDetector(5);
    for (let t = 0; t <= 10; t++) expect(d.update(t, Number.POSITIVE_INFINITY)).toBe(false);
    expect(d.statistic).toBe(0);
    expect(d.alarm).toBe(false);
  });

  it("Infinity disables it; a non-positive limit is refused", () => {
    const d = new FlatlineDetector(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 100; i++) d.update(i, 1);
    expect(d.alarm).toBe(false);
    expect(() => new FlatlineDetector(0)).toThrow("flatlineS: must be > 0 (got 0)");
    expect(() => new FlatlineDetector(Number.NaN)).toThrow("flatlineS: must be a finite number (got NaN)");
  });
});

describe("residual decomposition of the thermistor families", () => {
  const num = fc.double({ min: -10, max: 10, noNaN: true });
  it("alone(x, y) keeps x's sign, never exceeds |x| and is 0 exactly when |x| <= |y|", () => {
    fc.assert(
      fc.property(num, num, (x, y) => {
        const a = alone(x, y);
        if (Math.abs(x) <= Math.abs(y)) return a === 0;
        return (
          Math.sign(a) === Math.sign(x) &&
          Math.abs(a) <= Math.abs(x) &&
          Math.abs(Math.abs(a) - (Math.abs(x) - Math.abs(y))) < 1e-12
        );
      }),
    );
    expect(alone(1.5, Number.NaN)).toBe(1.5);
    expect(alone(Number.NaN, 1)).toBeNaN();
  });

  it("common(x, y) is symmetric, 0 for opposite signs, and the smaller magnitude otherwise", () => {
    fc.assert(
      fc.property(num, num, (x, y) => {
        const c = common(x, y);
        if (c !== common(y, x)) return false;
        if (x === 0 || y === 0 || Math.sign(x) !== Math.sign(y)) return c === 0;
        return Math.abs(c) === Math.min(Math.abs(x), Math.abs(y)) && Math.sign(c) === Math.sign(x);
      }),
    );
    expect(common(1, Number.NaN)).toBeNaN();
  });
});
