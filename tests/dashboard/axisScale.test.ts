import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  niceRange,
  niceStep,
  stepDecimals,
  symmetricRange,
  ticks,
  timeTickStepS,
} from "../../src/dashboard/axisScale.js";

describe("nice axis scales", () => {
  it("rounds steps up to 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(0.13)).toBeCloseTo(0.2, 12);
    expect(niceStep(0.2)).toBeCloseTo(0.2, 12);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(450)).toBe(500);
  });

  it("scales to the data, not from zero: 45.0-45.6 C gets a range near 45", () => {
    const r = niceRange(45.0, 45.6, 0.5);
    expect(r.min).toBeGreaterThan(44);
    expect(r.min).toBeLessThanOrEqual(45.0);
    expect(r.max).toBeGreaterThanOrEqual(45.6);
    expect(r.max).toBeLessThan(46.5);
  });

  it("keeps a minimum span so flat noisy data is not magnified", () => {
    const r = niceRange(30.01, 30.02, 2);
    expect(r.max - r.min).toBeGreaterThanOrEqual(2);
    expect(r.min).toBeLessThanOrEqual(30.01);
    expect(r.max).toBeGreaterThanOrEqual(30.02);
  });

  it("gives a default range without data", () => {
    const r = niceRange(Number.NaN, Number.NaN, 2);
    expect(r).toMatchObject({ min: 0 });
    expect(r.max).toBeGreaterThanOrEqual(2);
  });

  it("law: the range always covers the data, its bounds are multiples of the step, and it is at least minSpan wide", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        (lo, span, minSpan) => {
          const r = niceRange(lo, lo + span, minSpan);
          expect(r.min).toBeLessThanOrEqual(lo + 1e-9);
          expect(r.max).toBeGreaterThanOrEqual(lo + span - 1e-9);
          expect(r.max - r.min).toBeGreaterThanOrEqual(minSpan - 1e-9);
          expect(Math.abs(r.min / r.step - Math.round(r.min / r.step))).toBeLessThan(1e-6);
          expect(Math.abs(r.max / r.step - Math.round(r.max / r.step))).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it("makes a symmetric range about zero for residuals", () => {
    const r = symmetricRange(2.3, 0.75);
    expect(r.min).toBe(-r.max);
    expect(r.max).toBeGreaterThanOrEqual(2.3);
    expect(symmetricRange(0.1, 1.2).max).toBeGreaterThanOrEqual(1.2);
  });

  it("prints as many decimals as the step needs", () => {
    expect(stepDecimals(5)).toBe(0);
    expect(stepDecimals(0.5)).toBe(1);
    expect(stepDecimals(0.2)).toBe(1);
    expect(stepDecimals(0.05)).toBe(2);
    expect(ticks({ min: 44, max: 46, step: 0.5 })).toEqual([44, 44.5, 45, 45.5, 46]);
  });

  it("picks time ticks a person reads at a glance", () => {
    expect(timeTickStepS(60, 6)).toBe(10);
    expect(timeTickStepS(60, 4)).toBe(15);
    expect(timeTickStepS(600, 5)).toBe(120);
    expect(timeTickStepS(15, 5)).toBe(5);
  });
});
