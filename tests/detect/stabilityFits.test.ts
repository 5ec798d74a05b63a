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
