/**
 * The monitor's arithmetic on pairs of residuals (src/detect/monitor/residualArithmetic.ts), on
 * hand-written tables: each expected value follows from the function's documented rule by hand.
 * Signed zeros are read with Object.is (toBe), so "else 0" means +0.
 */
import { describe, expect, it } from "vitest";
import {
  alone,
  cascade,
  clampAbs,
  common,
  smaller,
  smoothAt,
  sq,
} from "../../../src/detect/monitor/residualArithmetic.js";

const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

describe("smaller: the residual of smaller magnitude", () => {
  it.each([
    // x, y, expected
    [1, -2, 1],
    [-3, 2, 2],
    [3, 1, 1],
    [-1, -4, -1],
    [2, -2, 2], // a tie keeps x
    [-2, 2, -2],
    [1, NaN_, 1], // a NaN one loses
    [-5, NaN_, -5],
    [NaN_, -2, -2],
    [NaN_, 7, 7],
  ])("smaller(%d, %d) = %d", (x, y, expected) => {
    expect(smaller(x, y)).toBe(expected);
  });

  it("is NaN when both are", () => {
    expect(smaller(NaN_, NaN_)).toBeNaN();
  });
});

describe("alone: the part of x beyond y, with x's sign", () => {
  it.each([
    // x, y, expected: |x| - |y| with x's sign when positive, else 0
    [3, 1, 2],
    [-3, 1, -2],
    [3, -1, 2],
    [-3, -1, -2],
    [5, 4.5, 0.5],
    [1, 3, 0],
    [-1, 3, 0],
    [2, 2, 0],
    [-2, 2, 0], // +0, not -0
    [-2, -2, 0],
    [0, 0, 0],
    [2, NaN_, 2], // the other missing: x itself
    [-2, NaN_, -2],
    [2, INF, 2],
    [-2, -INF, -2],
  ])("alone(%d, %d) = %d", (x, y, expected) => {
    expect(alone(x, y)).toBe(expected);
  });

  it("is NaN when x is not finite", () => {
    expect(alone(NaN_, 1)).toBeNaN();
    expect(alone(INF, 1)).toBeNaN();
    expect(alone(-INF, 1)).toBeNaN();
    expect(alone(NaN_, NaN_)).toBeNaN();
  });
});

describe("common: the part two residuals share", () => {
  it.each([
    // same sign: the smaller in magnitude; else 0
    [1, 2, 1],
    [2, 1, 1],
    [3, 3, 3],
    [-1, -2, -1],
    [-2, -1, -1],
    [1, -1, 0],
    [-1, 1, 0],
    [0, 1, 0],
    [1, 0, 0],
    [0, -1, 0],
    [-1, 0, 0],
    [0, 0, 0],
    // signed zeros are not of either sign: +0 comes back
    [-0, 1, 0],
    [1, -0, 0],
    [-0, -1, 0],
    [-1, -0, 0],
  ])("common(%d, %d) = %d", (x, y, expected) => {
    expect(common(x, y)).toBe(expected);
  });

  it("is NaN unless both are finite", () => {
    expect(common(NaN_, 1)).toBeNaN();
    expect(common(1, NaN_)).toBeNaN();
    expect(common(INF, 1)).toBeNaN();
    expect(common(1, INF)).toBeNaN();
    expect(common(-INF, -1)).toBeNaN();
    expect(common(INF, INF)).toBeNaN();
  });
});

describe("smoothAt: an EWMA in one slot", () => {
  it("starts at the first finite value, then moves by lambda of the difference; others untouched", () => {
    const a = new Float64Array(3).fill(NaN_);
    smoothAt(a, 1, NaN_, 0.5);
    smoothAt(a, 1, INF, 0.5);
    expect(a[1]).toBeNaN();
    smoothAt(a, 1, 4, 0.5);
    expect(a[1]).toBe(4);
    // 4 + 0.25 (8 - 4) = 5
    smoothAt(a, 1, 8, 0.25);
    expect(a[1]).toBe(5);
    // non-finite values leave it
    smoothAt(a, 1, NaN_, 0.25);
    smoothAt(a, 1, -INF, 0.25);
    expect(a[1]).toBe(5);
    // 5 + 0.5 (-3 - 5) = 1
    smoothAt(a, 1, -3, 0.5);
    expect(a[1]).toBe(1);
    expect(a[0]).toBeNaN();
    expect(a[2]).toBeNaN();
  });
});

describe("cascade: two first-order filters in two slots", () => {
  it("starts both at x, then filters x into the first and the first into the second", () => {
    const f = new Float64Array(4).fill(NaN_);
    cascade(f, 1, NaN_, 0.5);
    cascade(f, 1, INF, 0.5);
    expect([...f].every(Number.isNaN)).toBe(true);
    cascade(f, 1, 4, 0.5);
    expect(f[1]).toBe(4);
    expect(f[2]).toBe(4);
    // n1 = 4 + 0.5 (8 - 4) = 6; second 4 + 0.5 (6 - 4) = 5
    cascade(f, 1, 8, 0.5);
    expect(f[1]).toBe(6);
    expect(f[2]).toBe(5);
    // n1 = 6 + 0.5 (8 - 6) = 7; second 5 + 0.5 (7 - 5) = 6
    cascade(f, 1, 8, 0.5);
    expect(f[1]).toBe(7);
    expect(f[2]).toBe(6);
    // a non-finite input leaves both
    cascade(f, 1, NaN_, 0.5);
    cascade(f, 1, -INF, 0.5);
    expect(f[1]).toBe(7);
    expect(f[2]).toBe(6);
    // a = 0.25: n1 = 7 + 0.25 (-1 - 7) = 5; second 6 + 0.25 (5 - 6) = 5.75
    cascade(f, 1, -1, 0.25);
    expect(f[1]).toBe(5);
    expect(f[2]).toBe(5.75);
    expect(f[0]).toBeNaN();
    expect(f[3]).toBeNaN();
  });
});

describe("sq and clampAbs", () => {
  it("squares", () => {
    expect(sq(3)).toBe(9);
    expect(sq(-0.5)).toBe(0.25);
  });

  it.each([
    // x, cap, expected
    [5, 2, 2],
    [-5, 2, -2],
    [1, 2, 1],
    [-1, 2, -1],
    [2, 2, 2],
    [-2, 2, -2],
    [1e5, 1e4, 1e4],
    [-1e5, 1e4, -1e4],
  ])("clampAbs(%d, %d) = %d", (x, cap, expected) => {
    expect(clampAbs(x, cap)).toBe(expected);
  });

  it("passes x through at the cap itself, signed zeros included, and NaN", () => {
    // x equal to the cap is returned as x: -0 stays -0, +0 stays +0 at a cap of 0.
    expect(clampAbs(-0, 0)).toBe(-0);
    expect(clampAbs(0, 0)).toBe(0);
    expect(clampAbs(NaN_, 2)).toBeNaN();
  });
});
