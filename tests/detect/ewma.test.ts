import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { EwmaDetector, ewmaAverageRunLength } from "../../src/detect/detectors/ewma.js";

describe("EWMA detector", () => {
  it("follows a hand-computed sequence (λ 0.5, L 2, asymptotic limits)", () => {
    const d = new EwmaDetector({ lambda: 0.5, L: 2 });
    const limit = 2 * Math.sqrt(0.5 / 1.5);
    const zs = [0.5, 0.75, 1.375, -0.8125];
    const alarms = [false, false, true, false];
    const dirs = [1, 1, 1, -1];
    [1, 1, 2, -3].forEach((x, i) => {
      expect(d.update(x)).toBe(alarms[i]);
      expect(d.value).toBeCloseTo(zs[i]!, 14);
      expect(d.statistic).toBeCloseTo(Math.abs(zs[i]!), 14);
      expect(d.limit).toBeCloseTo(limit, 14);
      expect(d.score).toBeCloseTo(Math.abs(zs[i]!) / limit, 14);
      expect(d.direction).toBe(dirs[i]);
    });
  });

  it("exact limits are narrower at the start", () => {
    const exact = new EwmaDetector({ lambda: 0.5, L: 2, exactLimits: true });
    const asym = new EwmaDetector({ lambda: 0.5, L: 2 });
    // t = 1: σ_z = sqrt(λ/(2-λ) (1 - 0.25)) = 0.5, limit 1.0; z = 1.05 alarms only with exact limits.
    expect(exact.update(2.1)).toBe(true);
    expect(exact.limit).toBeCloseTo(1.0, 14);
    expect(asym.update(2.1)).toBe(false);
    exact.update(2.1);
    expect(exact.limit).toBeCloseTo(2 * Math.sqrt((0.5 / 1.5) * (1 - 0.5 ** 4)), 14);
  });

  it("exact limits before the first sample and after a reset are the first sample's", () => {
    // t = 1: σ_z = sqrt(λ/(2-λ) (1 - (1-λ)²)) = sqrt(1/3 · 3/4) = 0.5 for λ 0.5, so the limit is 2 · 0.5.
    const d = new EwmaDetector({ lambda: 0.5, L: 2, exactLimits: true });
    expect(d.limit).toBeCloseTo(1.0, 14);
    d.update(0.1);
    d.update(0.1);
    d.reset();
    expect(d.limit).toBeCloseTo(1.0, 14);
    expect(d.alarm).toBe(false);
  });

  it("alarms at exactly the limit; the direction is the sign of z - target, 0 at the target", () => {
    // λ 1: σ_z = σ, so the limit is L σ = 2 exactly and z is the last sample.
    const d = new EwmaDetector({ lambda: 1, L: 2, target: 20 });
    expect(d.limit).toBe(2);
    expect(d.update(20)).toBe(false);
    expect(d.direction).toBe(0);
    expect(d.update(22)).toBe(true);
    expect(d.direction).toBe(1);
    expect(d.update(18)).toBe(true);
    expect(d.direction).toBe(-1);
    expect(d.update(19)).toBe(false);
    expect(d.direction).toBe(-1);
  });

  it("no alarm before the first sample, even when the limit underflows to 0", () => {
    // L σ sqrt(λ / (2 - λ)) = 1e-400 · 0.577 is 0 in double precision: every sample alarms.
    const d = new EwmaDetector({ L: 1e-200, sigma: 1e-200 });
    expect(d.limit).toBe(0);
    expect(d.alarm).toBe(false);
    expect(d.update(0)).toBe(true);
    d.reset();
    expect(d.alarm).toBe(false);
  });

  it("reset makes it a new detector: the same samples give the same values to the last bit", () => {
    const after = [0.3, 2.5, -1, 0.1, 4, 0, -3];
    for (const exactLimits of [false, true]) {
      const options = { lambda: 0.3, L: 2.5, sigma: 0.8, target: 0.2, exactLimits };
      const used = new EwmaDetector(options);
      for (const x of [3, 3, 3, -1]) used.update(x);
      used.reset();
      const fresh = new EwmaDetector(options);
      expect(used.value).toBe(0.2);
      expect(used.samples).toBe(0);
      expect(used.limit).toBe(fresh.limit);
      for (const x of after) {
        expect(used.update(x)).toBe(fresh.update(x));
        expect(used.value).toBe(fresh.value);
        expect(used.limit).toBe(fresh.limit);
        expect(used.samples).toBe(fresh.samples);
      }
    }
  });

  it("the statistic is a magnitude: +0, never -0, at the target and on the side not watched", () => {
    // λ 1: z is the last sample. A sample of -0 after a negative one makes z = -0 + 0 · (-1) = -0.
    const upper = new EwmaDetector({ lambda: 1, side: "upper" });
    upper.update(-1);
    upper.update(-0);
    expect(upper.value).toBe(-0);
    expect(upper.statistic).toBe(0);
    const lower = new EwmaDetector({ lambda: 1, target: 20, side: "lower" });
    lower.update(20);
    expect(lower.statistic).toBe(0);
    const both = new EwmaDetector({ lambda: 1, target: 20 });
    both.update(20);
    expect(both.statistic).toBe(0);
  });

  it("bad options are refused with the whole message (field: problem (got value))", () => {
    expect(() => new EwmaDetector({ lambda: 0 })).toThrow("ewma.lambda: must be in (0, 1] (got 0)");
    expect(() => new EwmaDetector({ lambda: 1.5 })).toThrow("ewma.lambda: must be in (0, 1] (got 1.5)");
    expect(() => new EwmaDetector({ exactLimits: "yes" as never })).toThrow(
      'ewma.exactLimits: must be true or false (got "yes")',
    );
    expect(() => new EwmaDetector({ side: "up" as never })).toThrow(
      'ewma.side: must be one of both, upper, lower (got "up")',
    );
  });

  it("one-sided statistics, target and sigma", () => {
    const d = new EwmaDetector({ lambda: 1, L: 3, sigma: 0.1, target: 20, side: "upper" });
    expect(d.update(19)).toBe(false);
    expect(d.statistic).toBe(0);
    expect(d.update(20.31)).toBe(true);
    expect(d.limit).toBeCloseTo(0.3, 14);
    const lower = new EwmaDetector({ lambda: 1, L: 3, sigma: 0.1, target: 20, side: "lower" });
    lower.update(21);
    expect(lower.statistic).toBe(0); // above the target: the side not watched
    lower.update(19.5);
    expect(lower.statistic).toBe(0.5);
  });

  it("gaps, reset and validation", () => {
    const d = new EwmaDetector({ lambda: 0.5 });
    d.update(1);
    d.update(Number.POSITIVE_INFINITY);
    expect(d.value).toBe(0.5);
    expect(d.samples).toBe(1);
    d.reset();
    expect(d.value).toBe(0);
    expect(d.alarm).toBe(false);
    expect(() => new EwmaDetector({ L: -1 })).toThrow(/ewma\.L/);
    expect(() => new EwmaDetector({ target: Number.NaN })).toThrow(/ewma\.target.*got NaN/);
    expect(() => new EwmaDetector({ sigma: Number.NaN })).toThrow(/ewma\.sigma/);
  });

  it("Markov-chain ARL reproduces Lucas & Saccucci's table", () => {
    expect(ewmaAverageRunLength(0.1, 2.814, 0)).toBeGreaterThan(495);
    expect(ewmaAverageRunLength(0.1, 2.814, 0)).toBeLessThan(505);
    expect(ewmaAverageRunLength(0.1, 2.814, 1)).toBeCloseTo(10.3, 0);
    expect(ewmaAverageRunLength(0.4, 3.054, 0.5)).toBeCloseTo(71.2, 0);
    expect(ewmaAverageRunLength(0.2, 2.962, 2)).toBeCloseTo(3.7, 1);
  });

  it("Markov-chain ARL on coarse grids where the elimination swaps rows (small λ)", () => {
    // The same chain (Brook & Evans, states cells over the in-control band) solved independently:
    // scipy.stats.norm.cdf for the transition probabilities and numpy.linalg.solve (LAPACK) for
    // (I - Q) arl = 1, the middle state's entry.
    const cases: readonly (readonly [
      lambda: number,
      L: number,
      shift: number,
      states: number,
      arl: number,
    ])[] = [
      [0.05, 3, 0, 11, 710.9198959993435],
      [0.05, 2.615, 0, 11, 337.49410279012767],
      [0.01, 5, -1, 21, 59.05733302919176],
      [0.01, 10, -1, 51, 138.87274400171725],
      [0.01, 3, -3, 11, 7.187231051270459], // a swap at every column, the first one too
    ];
    for (const [lambda, L, shift, states, arl] of cases) {
      expect(Math.abs(ewmaAverageRunLength(lambda, L, shift, states) / arl - 1)).toBeLessThan(1e-12);
    }
  });

  it("the ARL's bad arguments are refused with the whole message", () => {
    expect(() => ewmaAverageRunLength(0, 3)).toThrow("lambda: must be in (0, 1] (got 0)");
    expect(() => ewmaAverageRunLength(0.2, 0)).toThrow("L: must be > 0 (got 0)");
    expect(() => ewmaAverageRunLength(0.2, 3, Number.NaN)).toThrow(
      "shift: must be a finite number (got NaN)",
    );
    expect(() => ewmaAverageRunLength(0.2, 3, 0, 10)).toThrow(
      "states: must be an integer in [11, 1001] (got 10)",
    );
    expect(() => ewmaAverageRunLength(0.2, 3, 0, 1002)).toThrow(
      "states: must be an integer in [11, 1001] (got 1002)",
    );
  });

  it("in-control ARL by seeded Monte Carlo is in the documented ballpark (≈500)", () => {
    const rng = new SeededRng(2024);
    const d = new EwmaDetector({ lambda: 0.2, L: 2.962 });
    const runs = 1500;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      d.reset();
      let n = 0;
      do n++;
      while (!d.update(rng.normal()));
      total += n;
    }
    const arl = total / runs;
    // Relative sd of the mean of 1500 near-geometric run lengths ≈ 2.6 %; allow ±12 %.
    expect(arl).toBeGreaterThan(440);
    expect(arl).toBeLessThan(560);
  });

  it("out-of-control ARL for a 1σ shift is about 10.5 samples", () => {
    const rng = new SeededRng(7);
    const d = new EwmaDetector({ lambda: 0.2, L: 2.962 });
    const runs = 2000;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      d.reset();
      let n = 0;
      do n++;
      while (!d.update(1 + rng.normal()));
      total += n;
    }
    expect(total / runs).toBeGreaterThan(9.8);
    expect(total / runs).toBeLessThan(11.2);
  });
});
