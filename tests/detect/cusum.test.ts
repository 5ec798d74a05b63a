import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { CusumDetector, cusumAverageRunLength } from "../../src/detect/detectors/cusum.js";

function meanRunLength(d: CusumDetector, rng: SeededRng, runs: number, shift: number): number {
  let total = 0;
  for (let r = 0; r < runs; r++) {
    d.reset();
    let n = 0;
    do n++;
    while (!d.update(shift + rng.normal()));
    total += n;
  }
  return total / runs;
}

describe("CUSUM detector", () => {
  it("follows a hand-computed sequence (target 1, σ 2, k 0.5, h 2)", () => {
    const d = new CusumDetector({ target: 1, sigma: 2, k: 0.5, h: 2 });
    const xs = [3, 4, 1, -3, -3, -3];
    // u = 1, 1.5, 0, -2, -2, -2
    const up = [0.5, 1.5, 1.0, 0, 0, 0];
    const lo = [0, 0, 0, 1.5, 3.0, 4.5];
    const alarms = [false, false, false, false, true, true];
    const dirs = [1, 1, 1, -1, -1, -1];
    xs.forEach((x, i) => {
      expect(d.update(x)).toBe(alarms[i]);
      expect(d.upper).toBeCloseTo(up[i]!, 14);
      expect(d.lower).toBeCloseTo(lo[i]!, 14);
      expect(d.statistic).toBeCloseTo(Math.max(up[i]!, lo[i]!), 14);
      expect(d.direction).toBe(dirs[i]);
    });
    expect(d.score).toBeCloseTo(4.5 / 2, 14);
  });

  it("restarts after an alarm when asked (Page's scheme)", () => {
    const d = new CusumDetector({ target: 1, sigma: 2, k: 0.5, h: 2, resetOnAlarm: true });
    const alarms = [3, 4, 1, -3, -3, -3].map((x) => d.update(x));
    expect(alarms).toEqual([false, false, false, false, true, false]);
    expect(d.lower).toBeCloseTo(1.5, 14);
  });

  it("a cap bounds the sums so the chart drains in bounded time", () => {
    const d = new CusumDetector({ k: 0.5, h: 2, cap: 2.5 });
    for (let i = 0; i < 100; i++) d.update(-3);
    expect(d.lower).toBe(2.5);
    expect(d.update(0)).toBe(true); // 2.0 >= h
    expect(d.update(0)).toBe(false); // 1.5
    expect(() => new CusumDetector({ h: 5, cap: 4 })).toThrow(/cusum\.cap.*got 4/);
    expect(() => new CusumDetector({ h: 5, cap: Number.NaN })).toThrow(/cusum\.cap.*got NaN/);
  });

  it("the cap bounds the upper sum too, and a cap equal to h is allowed", () => {
    const d = new CusumDetector({ k: 0.5, h: 2, cap: 2.5 });
    for (let i = 0; i < 100; i++) d.update(3);
    expect(d.upper).toBe(2.5);
    expect(d.update(0)).toBe(true); // 2.0 >= h
    expect(d.update(0)).toBe(false); // 1.5
    const atH = new CusumDetector({ k: 0.5, h: 2, cap: 2 });
    expect(atH.options.cap).toBe(2);
    for (let i = 0; i < 10; i++) atH.update(3);
    expect(atH.upper).toBe(2);
    expect(atH.update(0)).toBe(false); // 1.5: one sample back below h
  });

  it("bad options are refused with the whole message (field: problem (got value))", () => {
    expect(() => new CusumDetector({ h: 5, cap: 4 })).toThrow(
      "cusum.cap: must be >= h (5) or Infinity (got 4)",
    );
    expect(() => new CusumDetector({ target: Number.NaN })).toThrow(
      "cusum.target: must be a finite number (got NaN)",
    );
    expect(() => new CusumDetector({ side: "sideways" as never })).toThrow(
      'cusum.side: must be one of both, upper, lower (got "sideways")',
    );
    expect(() => new CusumDetector({ resetOnAlarm: "yes" as never })).toThrow(
      'cusum.resetOnAlarm: must be true or false (got "yes")',
    );
  });

  it("the lower side only: a rise never moves it", () => {
    const d = new CusumDetector({ k: 0, h: 1, side: "lower" });
    expect(d.update(10)).toBe(false);
    expect(d.upper).toBe(0);
    expect(d.statistic).toBe(0);
    expect(d.direction).toBe(0);
    expect(d.update(-1)).toBe(true);
    expect(d.lower).toBe(1);
    expect(d.direction).toBe(-1);
  });

  it("reset makes it a new detector, also right after an alarm with resetOnAlarm", () => {
    for (const resetOnAlarm of [false, true]) {
      const options = { target: 1, sigma: 2, k: 0.5, h: 2, resetOnAlarm };
      const used = new CusumDetector(options);
      for (const x of [3, 4, 1, -3, -3]) used.update(x); // alarms at the last one
      expect(used.alarm).toBe(true);
      used.reset();
      const fresh = new CusumDetector(options);
      expect([used.upper, used.lower, used.samples, used.alarm]).toEqual([0, 0, 0, false]);
      for (const x of [5, 5, 5, -3, 1]) {
        expect(used.update(x)).toBe(fresh.update(x));
        expect(used.upper).toBe(fresh.upper);
        expect(used.lower).toBe(fresh.lower);
        expect(used.samples).toBe(fresh.samples);
      }
    }
  });

  it("one side only", () => {
    const d = new CusumDetector({ k: 0, h: 1, side: "upper" });
    expect(d.update(-10)).toBe(false);
    expect(d.lower).toBe(0);
    expect(d.update(1)).toBe(true);
  });

  it("gaps and validation", () => {
    const d = new CusumDetector();
    d.update(2);
    d.update(Number.NaN);
    expect(d.upper).toBeCloseTo(1.5, 14);
    expect(d.samples).toBe(1);
    expect(() => new CusumDetector({ h: 0 })).toThrow(/cusum\.h/);
    expect(() => new CusumDetector({ k: -0.1 })).toThrow(/cusum\.k/);
    expect(() => new CusumDetector({ sigma: 0 })).toThrow(/cusum\.sigma/);
  });

  it("Siegmund's approximation gives the documented values", () => {
    expect(cusumAverageRunLength(0.5, 5, 0)).toBeCloseTo(469.1, 0);
    expect(cusumAverageRunLength(0.5, 4, 0)).toBeCloseTo(169.0, 0);
    expect(cusumAverageRunLength(0.5, 5, 1)).toBeCloseTo(10.34, 1);
    // Δ = 0 limit: b² for the one-sided chart.
    expect(cusumAverageRunLength(0.5, 5, 0.5, "upper")).toBeCloseTo(6.166 ** 2, 9);
    // One-sided, b = h + 1.166 = 6.166, Δ = shift - k = 0.5: (e^(-2Δb) + 2Δb - 1) / (2Δ²); the
    // lower chart sees a shift of -1 as the upper one sees +1.
    const oneSided = (Math.exp(-6.166) + 6.166 - 1) / 0.5;
    expect(cusumAverageRunLength(0.5, 5, 1, "upper")).toBeCloseTo(oneSided, 9);
    expect(cusumAverageRunLength(0.5, 5, -1, "lower")).toBeCloseTo(oneSided, 9);
  });

  it("Siegmund's formula near Δ = 0, where e^(-2Δb) + 2Δb - 1 cancels, and on both sides of the series' edge", () => {
    // (exp(-2Δb) + 2Δb - 1) / (2Δ²) for b = 6.166, evaluated with mpmath at 40 digits.
    const cases: readonly (readonly [delta: number, arl: number])[] = [
      [1e-9, 38.01955584371428],
      [-1e-9, 38.019556156285724],
      [1e-8, 38.01955443714283],
      [5e-6, 38.01877458343792],
      [-5e-6, 38.02033744065352],
      [7e-5, 38.0086183600468], // 2Δb = 8.6e-4
      [-7e-5, 38.03049836187633],
      [8.1e-5, 38.00690001720385], // 2Δb = 0.99890e-3
      [8.2e-5, 38.00674380999674], // 2Δb = 1.01122e-3
      [1e-4, 38.00393224494759],
      [0.01, 36.503717291360275],
      [-0.3, 198.5084926315351],
    ];
    for (const [delta, arl] of cases) {
      expect(Math.abs(cusumAverageRunLength(0, 5, delta, "upper") / arl - 1)).toBeLessThan(1e-12);
      expect(Math.abs(cusumAverageRunLength(0, 5, -delta, "lower") / arl - 1)).toBeLessThan(1e-12);
    }
  });

  it("the ARL's bad arguments are refused with the whole message", () => {
    expect(() => cusumAverageRunLength(-1, 5)).toThrow("k: must be >= 0 (got -1)");
    expect(() => cusumAverageRunLength(0.5, 0)).toThrow("h: must be > 0 (got 0)");
    expect(() => cusumAverageRunLength(0.5, 5, Number.POSITIVE_INFINITY)).toThrow(
      "shift: must be a finite number (got Infinity)",
    );
  });

  it("in-control ARL by seeded Monte Carlo matches Montgomery's 465 for h 5 (two-sided)", () => {
    const arl = meanRunLength(new CusumDetector({ k: 0.5, h: 5 }), new SeededRng(99), 1500, 0);
    // Relative sd of the mean ≈ 2.6 %; allow ±12 %.
    expect(arl).toBeGreaterThan(465 * 0.88);
    expect(arl).toBeLessThan(465 * 1.12);
  });

  it("out-of-control ARL for a 1σ shift is about 10.4 samples (h 5)", () => {
    const arl = meanRunLength(new CusumDetector({ k: 0.5, h: 5 }), new SeededRng(5), 2000, 1);
    expect(arl).toBeGreaterThan(9.8);
    expect(arl).toBeLessThan(11);
  });
});
