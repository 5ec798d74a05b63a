import { describe, expect, it } from "vitest";
import {
  resolveTimeConstantOptions,
  TimeConstantEstimator,
  type TimeConstantOptions,
} from "../../src/detect/performance/timeConstantEstimator.js";
import { configMessage } from "./configMessage.js";

/**
 * Feeds block means: block k is two samples, at t0 + 2k and t0 + 2k + 1, both reading `means[k]`.
 * With 1 s blocks each closes at its second sample with the mean exactly `means[k]` at
 * t0 + 2k + 0.5: the blocks are 2 s apart, and the 1 s between blocks is exactly `maxGapS` (not
 * a gap). Forgetting 1 makes the fit ordinary least squares, so the sums below are by hand.
 */
function feed(e: TimeConstantEstimator, means: readonly number[], t0 = 0): TimeConstantEstimator {
  means.forEach((v, k) => {
    e.update(t0 + 2 * k, v);
    e.update(t0 + 2 * k + 1, v);
  });
  return e;
}
function estimator(options: TimeConstantOptions = {}): TimeConstantEstimator {
  return new TimeConstantEstimator({ blockS: 1, maxGapS: 1, forgetting: 1, ...options });
}
/** y_{k+1} = 0.5 y_k + c: block means of a first-order response with φ = 0.5, τ = 2 / ln 2 s. */
const geometric = (from: number, to: number, n: number) =>
  Array.from({ length: n }, (_, k) => to + (from - to) * 0.5 ** k);
const TAU = 2 / Math.LN2;

describe("time constant options", () => {
  it("defaults as documented", () => {
    expect(resolveTimeConstantOptions()).toStrictEqual({
      blockS: 10,
      forgetting: 0.995,
      maxGapS: 5,
      maxRelativeStd: 0.1,
      restartSigmas: 6,
      minSegmentBlocks: 10,
    });
  });

  it("takes every option given, the edges of the ranges included", () => {
    const given = {
      blockS: 2,
      forgetting: 0.5,
      maxGapS: 3,
      maxRelativeStd: 0.2,
      restartSigmas: 4,
      minSegmentBlocks: 3,
    };
    expect(resolveTimeConstantOptions(given)).toStrictEqual(given);
    expect(new TimeConstantEstimator(given).options).toStrictEqual(given);
    expect(resolveTimeConstantOptions({ forgetting: 1 }).forgetting).toBe(1);
  });

  it("names each option it refuses and the value", () => {
    const cases: [TimeConstantOptions, string][] = [
      [{ blockS: 0 }, "timeConstant.blockS: must be > 0 (got 0)"],
      [{ forgetting: 0.4 }, "timeConstant.forgetting: must be in [0.5, 1] (got 0.4)"],
      [{ forgetting: 1.01 }, "timeConstant.forgetting: must be in [0.5, 1] (got 1.01)"],
      [{ maxGapS: 0 }, "timeConstant.maxGapS: must be > 0 (got 0)"],
      [{ maxRelativeStd: 0 }, "timeConstant.maxRelativeStd: must be > 0 (got 0)"],
      [{ restartSigmas: 0 }, "timeConstant.restartSigmas: must be > 0 (got 0)"],
      [{ minSegmentBlocks: 2 }, "timeConstant.minSegmentBlocks: must be an integer in [3, 1000000] (got 2)"],
    ];
    for (const [options, text] of cases)
      expect(configMessage(() => resolveTimeConstantOptions(options))).toBe(text);
  });
});

