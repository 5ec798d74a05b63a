/**
 * The names of the fit's variables in a near-singular warning: the parameters, then each
 * segment's initial-state corrections as (T_hot, T_cold) (loopResponse.ts reads
 * `initialDeltasK[2 * segment]` into the hot node). Hand-written tables.
 */
import { describe, expect, it } from "vitest";
import { fitVariableLabel } from "../../src/model/calibration/calibrateLoop.js";

describe("fitVariableLabel", () => {
  it("names the parameters, then hot before cold for each segment, with an odd count of parameters", () => {
    const names = ["UA", "C_hot", "C_cold"];
    const labels = [0, 1, 2, 3, 4, 5, 6].map((j) => fitVariableLabel(j, names));
    expect(labels).toEqual([
      "UA",
      "C_hot",
      "C_cold",
      "initial T_hot of segment 1",
      "initial T_cold of segment 1",
      "initial T_hot of segment 2",
      "initial T_cold of segment 2",
    ]);
  });

  it("does the same with an even count, and with no parameter fitted", () => {
    expect([2, 3, 4].map((j) => fitVariableLabel(j, ["UA", "C_hot"]))).toEqual([
      "initial T_hot of segment 1",
      "initial T_cold of segment 1",
      "initial T_hot of segment 2",
    ]);
    expect([0, 1].map((j) => fitVariableLabel(j, []))).toEqual([
      "initial T_hot of segment 1",
      "initial T_cold of segment 1",
    ]);
  });
});
