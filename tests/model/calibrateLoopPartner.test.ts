/**
 * calibrateLoop's partner of an uncertain parameter (docs/design.md 2.2, calibration
 * identifiability): the fitted parameter it is most correlated with, and none when it is
 * correlated with none. The test builds its data and runs its fit inside the test (Stryker's
 * per-test coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { readingsAtRest } from "./calibrationRun.js";

/** See the first test: a loop at rest at 0 C, hot readings 0.4/0.6 C, flow 0.1/1.9 L/min. */
function partnerless(): CalibrationData {
  return readingsAtRest("partnerless", 40, {
    hot: (k) => (k === 0 ? 0 : k % 2 === 0 ? 0.6 : 0.4),
    cold: () => 0,
    flow: (k) => (k % 2 === 0 ? 1.9 : 0.1),
  });
}

describe("calibrateLoop's partner of an uncertain parameter", () => {
  it("is none when the correlation with every other is exactly 0 (m_dot_max beside offset_hot_k)", () => {
    // 40 s at 1 Hz of a loop at rest at 0 C (T_sink and T_amb 0 C, heater off, pump and fan at
    // 255), the initial state taken from the first readings. With heat capacities of 0.001 J/K
    // both modes decay by more than e^-745 in a second: after the first reading both nodes are
    // exactly 0 C, whatever m_dot_max and the offsets, so the predicted hot reading is
    // -offset_hot_k and the predicted cold 0. m_dot_max then moves only the flow readings and
    // offset_hot_k only the hot ones: their Jacobian columns share no non-zero row, J^T J is
    // diagonal and their correlation exactly 0. The flow alternates between 0.1 and 1.9 L/min,
    // so m_dot_max is uncertain (about 12 % against a limit of 10 %).
    const data = partnerless();
    const r = calibrateLoop(data, {
      base: makeLoopParams({ T_sink: 0, T_amb: 0, C_hot: 0.001, C_cold: 0.001 }),
      fit: ["m_dot_max", "offset_hot_k"],
      initialState: "measured",
    });
    expect(r.fitted.map((f) => f.name)).toEqual(["m_dot_max", "offset_hot_k"]);
    expect(r.correlation[0]?.[1]).toBe(0);
    const w = r.warnings.filter((x) => x.kind === "uncertain" && x.params[0] === "m_dot_max");
    // Without a partner the hint is the general one; with offset_hot_k as the partner it would be
    // the offsets' ("step the heater between two or more powers ...").
    expect(w.map((x) => x.params)).toEqual([["m_dot_max"]]);
    expect(w[0]?.message).toMatch(
      /^m_dot_max is poorly identified: \+-\d+\.\d % \(limit 10 %\); add steps of the actuators the two parameters depend on$/,
    );
  });

  it("is none with a correlation limit of 0 and no other parameter (the limit does not make one up)", () => {
    // m_dot_max alone: no partner, best stays 0, which is >= a limit of 0; the warning still has
    // only the short hint (it threw a TypeError reading the correlation at index -1).
    const r = calibrateLoop(partnerless(), {
      base: makeLoopParams({ T_sink: 0, T_amb: 0, C_hot: 0.001, C_cold: 0.001 }),
      fit: ["m_dot_max"],
      initialState: "measured",
      correlationLimit: 0,
    });
    const w = r.warnings.filter((x) => x.kind === "uncertain");
    expect(w.map((x) => x.params)).toEqual([["m_dot_max"]]);
    expect(w[0]?.message).toMatch(
      /^m_dot_max is poorly identified: \+-\d+\.\d % \(limit 10 %\); add steps of the actuators the two parameters depend on$/,
    );
  });
});