describe("the time constant of exact block means", () => {
  it("needs three pairs of blocks, then gives φ = 0.5 and τ = 2 / ln 2", () => {
    const e = estimator();
    const means = geometric(36, 20, 31);
    expect(e.decayFactor).toBeNaN();
    expect(e.blockSpacingS).toBeNaN();
    feed(e, means.slice(0, 3));
    expect(e.blocks).toBe(3);
    expect(e.blockSpacingS).toBe(2);
    expect(e.decayFactor).toBeNaN();
    expect(e.timeConstantS).toBeNaN();
    feed(e, means.slice(3, 4), 6);
    expect(e.decayFactor).toBeCloseTo(0.5, 12);
    expect(e.timeConstantS).toBeCloseTo(TAU, 10);
    expect(e.timeConstantAtS).toBe(7);
    feed(e, means.slice(4), 8);
    expect(e.blocks).toBe(31);
    expect(e.restarts).toBe(0);
    expect(e.blockSpacingS).toBe(2);
    expect(e.decayFactor).toBeCloseTo(0.5, 12);
    expect(e.decayFactorStd).toBeLessThan(1e-9);
    expect(e.timeConstantS).toBeCloseTo(TAU, 10);
    expect(e.timeConstantStdS).toBeGreaterThanOrEqual(0);
    expect(e.timeConstantStdS).toBeLessThan(1e-6);
    expect(e.timeConstantAtS).toBe(61);
  });

  it("averages the block spacing (0.9 of the last average, 0.1 of the new interval)", () => {
    // Blocks at mean times 0.5, 2.5 and 6.5 s: intervals 2 then 4, spacing 0.9 × 2 + 0.1 × 4.
    const e = new TimeConstantEstimator({ blockS: 1, maxGapS: 10 });
    for (const t of [0, 1, 2, 3, 6, 7]) e.update(t, 30);
    expect(e.blocks).toBe(3);
    expect(e.blockSpacingS).toBeCloseTo(2.2, 12);
  });

  it("says nothing about a signal that never moves", () => {
    const e = feed(
      estimator(),
      Array.from({ length: 40 }, () => 30),
    );
    expect(e.blocks).toBe(40);
    expect(e.decayFactor).toBeNaN();
    expect(e.timeConstantS).toBeNaN();
    expect(e.restarts).toBe(0);
  });

  it("ignores non-finite samples", () => {
    const e = estimator();
    const means = geometric(36, 20, 8);
    means.forEach((v, k) => {
      e.update(2 * k, v);
      e.update(2 * k + 0.5, Number.NaN);
      e.update(Number.NaN, 1000);
      e.update(2 * k + 0.7, Number.POSITIVE_INFINITY);
      e.update(2 * k + 1, v);
    });
    expect(e.blocks).toBe(8);
    expect(e.blockSpacingS).toBe(2);
    expect(e.decayFactor).toBeCloseTo(0.5, 12);
    expect(e.timeConstantS).toBeCloseTo(TAU, 10);
  });
});

