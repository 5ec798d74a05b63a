/**
 * calibrateLoop's starting point: with the flow meter and a running pump, a fitted m_dot_max or
 * stall duty starts from the pump curve the flow readings give (pumpCurveStart), not from the base;
 * a held one stays at the base exactly. Each test simulates and fits its own short run inside the
 * test (Stryker's per-test coverage).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { simulatedRun } from "./calibrationRun.js";

const PUMP_STEPS = ["pump=0:200,300:100,600:200", "heater=0:255,450:100", "fan=0:255"];
// The base is far from the simulated rig (m_dot_max 0.0831 kg/s, stall duty 40 by default).
const BASE = { m_dot_max: 0.05, pump_stall_duty: 30 };

function initialOf(r: ReturnType<typeof calibrateLoop>, name: string): number {
  const f = r.fitted.find((x) => x.name === name);
  if (f === undefined) throw new Error(`${name} not fitted`);
  return f.initial;
}

describe("calibrateLoop's starting point for the pump curve", () => {
  it("starts a fitted m_dot_max from the flow readings, and keeps a held stall duty at the base", () => {
    const { truth, data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { base: makeLoopParams(BASE), fit: ["m_dot_max", "UA"] });
    expect(Math.abs(initialOf(r, "m_dot_max") / truth.m_dot_max - 1)).toBeLessThan(0.1);
    expect(r.params.pump_stall_duty).toBe(30);
  });

  it("starts a fitted stall duty from the flow readings, and keeps a held m_dot_max at the base", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { base: makeLoopParams(BASE), fit: ["pump_stall_duty", "UA"] });
    expect(initialOf(r, "pump_stall_duty")).not.toBe(30);
    expect(r.params.m_dot_max).toBe(0.05);
  });

  it("starts from the base without the flow meter's readings", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, {
      base: makeLoopParams(BASE),
      fit: ["m_dot_max", "pump_stall_duty", "UA"],
      useFlow: false,
    });
    expect(initialOf(r, "m_dot_max")).toBe(0.05);
    expect(initialOf(r, "pump_stall_duty")).toBe(30);
  });
});
