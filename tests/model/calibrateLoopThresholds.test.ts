/**
 * calibrateLoop's two warning thresholds at equality (docs/design.md 2.2, calibration): an
 * uncertain parameter names its partner when their correlation is `correlationLimit` or more in
 * magnitude, and a channel is a poor fit when its RMSE is more than `poorFitFactor` times its
 * noise floor. Each test builds its data and runs its fits inside the test (Stryker's per-test
 * coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { readingsAtRest, simulatedRun } from "./calibrationRun.js";

describe("calibrateLoop's correlation limit", () => {
  it("names the partner at a correlation exactly at the limit, not one ulp above it", () => {
    // 90 s with one heater step and the fan held: UA and UA_loss trade off (both are uncertain
    // and strongly correlated). The fit does not depend on correlationLimit, so the correlation
    // of a first fit is the correlation of the others, and each is set at it or just above it.
    const { data } = simulatedRun({
      durationS: 90,
      inputs: ["pump=0:200", "heater=0:255,45:100", "fan=0:255"],
      params: { T_amb: 22 },
    });
    const options = { fit: ["UA", "UA_loss"] as const, maxIterations: 10 };
    const first = calibrateLoop(data, options);
    expect(first.fitted.map((f) => f.name)).toEqual(["UA", "UA_loss"]);
    const rho = Math.abs(first.correlation[0]?.[1] as number);
    expect(rho).toBeGreaterThan(0.5);
    expect(rho).toBeLessThan(1);
    const uaWarning = (limit: number) => {
      const r = calibrateLoop(data, { ...options, correlationLimit: limit });
      const w = r.warnings.filter((x) => x.kind === "uncertain" && x.params[0] === "UA");
      expect(w.length).toBe(1);
      return w[0] as { params: readonly string[]; message: string };
    };
    const at = uaWarning(rho);
    expect(at.params).toEqual(["UA", "UA_loss"]);
    expect(at.message).toContain("; it trades off against UA_loss (correlation ");
    const above = uaWarning(rho + Number.EPSILON / 2);
    expect(above.params).toEqual(["UA"]);
    expect(above.message).not.toContain("trades off");
  });
});

describe("calibrateLoop's poor-fit factor", () => {
  /**
   * 40 s of a loop at rest at 0 C (T_sink and T_amb 0 C, heater off, pump and fan at 255) with
   * the initial state taken from the first readings (0 C): every predicted temperature is exactly
   * 0, whatever m_dot_max. The hot readings after the first are 0.25 C: an RMSE of exactly 0.25 K
   * and no second differences, so the hot channel's noise floor is its 0.01 K.
   */
  function offByQuarter(): CalibrationData {
    return readingsAtRest("off by a quarter", 40, {
      hot: (k) => (k === 0 ? 0 : 0.25),
      cold: () => 0,
      flow: (k) => (k % 2 === 0 ? 3.1 : 2.9),
    });
  }

  const fitOff = (poorFitFactor: number) =>
    calibrateLoop(offByQuarter(), {
      base: makeLoopParams({ T_sink: 0, T_amb: 0 }),
      fit: ["m_dot_max"],
      initialState: "measured",
      poorFitFactor,
    });
  const hotPoorFit = (poorFitFactor: number) =>
    fitOff(poorFitFactor)
      .warnings.filter((w) => w.kind === "poor_fit" && w.message.startsWith("t_hot "))
      .map((w) => w.message);

  it("is not a poor fit at exactly the factor (0.25 K = 25 x 0.01 K)", () => {
    expect(25 * 0.01).toBe(0.25);
    const r = fitOff(25);
    const hot = r.channels.find((c) => c.channel === "t_hot");
    expect([hot?.rmse, hot?.noise, hot?.count]).toEqual([0.25, 0, 39]);
    expect(hotPoorFit(25)).toEqual([]);
  });

  it("is one just below it", () => {
    expect(hotPoorFit(24.99)).toEqual([
      "t_hot RMSE 0.250 K is 25.0x its noise (0.010 K): the model misses something in this run (a fault, an unmodelled actuator or sensor, a wrong held parameter)",
    ]);
  });
});