describe("the time constant's least squares, worked by hand", () => {
  it("fits four pairs off the line (ordinary least squares, delta-method uncertainty)", () => {
    // Block means 36, 28, 24, 22, 21.5; relative to the first, x = 0, -8, -12, -14 and
    // y = -8, -12, -14, -14.5. Σx = -34, Σy = -48.5, Σx² = 404, Σxy = 467, Σy² = 614.25, so
    // Sxx = 404 - 4 × 8.5² = 115, Sxy = 467 - 4 × 8.5 × 12.125 = 54.75,
    // Syy = 614.25 - 4 × 12.125² = 26.1875; φ = Sxy / Sxx, s² = (Syy - φ Sxy) / (4 - 2),
    // σ_φ = sqrt(s² / Sxx); τ = -Δ / ln φ and σ_τ = Δ σ_φ / (φ ln² φ) with Δ = 2 s.
    const e = feed(estimator(), [36, 28, 24, 22, 21.5]);
    const phi = 54.75 / 115;
    const s2 = (26.1875 - phi * 54.75) / 2;
    const phiStd = Math.sqrt(s2 / 115);
    const lnPhi = Math.log(phi);
    expect(e.restarts).toBe(0);
    expect(e.decayFactor).toBeCloseTo(phi, 12);
    expect(e.decayFactorStd).toBeCloseTo(phiStd, 10);
    expect(e.timeConstantS).toBeCloseTo(-2 / lnPhi, 10);
    expect(e.timeConstantStdS).toBeCloseTo((2 * phiStd) / (phi * lnPhi * lnPhi), 10);
    // σ_τ / τ is about 0.065: not published with a limit of 0.06, the previous value (from three
    // pairs, an exact fit with φ = 0.5) kept.
    const strict = feed(estimator({ maxRelativeStd: 0.06 }), [36, 28, 24, 22, 21.5]);
    expect(strict.decayFactor).toBeCloseTo(phi, 12);
    expect(strict.timeConstantS).toBeCloseTo(TAU, 10);
    expect(strict.timeConstantAtS).toBe(7);
  });

  it("publishes τ when σ_τ / τ is exactly maxRelativeStd", () => {
    // The four pairs above: σ_τ / τ from the estimator's own φ, σ_φ and Δ, by the formulas of the
    // delta method (the same floating-point operations); as the limit it is met, so τ is
    // published for the fourth pair (at 9 s) rather than kept from the third.
    const means = [36, 28, 24, 22, 21.5];
    const probe = feed(estimator(), means);
    const phi = probe.decayFactor;
    const d = probe.blockSpacingS;
    const lnPhi = Math.log(phi);
    const tau = -d / lnPhi;
    const ratio = (d * probe.decayFactorStd) / (phi * lnPhi * lnPhi) / tau;
    expect(ratio).toBeGreaterThan(0.06);
    expect(ratio).toBeLessThan(0.07);
    const e = feed(estimator({ maxRelativeStd: ratio }), means);
    expect(e.timeConstantS).toBe(tau);
    expect(e.timeConstantAtS).toBe(9);
  });

  it("gives no fit while the regressor's spread is at most 1e-12 per unit weight", () => {
    // Means 0, 2a, 0, 2a, 0: x = 0, 2a, 0, 2a, so Sxx = 8a² - 4a² = 4a² over four pairs
    // (8a²/3 over three), every step exact for a = 1e-6, where a² is the double 1e-12: the
    // floor 1e-12 × Σw is reached, not passed, and no φ is fitted. Twice the spread fits φ = -1
    // (y = 2a - x).
    expect(feed(estimator(), [0, 2e-6, 0, 2e-6, 0]).decayFactor).toBeNaN();
    const wider = feed(estimator(), [0, 4e-6, 0, 4e-6]);
    expect(wider.decayFactor).toBeCloseTo(-1, 12);
    expect(feed(wider, [0], 8).decayFactor).toBeCloseTo(-1, 12);
    expect(wider.timeConstantS).toBeNaN();
  });

  it("publishes no τ for a growing signal (φ > 1)", () => {
    // 21, 22, 24, 28, 36, 52: y_{k+1} = 2 y_k - 20.
    const e = feed(estimator(), [21, 22, 24, 28, 36, 52]);
    expect(e.restarts).toBe(0);
    expect(e.decayFactor).toBeCloseTo(2, 12);
    expect(e.timeConstantS).toBeNaN();
    expect(e.timeConstantStdS).toBeNaN();
  });

  it("weights older pairs by the forgetting factor", () => {
    // Forgetting 0.5, means 36, 28, 24, 21: x = 0, -8, -12 and y = -8, -12, -15 with weights
    // 0.25, 0.5, 1 (Σw = 1.75): Σwx = -16, Σwy = -23, Σwx² = 176, Σwxy = 228, Σwy² = 313, so
    // Sxx = 176 - 16²/1.75 = 52/1.75, Sxy = 228 - 16 × 23/1.75 = 31/1.75,
    // Syy = 313 - 23²/1.75 = 18.75/1.75 and φ = 31/52. Σw - 2 < 0, so s² divides by the floor
    // 1e-12: s² = (Syy - φ Sxy) / 1e-12 = (14/52)/1.75 × 1e12 and σ_φ = sqrt(s² / Sxx)
    // = sqrt(14) / 52 × 1e6, far too wide to publish τ.
    const e = feed(estimator({ forgetting: 0.5 }), [36, 28, 24, 21]);
    expect(e.decayFactor).toBeCloseTo(31 / 52, 12);
    expect(e.decayFactorStd / ((Math.sqrt(14) / 52) * 1e6)).toBeCloseTo(1, 6);
    expect(e.timeConstantS).toBeNaN();
  });
});

