import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { ChiSquareDetector } from "../../src/detect/detectors/chiSquare.js";

describe("chi-square detector", () => {
  it("vector samples against the 2-dof quantile (-2 ln alpha)", () => {
    const d = new ChiSquareDetector({ dimension: 2, alpha: 0.05 });
    expect(d.limit).toBeCloseTo(-2 * Math.log(0.05), 12);
    expect(d.updateVector([1, 2])).toBe(false);
    expect(d.statistic).toBeCloseTo(5, 14);
    expect(d.updateVector(new Float64Array([2, 2]))).toBe(true);
    expect(d.statistic).toBeCloseTo(8, 14);
    expect(d.direction).toBe(0);
  });

  it("windowed: the limit follows the samples in the window", () => {
    const d = new ChiSquareDetector({ dimension: 1, window: 3, alpha: 0.05 });
    const lim = [3.841458820694124, 5.991464547107979, 7.814727903251179];
    const stats = [2.25, 4.5, 8.5, 6.25, 4.0];
    const alarms = [false, false, true, false, false];
    [1.5, 1.5, 2, 0, 0].forEach((x, i) => {
      expect(d.update(x)).toBe(alarms[i]);
      expect(d.statistic).toBeCloseTo(stats[i]!, 12);
      expect(d.limit).toBeCloseTo(lim[Math.min(i, 2)]!, 10);
    });
    expect(d.dof).toBe(3);
  });

  it("gaps and validation (misuse: the whole messages below)", () => {
    const d = new ChiSquareDetector({ dimension: 2 });
    d.updateVector([Number.NaN, 1]);
    expect(d.samples).toBe(0);
    expect(() => new ChiSquareDetector({ window: 0 })).toThrow(/chi_square\.window/);
    expect(() => new ChiSquareDetector({ dimension: 0 })).toThrow(/chi_square\.dimension.*got 0/);
    expect(() => new ChiSquareDetector({ alpha: 0 })).toThrow(/chi_square\.alpha.*got 0/); // open at 0 too
  });

  it("misuse and bad options are refused with the whole message (field: problem (got value))", () => {
    const d = new ChiSquareDetector({ dimension: 2 });
    expect(() => d.update(1)).toThrow(
      "chi_square.dimension: update(x) takes one component; use updateVector(z) for more (got 2)",
    );
    expect(() => d.updateVector([1])).toThrow("z.length: must be >= chi_square.dimension (2) (got 1)");
    expect(() => new ChiSquareDetector({ alpha: 1 })).toThrow("chi_square.alpha: must be in (0, 1) (got 1)");
    expect(() => new ChiSquareDetector({ dimension: 65 })).toThrow(
      "chi_square.dimension: must be an integer in [1, 64] (got 65)",
    );
  });

  it("alarms when the statistic reaches the limit exactly", () => {
    // A sample whose square is the limit to the last bit: about half of all doubles are squares, so
    // one of a few alphas gives one within a few ulps of sqrt(limit).
    const bits = new DataView(new ArrayBuffer(8));
    const step = (x: number, ulps: number): number => {
      bits.setFloat64(0, x);
      bits.setBigInt64(0, bits.getBigInt64(0) + BigInt(ulps));
      return bits.getFloat64(0);
    };
    let found = 0;
    for (const alpha of [0.05, 0.01, 0.001, 0.1, 0.2, 0.3, 0.02, 0.005]) {
      const d = new ChiSquareDetector({ alpha });
      const x = [-2, -1, 0, 1, 2].map((u) => step(Math.sqrt(d.limit), u)).find((v) => v * v === d.limit);
      if (x === undefined) continue;
      found++;
      expect(d.update(x)).toBe(true);
      expect(d.statistic).toBe(d.limit);
      expect(d.score).toBe(1);
    }
    expect(found).toBeGreaterThan(0);
  });

  it("a non-finite scalar is a gap: neither counted nor summed", () => {
    const d = new ChiSquareDetector({ window: 2, alpha: 0.05 });
    expect(d.update(2)).toBe(true); // 4 >= 3.84 (1 dof)
    expect(d.update(Number.NaN)).toBe(true); // the alarm as it was
    expect(d.update(Number.NEGATIVE_INFINITY)).toBe(true);
    expect(d.samples).toBe(1);
    expect(d.statistic).toBe(4);
    expect(d.dof).toBe(1);
    expect(d.update(1)).toBe(false); // 5 < 5.99 (2 dof)
    expect(d.samples).toBe(2);
    expect(d.statistic).toBe(5);
  });

  it("window 1: the statistic is each sample's square, also after a huge spike", () => {
    // A running sum would keep 1e20 + (1 - 1e20) = 0 for the sample after the spike and stay 1 low.
    const d = new ChiSquareDetector();
    expect(d.update(1e10)).toBe(true);
    expect(d.statistic).toBe(1e20);
    // Limit: the upper 1e-3 quantile of chi-square with 1 dof, 10.828 (tables).
    const xs = [1, 3, 3.5, 0.5];
    const alarms = [false, false, true, false];
    xs.forEach((x, i) => {
      expect(d.update(x)).toBe(alarms[i]);
      expect(d.statistic).toBe(x * x);
      expect(d.samples).toBe(i + 2);
    });
  });

  it("reset makes it a new detector: the same samples give the same statistics to the last bit", () => {
    // Spikes and small values make the running sum's rounding depend on where each sample sits in
    // the ring and on when the sum was last re-added.
    const after = [1e8, 1, 1, 3, 0.5, 1e8, 2, 1, 1, 1, 0, 0.25];
    for (const before of [[], [5], [5, 1e8], [1e8, 7, 1, 2, 9, 1e8, 3, 0.1]]) {
      const used = new ChiSquareDetector({ window: 3, alpha: 0.01 });
      for (const x of before) used.update(x);
      used.reset();
      const fresh = new ChiSquareDetector({ window: 3, alpha: 0.01 });
      expect(used.samples).toBe(0);
      expect(used.statistic).toBe(0);
      expect(used.limit).toBe(fresh.limit);
      expect(used.dof).toBe(1);
      for (const x of after) {
        expect(used.update(x)).toBe(fresh.update(x));
        expect(used.statistic).toBe(fresh.statistic);
        expect(used.limit).toBe(fresh.limit);
        expect(used.dof).toBe(fresh.dof);
        expect(used.samples).toBe(fresh.samples);
      }
    }
  });

  it("re-added once per window: exact again at most w - 1 samples after a huge sample leaves", () => {
    // Window 3: a spike of 1e20 (squared) among ones. The running sum loses the ones while the
    // spike is in it; the exact re-add every 3 samples restores 3 at the latest 2 samples after
    // the spike leaves, whatever the phase of the spike.
    for (let before = 0; before < 6; before++) {
      const d = new ChiSquareDetector({ window: 3 });
      const xs = [...Array<number>(before).fill(1), 1e10, ...Array<number>(10).fill(1)];
      xs.forEach((x, i) => {
        d.update(x);
        if (i >= before + 5) expect(d.statistic).toBe(3);
      });
    }
  });

  it("between the re-adds the statistic is the running sum (one add, one subtract per sample), not a new sum", () => {
    // Window 2, squares 1e20, 1, 1, 1 (all exact doubles; the ulp of 1e20 is 16384), by hand:
    // 1: 0 + (1e20 - 0) = 1e20; the first sample of the window, no re-add.
    // 2: 1e20 + (1 - 0) = 1e20; second sample: re-added, 1e20 + 1 = 1e20.
    // 3: 1e20 + (1 - 1e20) = 1e20 - 1e20 = 0: the running sum has lost both ones (the exact sum
    //    is 2), and this sample is not a re-add.
    // 4: 0 + (1 - 1) = 0, then the re-add: 1 + 1 = 2.
    // The re-add costs w additions, so it runs once per window; this pins that schedule (the
    // sample between re-adds is O(1)), whose price is the transient 0 at sample 3.
    const d = new ChiSquareDetector({ window: 2 });
    const statistics = [1e10, 1, 1, 1].map((x) => {
      d.update(x);
      return d.statistic;
    });
    expect(statistics).toEqual([1e20, 1e20, 0, 2]);
  });

  it("the statistic, a sum of squares, never goes below 0 when a huge sample leaves the window", () => {
    const d = new ChiSquareDetector({ window: 3 });
    for (const x of [1e10, 1, 1, 1, 0, 0, 0, 0, 0]) {
      d.update(x);
      expect(d.statistic).toBeGreaterThanOrEqual(0);
    }
    expect(d.statistic).toBe(0);
  });

  it("running sum stays exact over a long run with large spikes", () => {
    const d = new ChiSquareDetector({ window: 4 });
    const rng = new SeededRng(3);
    const last: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const x = i % 997 === 0 ? 1e6 : rng.normal();
      d.update(x);
      last.push(x * x);
      if (last.length > 4) last.shift();
    }
    expect(d.statistic).toBeCloseTo(
      last.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it("unwindowed ARL0 is 1/alpha (seeded Monte Carlo, 3-dimensional innovations)", () => {
    const rng = new SeededRng(42);
    const d = new ChiSquareDetector({ dimension: 3, alpha: 0.01 });
    const z = new Float64Array(3);
    const runs = 3000;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      d.reset();
      let n = 0;
      do {
        n++;
        z[0] = rng.normal();
        z[1] = rng.normal();
        z[2] = rng.normal();
      } while (!d.updateVector(z));
      total += n;
    }
    expect(total / runs).toBeGreaterThan(92);
    expect(total / runs).toBeLessThan(108);
  });
});
