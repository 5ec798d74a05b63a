import { describe, expect, it } from "vitest";
import {
  isOffsetParam,
  onSearchBound,
  overUncertaintyLimit,
} from "../../src/model/calibration/calibrationParams.js";

describe("isOffsetParam", () => {
  it("is true for the two thermistor offsets only", () => {
    expect(isOffsetParam("offset_hot_k")).toBe(true);
    expect(isOffsetParam("offset_cold_k")).toBe(true);
    expect(isOffsetParam("UA")).toBe(false);
    expect(isOffsetParam("T_sink")).toBe(false);
  });
});

describe("onSearchBound", () => {
  // A span of 1: the tolerance is 1e-9. With a bound at 0 the distance is the value itself, so
  // the tests sit exactly at the tolerance.
  it("counts a value exactly 1e-9 from a bound at 0, below or above", () => {
    expect(onSearchBound(1e-9, 0, 1)).toBe(true);
    expect(onSearchBound(-1e-9, -1, 0)).toBe(true);
  });

  it("does not count one 2e-9 from it", () => {
    expect(onSearchBound(2e-9, 0, 1)).toBe(false);
    expect(onSearchBound(-2e-9, -1, 0)).toBe(false);
    expect(onSearchBound(0.5, 0, 1)).toBe(false);
  });

  it("counts a value past a bound within the tolerance, and the bound itself", () => {
    expect(onSearchBound(-0.5e-9, 0, 1)).toBe(true);
    expect(onSearchBound(1, 0, 1)).toBe(true);
    expect(onSearchBound(-1, -1, 0)).toBe(true);
  });

  it("scales the tolerance with a span over 1: 3e-9 for a span of 3", () => {
    // Bounds -2 and 1: the span is 3 (their sum is -1). 2e-9 inside either bound is on it.
    expect(onSearchBound(-2 + 2e-9, -2, 1)).toBe(true);
    expect(onSearchBound(1 - 2e-9, -2, 1)).toBe(true);
    expect(onSearchBound(-2 + 4e-9, -2, 1)).toBe(false);
    expect(onSearchBound(1 - 4e-9, -2, 1)).toBe(false);
  });

  it("keeps the tolerance at 1e-9 for a span under 1", () => {
    expect(onSearchBound(0.9e-9, 0, 0.5)).toBe(true);
    expect(onSearchBound(0.5 - 0.9e-9, 0, 0.5)).toBe(true);
    expect(onSearchBound(1.1e-9, 0, 0.5)).toBe(false);
  });
});

describe("overUncertaintyLimit", () => {
  const RELATIVE = { kind: "relative", value: 0.1 } as const;
  const ABSOLUTE = { kind: "absolute", value: 0.5 } as const;

  it("reads the relative uncertainty against a relative limit: at the limit is within it", () => {
    expect(overUncertaintyLimit(RELATIVE, 1000, 0.1)).toBe(false);
    expect(overUncertaintyLimit(RELATIVE, 0, 0.1000001)).toBe(true);
    expect(overUncertaintyLimit(RELATIVE, 0, Number.NaN)).toBe(true);
  });

  it("reads the standard deviation against an absolute limit: at the limit is within it", () => {
    expect(overUncertaintyLimit(ABSOLUTE, 0.5, 1000)).toBe(false);
    expect(overUncertaintyLimit(ABSOLUTE, 0.5000001, 0)).toBe(true);
    expect(overUncertaintyLimit(ABSOLUTE, Number.NaN, 0)).toBe(true);
  });
});
