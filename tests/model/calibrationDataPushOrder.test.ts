/**
 * CalibrationDataBuilder.push refuses a sample whose time is not after the previous one, with a
 * RangeError naming both times (docs/design.md 2.2, calibration data). Each test builds its own
 * builder (Stryker's per-test coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import {
  CalibrationDataBuilder,
  type CalibrationSample,
} from "../../src/model/calibration/calibrationData.js";

function sample(tS: number): CalibrationSample {
  return {
    tS,
    tHotC: 30,
    tColdC: 28,
    tAmbC: 25,
    flowLpm: 3,
    pumpDuty: 200,
    heaterDuty: 255,
    fanDuty: 255,
  };
}

function pushError(times: readonly number[]): unknown {
  const b = new CalibrationDataBuilder("order");
  try {
    for (const t of times) b.push(sample(t));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("CalibrationDataBuilder.push's time order", () => {
  it("refuses a repeated time, naming both", () => {
    const e = pushError([0, 1, 1]);
    expect(e).toBeInstanceOf(RangeError);
    expect((e as Error).message).toBe("CalibrationDataBuilder.push: time 1 s is not after 1 s");
  });

  it("refuses an earlier time and NaN", () => {
    expect((pushError([0, 2.5, -1]) as Error).message).toBe(
      "CalibrationDataBuilder.push: time -1 s is not after 2.5 s",
    );
    expect((pushError([0, Number.NaN]) as Error).message).toBe(
      "CalibrationDataBuilder.push: time NaN s is not after 0 s",
    );
  });

  it("takes increasing times", () => {
    expect(pushError([0, 0.5, 1, 7])).toBeUndefined();
  });
});
