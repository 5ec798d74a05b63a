import { describe, expect, it } from "vitest";
import {
  resolveStabilityOptions,
  StabilityClassifier,
  type StabilityOptions,
} from "../../src/detect/performance/stabilityClassifier.js";
import { configMessage } from "./configMessage.js";

const EMPTY = {
  stabilityClass: "unknown",
  slopeKPerS: Number.NaN,
  firstHalfSlopeKPerS: Number.NaN,
  secondHalfSlopeKPerS: Number.NaN,
  zeroCrossings: 0,
  oscillationAmplitudeK: Number.NaN,
  oscillationPeriodS: Number.NaN,
  spanS: 0,
  atS: Number.NaN,
};

/**
 * A classifier with 1 s blocks and a 20-block window, fed block means: block j is two samples,
 * at t = 2j and 2j + 1, both reading `means[j]`, so its mean is exactly `means[j]` at 2j + 0.5
 * and, relative to the first block, the window's times are 0, 2, ..., 38 (mean 19; each half's
 * mean 9 and 29). With dyadic values every sum below is exact.
 */
function fed(means: readonly number[], options: StabilityOptions = {}) {
  const s = new StabilityClassifier({ blockS: 1, windowS: 20, ...options });
  means.forEach((v, j) => {
    s.update(2 * j, v);
    s.update(2 * j + 1, v);
  });
  return s;
}

/** 20 block means 20 + a × r, r from a pattern of +1/-1/0 (its mirror image completes it). */
function mirrored(firstHalf: readonly number[], a: number): number[] {
  const half = firstHalf.map((r) => 20 + a * r);
  return [...half, ...[...half].reverse()];
}

describe("stability options", () => {
  it("defaults as documented", () => {
    expect(resolveStabilityOptions()).toStrictEqual({
      blockS: 5,
      windowS: 300,
      steadySlopeKPerS: 0.002,
      settleRatio: 0.85,
      oscillationBandK: 0.1,
      minCrossings: 4,
      minAmplitudeK: 0.2,
      maxGapS: 30,
    });
  });

  it("takes every option given", () => {
    const given = {
      blockS: 2,
      windowS: 16,
      steadySlopeKPerS: 0.01,
      settleRatio: 0.5,
      oscillationBandK: 0.3,
      minCrossings: 6,
      minAmplitudeK: 0.7,
      maxGapS: 9,
    };
    expect(resolveStabilityOptions(given)).toStrictEqual(given);
    expect(new StabilityClassifier(given).options).toStrictEqual(given);
  });

  it("accepts a window of exactly 8 blocks and refuses a shorter one, naming both options", () => {
    expect(resolveStabilityOptions({ blockS: 5, windowS: 40 }).windowS).toBe(40);
    expect(configMessage(() => resolveStabilityOptions({ blockS: 5, windowS: 39 }))).toBe(
      "stability.windowS: must be at least 8 blocks (8 x stability.blockS = 40 s) (got 39)",
    );
  });

  it("names each option it refuses and the value", () => {
    const cases: [StabilityOptions, string][] = [
      [{ blockS: 0 }, "stability.blockS: must be > 0 (got 0)"],
      [{ windowS: -1 }, "stability.windowS: must be > 0 (got -1)"],
      [{ steadySlopeKPerS: 0 }, "stability.steadySlopeKPerS: must be > 0 (got 0)"],
      [{ settleRatio: 0 }, "stability.settleRatio: must be > 0 (got 0)"],
      [{ oscillationBandK: 0 }, "stability.oscillationBandK: must be > 0 (got 0)"],
      [{ minCrossings: 0 }, "stability.minCrossings: must be an integer in [1, 10000] (got 0)"],
      [{ minAmplitudeK: 0 }, "stability.minAmplitudeK: must be > 0 (got 0)"],
      [{ maxGapS: 0 }, "stability.maxGapS: must be > 0 (got 0)"],
    ];
    for (const [options, text] of cases)
      expect(configMessage(() => resolveStabilityOptions(options))).toBe(text);
  });
});

