import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";

describe("seeded RNG", () => {
  it("reproduces a stream from its seed, and seeds differ", () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const c = new SeededRng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it("uniform draws are in [0, 1) with mean 1/2 and variance 1/12", () => {
    const r = new SeededRng(7);
    const n = 100_000;
    let sum = 0;
    let sum2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sum2 += u * u;
    }
    const mean = sum / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sum2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("normal draws have mean 0, variance 1 and Gaussian tails", () => {
    const r = new SeededRng(11);
    const n = 200_000;
    let sum = 0;
    let sum2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sum2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sum2 / n - 1)).toBeLessThan(0.015);
    // P(|Z| > 2) = 0.0455
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.003);
  });

  it("rejects a non-finite seed", () => {
    expect(() => new SeededRng(Number.NaN)).toThrow(/seed/);
  });
});