describe("the time constant's segment restarts", () => {
  it("before minSegmentBlocks pairs, compares the error with restartSigmas spreads of the segment", () => {
    // Means 10, 9, 10, 11, then X. Relative to 10 the first three pairs' y are -1, 0, 1: mean 0,
    // spread sqrt(2 / 2) = 1. With restartSigmas 2 the fourth pair restarts iff |X - 10| > 2.
    const restarts = (x: number) => feed(estimator({ restartSigmas: 2 }), [10, 9, 10, 11, x]).restarts;
    expect(restarts(12)).toBe(0);
    expect(restarts(12.5)).toBe(1);
    expect(restarts(11.5)).toBe(0);
    expect(restarts(8)).toBe(0);
    expect(restarts(7.5)).toBe(1);
  });

  it("from minSegmentBlocks pairs on, compares it with the fit's residual", () => {
    // Means 36, 28, 24, 22 lie on φ = 0.5 (residual 0); the next, 21.5, is 0.5 off the fit's 21
    // but well inside the spread of y (-8, -12, -14: about 3 K).
    expect(feed(estimator({ minSegmentBlocks: 3 }), [36, 28, 24, 22, 21.5]).restarts).toBe(1);
    expect(feed(estimator({ minSegmentBlocks: 4 }), [36, 28, 24, 22, 21.5]).restarts).toBe(0);
  });

  it("does not check a segment of fewer than three pairs", () => {
    // Four equal means (three pairs, spread 0), then a step: restart at the fourth pair.
    expect(feed(estimator(), [30, 30, 30, 30, 40]).restarts).toBe(1);
    // Three equal means (two pairs), then the step: the pair joins the segment unchecked.
    expect(feed(estimator(), [30, 30, 30, 40]).restarts).toBe(0);
  });

  it("after a step from a steady stretch, fits the new response without the straddling pairs", () => {
    // 30 for `steady` blocks, then 32, 36, 38, 39, ... towards 40 (φ = 0.5). The pair (30, 32)
    // reveals the step (spread 0: any change restarts); it and (32, 36) are skipped; the fit of
    // the rest is exact. With 14 steady blocks the steady segment has more than minSegmentBlocks
    // pairs, but no fit (no spread in x), so the spread decides there too.
    for (const steady of [5, 14]) {
      const e = feed(
        estimator(),
        Array.from({ length: steady + 1 }, (_, k) => (k < steady ? 30 : 32)),
      );
      expect(e.restarts).toBe(1);
      feed(e, geometric(32, 40, 20).slice(1), 2 * steady + 2);
      expect(e.restarts).toBe(1);
      expect(e.decayFactor).toBeCloseTo(0.5, 12);
      expect(e.decayFactorStd).toBeLessThan(1e-9);
      expect(e.timeConstantS).toBeCloseTo(TAU, 10);
    }
  });

  it("a gap longer than maxGapS restarts the segment and the block without counting a restart", () => {
    // φ = 0.5 towards 20 for six blocks (t = 0..11), a stray sample opening a block at 12 s,
    // then from 20 s on φ = 0.5 towards 50: neither the stray sample nor a pair across the gap
    // enters the fit.
    const e = feed(estimator(), geometric(36, 20, 6));
    e.update(12, 99);
    expect(e.blocks).toBe(6);
    e.update(20, 34);
    expect(e.blocks).toBe(6);
    e.update(21, 34);
    expect(e.blocks).toBe(7);
    feed(e, geometric(34, 50, 20).slice(1), 22);
    expect(e.blocks).toBe(26);
    expect(e.restarts).toBe(0);
    expect(e.blockSpacingS).toBe(2);
    expect(e.decayFactor).toBeCloseTo(0.5, 12);
    expect(e.decayFactorStd).toBeLessThan(1e-7);
    expect(e.timeConstantS).toBeCloseTo(TAU, 10);
    expect(e.timeConstantAtS).toBe(59);
  });
});

describe("the time constant estimator's reset", () => {
  it("gives a new estimator's figures, and behaves as one afterwards", () => {
    const used = feed(estimator({ restartSigmas: 2 }), [10, 9, 10, 11, 20, 21, 22]);
    expect(used.restarts).toBe(1);
    used.update(14, 5);
    used.reset();
    const fresh = estimator({ restartSigmas: 2 });
    const figures = (e: TimeConstantEstimator) => [
      e.blocks,
      e.restarts,
      e.blockSpacingS,
      e.decayFactor,
      e.decayFactorStd,
      e.timeConstantS,
      e.timeConstantStdS,
      e.timeConstantAtS,
    ];
    expect(figures(used)).toStrictEqual([
      0,
      0,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    // Fed again from a later rig time: the same figures as a new one, hand-worked above.
    feed(used, [36, 28, 24, 22, 21.5], 100);
    feed(fresh, [36, 28, 24, 22, 21.5], 100);
    expect(figures(used)).toStrictEqual(figures(fresh));
    expect(used.decayFactor).toBeCloseTo(54.75 / 115, 12);
    expect(used.blocks).toBe(5);
  });
});
