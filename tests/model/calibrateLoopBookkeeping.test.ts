/**
 * calibrateLoop's bookkeeping before the fit: the sink-versus-ambient warning (only when the
 * ambient probe's mean differs from a held T_sink by more than 1 K), the pump-never-runs hold,
 * the residual count without the flow meter, and the initial-state parameters of each segment.
 * Each test simulates and fits its own short run inside the test (Stryker's per-test coverage).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { simulatedRun } from "./calibrationRun.js";

const STEADY = ["pump=0:200", "heater=0:255,60:100", "fan=0:255"];

/** The same data with a second segment starting at observation `k` (as after a gap). */
function splitAt(data: CalibrationData, k: number): CalibrationData {
  const segmentStart = Uint8Array.from(data.segmentStart);
  segmentStart[k] = 1;
  return { ...data, segmentStart };
}

describe("calibrateLoop's sink-versus-ambient warning", () => {
  it("warns with T_sink held and the ambient 3 K below it, in full", () => {
    const { data } = simulatedRun({ durationS: 120, inputs: STEADY, params: { T_amb: 22 } });
    const r = calibrateLoop(data, { fit: ["UA", "offset_hot_k", "offset_cold_k"] });
    const w = r.warnings.filter((x) => x.kind === "sink_vs_ambient");
    expect(w.map((x) => x.params)).toEqual([["T_sink"]]);
    expect(w[0]?.message).toMatch(
      /^the ambient probe reads 2[12]\.\d\d C on average but T_sink is 25 C: the offsets absorb the difference; set T_sink to the radiator's air temperature \(--set T_sink=\.\.\.\)$/,
    );
  });

  it("does not warn when T_sink is fitted, or when the ambient is T_sink (25 C)", () => {
    const cold = simulatedRun({ durationS: 120, inputs: STEADY, params: { T_amb: 22 } });
    const fitted = calibrateLoop(cold.data, { fit: ["UA", "T_sink"] });
    expect(fitted.warnings.filter((x) => x.kind === "sink_vs_ambient")).toEqual([]);
    const same = simulatedRun({ durationS: 120, inputs: STEADY });
    const held = calibrateLoop(same.data, { fit: ["UA", "offset_hot_k", "offset_cold_k"] });
    expect(held.warnings.filter((x) => x.kind === "sink_vs_ambient")).toEqual([]);
  });
});

describe("calibrateLoop's pump holds", () => {
  it("holds m_dot_max and the pump shape when the pump never runs, in full", () => {
    const { data } = simulatedRun({ durationS: 120, inputs: ["pump=0:0", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["UA", "m_dot_max", "pump_stall_duty"] });
    expect(r.held).toEqual(["m_dot_max", "pump_stall_duty"]);
    expect(r.warnings.filter((x) => x.kind === "not_excited")).toEqual([
      {
        kind: "not_excited",
        params: ["m_dot_max", "pump_stall_duty"],
        message:
          "the pump never runs for 30 s or more in this run: the pump curve is not excited (held at its configured values)",
      },
    ]);
  });
});

describe("calibrateLoop without the flow meter", () => {
  it("fits UA from the two temperatures alone (residuals of both channels counted)", () => {
    const { truth, data } = simulatedRun({ durationS: 600, inputs: STEADY });
    const r = calibrateLoop(data, { base: makeLoopParams({ UA: 7 }), fit: ["UA"], useFlow: false });
    expect(r.channels.map((c) => [c.channel, c.used])).toEqual([
      ["t_hot", true],
      ["t_cold", true],
      ["flow", false],
    ]);
    expect(Math.abs(r.params.UA / truth.UA - 1)).toBeLessThan(0.02);
  });
});

describe("calibrateLoop's initial state per segment", () => {
  it("with two segments and the measured initial state, still fits UA (every segment restarts)", () => {
    const { truth, data } = simulatedRun({ durationS: 600, inputs: STEADY });
    const two = splitAt(data, 300);
    const r = calibrateLoop(two, { base: makeLoopParams({ UA: 7 }), fit: ["UA"], initialState: "measured" });
    expect(r.segments).toBe(2);
    expect(Number.isFinite(r.params.UA)).toBe(true);
    expect(Math.abs(r.params.UA / truth.UA - 1)).toBeLessThan(0.02);
  });

  it("fits each segment's initial state: a 3 K error in the second segment's first hot reading is absorbed", () => {
    const { truth, data } = simulatedRun({ durationS: 600, inputs: STEADY });
    const two = splitAt(data, 300);
    const tHotC = Float64Array.from(two.tHotC);
    tHotC[300] = (tHotC[300] as number) + 3;
    const r = calibrateLoop({ ...two, tHotC }, { base: makeLoopParams({ UA: 7 }), fit: ["UA"] });
    expect(Math.abs(r.params.UA / truth.UA - 1)).toBeLessThan(0.01);
  });
});
