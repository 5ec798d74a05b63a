import { describe, expect, it } from "vitest";
import { StabilityClassifier } from "../../src/detect/performance/stabilityClassifier.js";

describe("the stability classifier's three fits over a wrapped window", () => {
  it("gives each half's slope, the whole window's and its span as the closed form says", () => {
    // Blocks of 1 s fed one sample a second close every second sample: block k holds t = 2k and
    // 2k + 1, its mean at 2k + 0.5. A 20-block window; 50 blocks, so the ring has wrapped. The
    // signal is piecewise linear with its kink between samples 79 and 80 (blocks 39 and 40), so
    // the window's first half (blocks 30-39) lies on slope a and its second (40-49) on slope b.
    const a = 0.01;
    const b = -0.02;
    const y = (t: number) => (t <= 79.5 ? 20 + a * t : 20 + a * 79.5 + b * (t - 79.5));
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    for (let t = 0; t < 100; t++) s.update(t, y(t));
    const f = s.figures;
    expect(f.firstHalfSlopeKPerS).toBeCloseTo(a, 12);
    expect(f.secondHalfSlopeKPerS).toBeCloseTo(b, 12);
    // Least squares over the 20 block means at 0, 2, ..., 38 s (relative): Σ(x - x̄)² = 2660 and
    // the slope is exactly -1/200 (worked in rationals).
    expect(f.slopeKPerS).toBeCloseTo(-1 / 200, 12);
    expect(f.spanS).toBe(38);
    expect(f.atS).toBe(99);
    // Slopes of opposite signs: neither steady nor settling.
    expect(f.stabilityClass).toBe("drifting");
  });
});

describe("the stability classifier's residual walk over a wrapped window", () => {
  it("counts each swing once and measures the amplitude about the fitted line, as worked by hand", () => {
    // Block k (samples at t = 2k and 2k + 1, both at the same value) has the mean 20 + A (-1)^k.
    // After 50 blocks the 20-block ring has wrapped (the window is blocks 30-49, block 30 even).
    // Relative block times x_j = 2j (j = 0..19), mean 19, Σ(x - 19)² = 2660. The least-squares
    // slope is A Σ_j (2j - 19)(-1)^j / 2660 = -20A / 2660 = -A/133 and the line passes through
    // (19, 20), so the residual of block j is (-1)^j A + (A/133)(2j - 19): largest at j = 18
    // (A + 17A/133 = 150A/133), smallest at j = 1 (-150A/133), every one at least 114A/133 from
    // zero, well outside the 0.1 K band, and alternating in sign: 19 swings over the 20 blocks.
    const A = 0.5;
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    for (let t = 0; t < 100; t++) s.update(t, 20 + A * (Math.floor(t / 2) % 2 === 0 ? 1 : -1));
    const f = s.figures;
    expect(f.slopeKPerS).toBeCloseTo(-A / 133, 12);
    expect(f.zeroCrossings).toBe(19);
    expect(f.oscillationAmplitudeK).toBeCloseTo((150 * A) / 133, 12);
    // 2 × span / crossings = 2 × 38 / 19.
    expect(f.oscillationPeriodS).toBeCloseTo(4, 12);
    expect(f.stabilityClass).toBe("oscillating");
  });
});

describe("the stability classifier's half fits", () => {
  it("fit every block of each half, as worked by hand for a spike in the last block", () => {
    // 20 at every sample but those of block 49 (t = 98, 99), which read 21: of the window's
    // blocks 30-49 (relative times x = 0, 2, ..., 38), only the last, at x = 38, is 1 K up.
    // Second half (x = 20..38, mean 29, Σ(x - 29)² = 330): slope (38 - 29) × 1 / 330 = 3/110.
    // First half: flat, slope 0. Whole window (mean 19, Σ(x - 19)² = 2660): 19 / 2660 = 1/140.
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    for (let t = 0; t < 100; t++) s.update(t, t >= 98 ? 21 : 20);
    const f = s.figures;
    expect(f.secondHalfSlopeKPerS).toBeCloseTo(3 / 110, 12);
    expect(f.firstHalfSlopeKPerS).toBe(0);
    expect(f.slopeKPerS).toBeCloseTo(1 / 140, 12);
  });
});

describe("the stability classifier's fits when every block has the same time", () => {
  it("give slopes of 0, not NaN (a clock that repeats the same two readings)", () => {
    // Samples at t = 10, 11, 10, 11, ...: each pair closes a block whose mean time is 10.5, so
    // the window's times have no spread (Σ(x - x̄)² = 0) in the whole and in either half.
    const s = new StabilityClassifier({ blockS: 1, windowS: 20 });
    for (let i = 0; i < 60; i++) s.update(10 + (i % 2), 20 + (i % 3));
    const f = s.figures;
    expect(f.slopeKPerS).toBe(0);
    expect(f.firstHalfSlopeKPerS).toBe(0);
    expect(f.secondHalfSlopeKPerS).toBe(0);
  });
});

describe("the stability classifier's fits of a constant reading", () => {
  it("give slopes of exactly 0, whatever the level and wherever the window lies in time", () => {
    // 45.25 K is a binary fraction, so every block mean is 45.25 exactly and each fit's centred
    // sums are exact zeros. The times (10 Hz from 1234.5 s, not binary fractions) have a mean
    // that is rounded: a fit that did not centre the readings would carry the level times that
    // rounding into the slope.
    const s = new StabilityClassifier({ blockS: 1, windowS: 30 });
    for (let k = 0; k < 600; k++) s.update(1234.5 + k * 0.1, 45.25);
    const f = s.figures;
    expect([f.slopeKPerS, f.firstHalfSlopeKPerS, f.secondHalfSlopeKPerS]).toEqual([0, 0, 0]);
    expect(f.stabilityClass).toBe("steady");
  });
});
