/**
 * calibrateLoop when nothing is left to fit (docs/design.md 2.2, calibration identifiability):
 * every parameter asked for is held and the initial state is taken from the readings, so the fit
 * has no variable at all. It returns the held parameters and their warnings, with nothing fitted;
 * it threw ml-matrix's "Matrix must be non-empty" from the covariance of the empty fit. Each test
 * builds its data and runs its fit inside the test (Stryker's per-test coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { readingsAtRest, simulatedRun } from "./calibrationRun.js";

/** `n` observations at 1 Hz of a loop at rest at 0 C (heater off, pump and fan at 255, no flow meter). */
function atRestAtZero(n: number): CalibrationData {
  return readingsAtRest("at rest at 0 C", n, { hot: () => 0, cold: () => 0, flow: () => Number.NaN });
}

describe("calibrateLoop with nothing left to fit", () => {
  it("holds UA_fan_off_frac when the fan never changes, and fits nothing", () => {
    const { data } = simulatedRun({ durationS: 120, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["UA_fan_off_frac"], initialState: "measured" });
    expect(r.held).toEqual(["UA_fan_off_frac"]);
    expect(r.fitted).toEqual([]);
    expect(r.correlation).toEqual([]);
    expect(r.warnings.map((w) => w.kind)).toEqual(["not_excited"]);
    // No variables: the probe and the first pass each evaluate the residuals once, at the start;
    // there is no second pass.
    expect([r.converged, r.stopReason, r.iterations, r.evaluations]).toEqual([true, "no_parameters", 0, 2]);
  });

  it("holds every parameter when every column is zero (a loop at rest at 0 C, T_sink and T_amb 0 C)", () => {
    // Heater off, both nodes, the sink and the ambient at 0 C, and no offsets fitted: every
    // predicted temperature is exactly 0 (each step multiplies 0s), whatever C_hot, UA or UA_loss,
    // so every column is 0 and so is the largest. A column of 0 is held: it is not above 1e-9
    // times the largest.
    const r = calibrateLoop(atRestAtZero(40), {
      base: makeLoopParams({ T_sink: 0, T_amb: 0 }),
      fit: ["UA_loss", "UA", "C_hot"],
      initialState: "measured",
    });
    expect(r.held).toEqual(["C_hot", "UA", "UA_loss"]);
    expect(r.fitted).toEqual([]);
    expect(r.warnings.filter((w) => w.kind === "not_excited")).toEqual([
      {
        kind: "not_excited",
        params: ["C_hot", "UA", "UA_loss"],
        message: "C_hot, UA, UA_loss: no effect on any reading in this run (held at the configured value)",
      },
    ]);
  });
});
