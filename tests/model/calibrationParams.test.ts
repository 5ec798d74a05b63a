import { describe, expect, it } from "vitest";
import { isOffsetParam } from "../../src/model/calibration/calibrationParams.js";

describe("isOffsetParam", () => {
  it("is true for the two thermistor offsets only", () => {
    expect(isOffsetParam("offset_hot_k")).toBe(true);
    expect(isOffsetParam("offset_cold_k")).toBe(true);
    expect(isOffsetParam("UA")).toBe(false);
    expect(isOffsetParam("T_sink")).toBe(false);
  });
});
