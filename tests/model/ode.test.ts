import { describe, expect, it } from "vitest";
import { allFinite } from "../../src/model/ode.js";

describe("allFinite", () => {
  it("is true only when no entry is NaN or infinite, wherever the bad entry is", () => {
    expect(allFinite(new Float64Array(0))).toBe(true);
    expect(allFinite(Float64Array.of(0, -1e308, 5e-324))).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(allFinite(Float64Array.of(bad, 1, 2))).toBe(false);
      expect(allFinite(Float64Array.of(1, bad, 2))).toBe(false);
      expect(allFinite(Float64Array.of(1, 2, bad))).toBe(false);
    }
  });
});
