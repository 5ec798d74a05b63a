/**
 * CalibrationDataBuilder's default break gap (docs/design.md 2.2, calibration data): 10 times the
 * median spacing of the samples pushed (at least 2 bins), the spacing after each sample but the
 * last, so an odd number of spacings has its middle one as the median. The test builds its own
 * data (Stryker's per-test coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import {
  CalibrationDataBuilder,
  type CalibrationSample,
} from "../../src/model/calibration/calibrationData.js";

function sample(tS: number): CalibrationSample {
  return { tS, tHotC: 30, tColdC: 28, tAmbC: 25, flowLpm: 3, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };
}

describe("CalibrationDataBuilder's default break gap", () => {
  it("is 10 x the median of the spacings 1, 1, 30 s: 10 s, so the 30 s gap starts a segment", () => {
    const b = new CalibrationDataBuilder("gap");
    for (const t of [0, 1, 2, 32]) b.push(sample(t));
    const d = b.build();
    expect(d.breakGapS).toBe(10);
    expect(d.gapCount).toBe(1);
    expect(Array.from(d.segmentStart)).toEqual([1, 0, 0, 1]);
  });

  it("is 2 bins (2 s) for a single sample, which has no spacing", () => {
    const b = new CalibrationDataBuilder("one");
    b.push(sample(5));
    expect(b.build().breakGapS).toBe(2);
  });
});