describe("the stability classifier's samples and blocks", () => {
  it("ignores a non-finite time or value (returns false, changes nothing)", () => {
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    expect(s.update(0, 20)).toBe(false);
    expect(s.update(Number.NaN, 20)).toBe(false);
    expect(s.update(0.5, Number.NaN)).toBe(false);
    expect(s.update(0.7, Number.POSITIVE_INFINITY)).toBe(false);
    // The block opened at 0 closes at 1 s with the two finite samples: mean time 0.5.
    expect(s.update(1, 22)).toBe(true);
    for (let j = 1; j < 10; j++) {
      expect(s.update(2 * j, 21)).toBe(false);
      expect(s.update(2 * j + 1, 21)).toBe(true);
    }
    // Ten blocks: 21 at relative times 0, 2, ..., 18; the first block's mean (20 + 22)/2 = 21 too.
    expect(s.figures.slopeKPerS).toBe(0);
    expect(s.figures.spanS).toBe(18);
    expect(s.figures.oscillationAmplitudeK).toBe(0);
  });

  it("closes a block once blockS has passed since its first sample, not before", () => {
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    expect(s.update(0, 20)).toBe(false);
    expect(s.update(0.5, 20)).toBe(false);
    expect(s.update(1, 20)).toBe(true);
    expect(s.figures.atS).toBe(1);
  });

  it("shows the empty figures before any block and after a reset", () => {
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    expect({ ...s.figures }).toStrictEqual(EMPTY);
    expect(s.stabilityClass).toBe("unknown");
    const t = fed(Array.from({ length: 20 }, () => 20));
    expect(t.stabilityClass).toBe("steady");
    t.reset();
    expect({ ...t.figures }).toStrictEqual(EMPTY);
    // And it starts over: a half window of blocks again before a class.
    for (let j = 0; j < 9; j++) {
      t.update(100 + 2 * j, 20);
      t.update(101 + 2 * j, 20);
    }
    expect(t.stabilityClass).toBe("unknown");
    t.update(118, 20);
    t.update(119, 20);
    expect(t.stabilityClass).toBe("steady");
  });

  it("is unknown with fewer than half a window of blocks, classified from half a window on", () => {
    const flat = Array.from({ length: 10 }, () => 20);
    const s9 = fed(flat.slice(0, 9));
    expect(s9.figures.atS).toBe(17);
    expect(s9.stabilityClass).toBe("unknown");
    expect(fed(flat).stabilityClass).toBe("steady");
  });

  it("keeps its window across a gap of exactly maxGapS, empties it after a longer one", () => {
    const flat = Array.from({ length: 10 }, () => 20);
    const s = fed(flat, { maxGapS: 3 });
    expect(s.stabilityClass).toBe("steady");
    // Last sample at 19 s; the next at 22 s, exactly 3 s later: the 11th block closes at 23 s.
    expect(s.update(22, 20)).toBe(false);
    expect(s.update(23, 20)).toBe(true);
    expect(s.stabilityClass).toBe("steady");
    expect(s.figures.spanS).toBe(22);
    // 3.5 s later: the window empties, the next block is the first.
    s.update(26.5, 20);
    s.update(27.5, 20);
    expect(s.stabilityClass).toBe("unknown");
  });
});

describe("the stability classifier's zero crossings, worked by hand", () => {
  // Mirror-symmetric patterns have a least-squares slope of exactly 0 (the times' deviations from
  // their mean are antisymmetric) and a mean of 20, so each residual is exactly a × r.
  it("counts a residual exactly on +band as inside the band", () => {
    // Residuals -0.5 (outside) and +0.25 (on the band's edge): only the lower side is ever left.
    const s = fed(mirrored([-2, 1, 1, -2, 1, 1, 0, 0, 0, 0], 0.25), { oscillationBandK: 0.25 });
    expect(s.figures.slopeKPerS).toBe(0);
    expect(s.figures.zeroCrossings).toBe(0);
    expect(s.figures.oscillationAmplitudeK).toBe(0.375);
    expect(s.figures.oscillationPeriodS).toBeNaN();
    expect(s.stabilityClass).toBe("steady");
  });

  it("counts a residual exactly on -band as inside the band", () => {
    // Residuals +0.5 (outside) and -0.25 (on the band's edge): only the upper side is ever left.
    const s = fed(mirrored([2, -1, -1, 2, -1, -1, 0, 0, 0, 0], 0.25), { oscillationBandK: 0.25 });
    expect(s.figures.slopeKPerS).toBe(0);
    expect(s.figures.zeroCrossings).toBe(0);
    expect(s.figures.oscillationAmplitudeK).toBe(0.375);
  });

  it("counts swings through the band and calls exactly minCrossings of exactly minAmplitudeK oscillating", () => {
    // +++-----++ | ++-----+++: four swings, amplitude 0.25.
    const s = fed(mirrored([1, 1, 1, -1, -1, -1, -1, -1, 1, 1], 0.25), {
      minCrossings: 4,
      minAmplitudeK: 0.25,
    });
    const f = s.figures;
    expect(f.slopeKPerS).toBe(0);
    expect(f.zeroCrossings).toBe(4);
    expect(f.oscillationAmplitudeK).toBe(0.25);
    // 2 × span / crossings = 2 × 38 / 4.
    expect(f.oscillationPeriodS).toBe(19);
    expect(f.spanS).toBe(38);
    expect(f.stabilityClass).toBe("oscillating");
    // One crossing short, or a hair less amplitude, is not oscillating (and, flat, steady).
    expect(
      fed(mirrored([1, 1, 1, -1, -1, -1, -1, -1, 1, 1], 0.25), { minCrossings: 5, minAmplitudeK: 0.25 })
        .stabilityClass,
    ).toBe("steady");
    expect(
      fed(mirrored([1, 1, 1, -1, -1, -1, -1, -1, 1, 1], 0.25), { minCrossings: 4, minAmplitudeK: 0.26 })
        .stabilityClass,
    ).toBe("steady");
  });

  it("gives a period from exactly two crossings", () => {
    // +++++----- | -----+++++: two swings; period 2 × 38 / 2.
    const f = fed(mirrored([1, 1, 1, 1, 1, -1, -1, -1, -1, -1], 0.5)).figures;
    expect(f.zeroCrossings).toBe(2);
    expect(f.oscillationAmplitudeK).toBe(0.5);
    expect(f.oscillationPeriodS).toBe(38);
    // Two crossings are fewer than the default four.
    expect(f.stabilityClass).toBe("steady");
  });
});

