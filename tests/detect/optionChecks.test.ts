import { describe, expect, it } from "vitest";
import {
  checkBoolean,
  checkFinite,
  checkInteger,
  checkInterval,
  checkNonNegative,
  checkOneOf,
  checkPositive,
  checkPositiveOrInfinity,
} from "../../src/detect/detectors/optionChecks.js";

describe("option checks", () => {
  it("checkInterval: each end open or closed, the message in interval notation", () => {
    expect(checkInterval("x", 0, 0, 1)).toBe(0);
    expect(checkInterval("x", 1, 0, 1)).toBe(1);
    expect(() => checkInterval("x", -0.5, 0, 1)).toThrow("x: must be in [0, 1] (got -0.5)");
    expect(() => checkInterval("x", 1.5, 0, 1)).toThrow("x: must be in [0, 1] (got 1.5)");
    expect(() => checkInterval("x", 0, 0, 1, { lo: true })).toThrow("x: must be in (0, 1] (got 0)");
    expect(() => checkInterval("x", -1, 0, 1, { lo: true })).toThrow("x: must be in (0, 1] (got -1)");
    expect(checkInterval("x", 1, 0, 1, { lo: true })).toBe(1);
    expect(() => checkInterval("x", 1, 0, 1, { hi: true })).toThrow("x: must be in [0, 1) (got 1)");
    expect(() => checkInterval("x", 2, 0, 1, { hi: true })).toThrow("x: must be in [0, 1) (got 2)");
    expect(checkInterval("x", 0, 0, 1, { hi: true })).toBe(0);
    expect(checkInterval("x", 0.5, 0, 1, { lo: true, hi: true })).toBe(0.5);
    expect(() => checkInterval("x", Number.NaN, 0, 1)).toThrow("x: must be a finite number (got NaN)");
  });

  it("checkInteger: integers in [lo, hi] only", () => {
    expect(checkInteger("n", 1, 1, 5)).toBe(1);
    expect(checkInteger("n", 5, 1, 5)).toBe(5);
    expect(() => checkInteger("n", 0, 1, 5)).toThrow("n: must be an integer in [1, 5] (got 0)");
    expect(() => checkInteger("n", 6, 1, 5)).toThrow("n: must be an integer in [1, 5] (got 6)");
    expect(() => checkInteger("n", 2.5, 1, 5)).toThrow("n: must be an integer in [1, 5] (got 2.5)");
    expect(() => checkInteger("n", "3", 1, 5)).toThrow('n: must be an integer in [1, 5] (got "3")');
  });

  it("finite, positive, non-negative, positive or Infinity, boolean, one of", () => {
    expect(() => checkFinite("f", "1")).toThrow('f: must be a finite number (got "1")');
    expect(() => checkFinite("f", Number.NEGATIVE_INFINITY)).toThrow(
      "f: must be a finite number (got -Infinity)",
    );
    expect(checkPositive("p", 1e-300)).toBe(1e-300);
    expect(() => checkPositive("p", 0)).toThrow("p: must be > 0 (got 0)");
    expect(checkNonNegative("q", 0)).toBe(0);
    expect(() => checkNonNegative("q", -1e-300)).toThrow("q: must be >= 0 (got -1e-300)");
    expect(checkPositiveOrInfinity("r", Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(checkPositiveOrInfinity("r", 2)).toBe(2);
    expect(() => checkPositiveOrInfinity("r", Number.NEGATIVE_INFINITY)).toThrow(
      "r: must be a finite number (got -Infinity)",
    );
    expect(() => checkPositiveOrInfinity("r", 0)).toThrow("r: must be > 0 (got 0)");
    expect(checkBoolean("b", false)).toBe(false);
    expect(() => checkBoolean("b", 0)).toThrow("b: must be true or false (got 0)");
    expect(checkOneOf("s", "b", ["a", "b"])).toBe("b");
    expect(() => checkOneOf("s", "c", ["a", "b"])).toThrow('s: must be one of a, b (got "c")');
    expect(() => checkOneOf("s", 1, ["a", "b"])).toThrow("s: must be one of a, b (got 1)");
  });
});
