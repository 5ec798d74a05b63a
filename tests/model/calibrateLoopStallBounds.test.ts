/**
 * calibrateLoop's search bounds of the stall duty (docs/design.md 2.2, the pump curve): with the
 * flow meter's readings, the stall lies above every pump duty at which the meter saw the pump
 * stopped (mean flow at or below the stopped threshold, 2 % of the largest level's mean and at
 * least 0.05 L/min; a level with no flow reading says nothing) and at or below the lowest duty at
 * which it saw it turning; without them the bounds are the parameter's own, 0 to 254. The duty 0
 * (pump off) is not a stall: it bounds nothing.
 *
 * The bounds show in the fit's starting point: the stall duty the flow readings give
 * (pumpCurveStart) is clamped into them, and each run below is built so that the unclamped value
 * lies outside (the base's pump_min_frac moves it: 0 puts it where the line through the running
 * levels reaches zero flow, 0.9 near the top duty). With `maxIterations: 0` the fit does not move
 * from that start, so the estimate sits on the bound and the at_bound warning names it.
 * Each test simulates its own run inside the test (Stryker's per-test coverage; docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { type CalibrationResult, calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { simulatedRun } from "./calibrationRun.js";

function stallOf(r: CalibrationResult) {
  const f = r.fitted.find((x) => x.name === "pump_stall_duty");
  if (f === undefined) throw new Error("pump_stall_duty not fitted");
  return f;
}

const AT_BOUND_TAIL =
  "duty sits on a bound of the search: the run pushes it out of the physical range (a fault, or a parameter that should be held)";

/**
 * 3 min at 1 Hz: pump 100 for 60 s, 30 for 30 s, 200 for 90 s, on a rig whose pump gives at most
 * about 1.4 L/min at 200 (m_dot_max 0.03 kg/s), so the stopped threshold is its floor, 0.05 L/min.
 * At duty 30 the meter's readings are replaced by a single one of exactly 0.05 L/min (t = 70 s):
 * the level's mean is the threshold itself, which counts as stopped.
 */
function stoppedAtThirty(): CalibrationData {
  const { data } = simulatedRun({
    durationS: 180,
    inputs: ["pump=0:100,60:30,90:200", "heater=0:255", "fan=0:255"],
    params: { m_dot_max: 0.03 },
  });
  const flowLpm = Float64Array.from(data.flowLpm);
  for (let k = 60; k < 90; k++) flowLpm[k] = k === 70 ? 0.05 : Number.NaN;
  return { ...data, flowLpm };
}

const FIT = ["m_dot_max", "pump_stall_duty", "UA"] as const;

describe("calibrateLoop's stall-duty bounds with the flow meter", () => {
  it("bounds the stall from below just above a duty the meter saw stopped (mean flow at the threshold)", () => {
    // pump_min_frac 0: the flow readings' line reaches zero flow near duty 16, below 30.
    const r = calibrateLoop(stoppedAtThirty(), {
      base: makeLoopParams({ pump_min_frac: 0 }),
      fit: [...FIT],
      maxIterations: 0,
    });
    const stall = stallOf(r);
    expect(stall.initial).toBeCloseTo(30 + 1e-3, 9);
    expect(stall.value).toBeCloseTo(30 + 1e-3, 9);
    expect(stall.atBound).toBe(true);
    expect(r.warnings.filter((w) => w.kind === "at_bound")).toEqual([
      { kind: "at_bound", params: ["pump_stall_duty"], message: `pump_stall_duty = 30.00 ${AT_BOUND_TAIL}` },
    ]);
  });

  it("bounds the stall from above by the lowest duty the meter saw turning (100)", () => {
    // pump_min_frac 0.9: the line reaches 90 % of m_dot_max near duty 230, above 100.
    const r = calibrateLoop(stoppedAtThirty(), {
      base: makeLoopParams({ pump_min_frac: 0.9 }),
      fit: [...FIT],
      maxIterations: 0,
    });
    const stall = stallOf(r);
    expect(stall.initial).toBe(100);
    expect(stall.value).toBe(100);
    expect(r.warnings.filter((w) => w.kind === "at_bound")).toEqual([
      { kind: "at_bound", params: ["pump_stall_duty"], message: `pump_stall_duty = 100.0 ${AT_BOUND_TAIL}` },
    ]);
  });

  it("does not take the pump switched off (duty 0, no flow) for a stall: the lower bound stays 0", () => {
    // A rig with stall 10 and half the flow at the stall: the line through 100 and 200 reaches
    // zero flow far below duty 0, so the start is clamped to the lower bound, 0.
    const { data } = simulatedRun({
      durationS: 180,
      inputs: ["pump=0:100,60:0,90:200", "heater=0:255", "fan=0:255"],
      params: { pump_stall_duty: 10, pump_min_frac: 0.5 },
    });
    const r = calibrateLoop(data, {
      base: makeLoopParams({ pump_min_frac: 0 }),
      fit: [...FIT],
      maxIterations: 0,
    });
    expect(r.excitation.pump.map((l) => [l.duty, l.meanFlowLpm > 0, l.flowCount > 0])).toEqual([
      [0, false, true],
      [100, true, true],
      [200, true, true],
    ]);
    expect(stallOf(r).initial).toBe(0);
    expect(stallOf(r).value).toBe(0);
  });
});

describe("calibrateLoop's stall-duty bounds without the flow meter", () => {
  it("keeps the parameter's own bounds when the flow readings are not used, whatever they show", () => {
    // Same run (30 seen stopped by the meter, 100 and 200 turning), flow not used, the base's stall
    // at 20: the start is the base's 20, inside 0..254, and stays there.
    const r = calibrateLoop(stoppedAtThirty(), {
      base: makeLoopParams({ pump_stall_duty: 20 }),
      fit: ["pump_stall_duty", "UA"],
      useFlow: false,
      maxIterations: 0,
    });
    expect(stallOf(r).value).toBe(20);
    expect(stallOf(r).atBound).toBe(false);
  });
});