describe("the stability classifier's slope classes at their edges, worked by hand", () => {
  // A ramp 20 + b t over the block times: each fit's slope is exactly b (dyadic b, exact sums).
  const ramp = (b: number) => Array.from({ length: 20 }, (_, j) => 20 + b * 2 * j);

  it("calls a slope exactly at steadySlopeKPerS moving (a ramp drifts), just under it steady", () => {
    const f = fed(ramp(1 / 64), { steadySlopeKPerS: 1 / 64 }).figures;
    expect(f.slopeKPerS).toBe(1 / 64);
    expect(f.firstHalfSlopeKPerS).toBe(1 / 64);
    expect(f.secondHalfSlopeKPerS).toBe(1 / 64);
    expect(f.stabilityClass).toBe("drifting");
    expect(fed(ramp(-1 / 64), { steadySlopeKPerS: 1 / 64 }).stabilityClass).toBe("drifting");
    expect(fed(ramp(1 / 64), { steadySlopeKPerS: 1 / 63 }).stabilityClass).toBe("steady");
  });

  it("calls a fall that stops dead settling (second half's slope exactly 0)", () => {
    // First half falls at 1/64 K/s, second half flat.
    const means = Array.from({ length: 20 }, (_, j) => 20 - (Math.min(j, 9) * 2) / 64);
    const f = fed(means, { minCrossings: 10_000 }).figures;
    expect(f.firstHalfSlopeKPerS).toBe(-1 / 64);
    expect(f.secondHalfSlopeKPerS).toBe(0);
    expect(f.stabilityClass).toBe("settling");
  });

  it("calls a second-half slope of exactly settleRatio times the first settling, more drifting", () => {
    // First half falls at 1/32 K/s, second half at 1/64 K/s: a ratio of exactly 0.5.
    const means = Array.from({ length: 20 }, (_, j) => (j < 10 ? 20 - (2 * j) / 32 : 19 - (2 * j) / 64));
    const f = fed(means, { settleRatio: 0.5, minCrossings: 10_000 }).figures;
    expect(f.firstHalfSlopeKPerS).toBe(-1 / 32);
    expect(f.secondHalfSlopeKPerS).toBe(-1 / 64);
    expect(f.stabilityClass).toBe("settling");
    expect(fed(means, { settleRatio: 0.49, minCrossings: 10_000 }).stabilityClass).toBe("drifting");
  });

  it("calls slopes of opposite signs drifting even when the second is small", () => {
    const means = Array.from({ length: 20 }, (_, j) => (j < 10 ? 20 - (2 * j) / 32 : 10 + (2 * j) / 1024));
    const f = fed(means, { minCrossings: 10_000 }).figures;
    expect(f.firstHalfSlopeKPerS).toBe(-1 / 32);
    expect(f.secondHalfSlopeKPerS).toBe(1 / 1024);
    expect(f.stabilityClass).toBe("drifting");
  });
});

describe("the stability classifier's half fits of flat halves", () => {
  it("give a slope of exactly 0 at block times that are not exact in binary", () => {
    // Samples 0.7 s apart from 0.1 s, blocks of 0.5 s: each block is two samples, its mean time
    // a sum of inexact decimals. Every value of a half equal, each residual from the half's mean
    // is exactly 0, and so is its slope, whatever rounding the times carry. The first half at
    // 20, the second at 21.
    const s = new StabilityClassifier({ blockS: 0.5, windowS: 10 });
    for (let k = 0; k < 40; k++) s.update(0.1 + 0.7 * k, k < 20 ? 20 : 21);
    const f = s.figures;
    expect(f.firstHalfSlopeKPerS).toBe(0);
    expect(f.secondHalfSlopeKPerS).toBe(0);
    expect(f.slopeKPerS).toBeGreaterThan(0);
  });
});
