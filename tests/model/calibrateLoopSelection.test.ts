/**
 * Which observations calibrateLoop fits, counted by hand from the run (docs/design.md 2.2,
 * calibration): a temperature reading counts when it is finite (and, with the measured initial
 * state, when it is not a segment's first reading, which is the initial state); a flow reading
 * counts when it is finite and the pump duty has not changed for `flowSettleS` seconds (a segment's
 * start counts as a change; a heater or fan change does not), and the flow channel is fitted only
 * with at least 10 such readings. The fit needs at least 10 observations.
 *
 * Each test simulates its own short run at 1 Hz (observations at t = 0, 1, 2, ... s; the duties
 * change on the sample grid) inside the test, so that Stryker's per-test coverage sees the fit
 * (docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { type CalibrationResult, calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { simulatedRun } from "./calibrationRun.js";

function channel(r: CalibrationResult, name: "t_hot" | "t_cold" | "flow") {
  const c = r.channels.find((x) => x.channel === name);
  if (c === undefined) throw new Error(`no ${name} channel`);
  return c;
}

/** The data with the flow reading at t = 0 missing (the meter's first estimate), whatever it was. */
function withoutFirstFlow(data: CalibrationData): CalibrationData {
  const flowLpm = Float64Array.from(data.flowLpm);
  flowLpm[0] = Number.NaN;
  return { ...data, flowLpm };
}

describe("calibrateLoop's flow readings after a pump change", () => {
  // 41 observations (t = 0..40 s). The heater changes at 10 s, the pump at 20 s: input changes at
  // 0, 10 and 20 s, the pump's duty the same at the first two.
  const INPUTS = ["pump=0:200,20:100", "heater=0:255,10:0", "fan=0:255"];

  it("counts a reading 4 s or more after the segment's start or the pump change, and none before", () => {
    const { data } = simulatedRun({ durationS: 40, inputs: INPUTS });
    expect(data.tS.length).toBe(41);
    expect(Array.from(data.changeTS)).toEqual([0, 10, 20]);
    const r = calibrateLoop(withoutFirstFlow(data), { fit: ["UA"], maxIterations: 5 });
    // Left out: t = 0 (no reading), 1-3 (the segment started at 0), 20-23 (the pump changed at 20).
    // The heater's change at 10 s does not count: t = 10-19 are in. 41 - 1 - 3 - 4 = 33.
    const flow = channel(r, "flow");
    expect(flow.used).toBe(true);
    expect(flow.count).toBe(33);
  });

  it("with a settling time of 5 s, counts a reading exactly 5 s after the change", () => {
    const { data } = simulatedRun({ durationS: 40, inputs: INPUTS });
    const r = calibrateLoop(withoutFirstFlow(data), { fit: ["UA"], maxIterations: 5, flowSettleS: 5 });
    // Left out: t = 0, 1-4 and 20-24: 41 - 1 - 4 - 5 = 31 (t = 5 and t = 25 are in).
    expect(channel(r, "flow").count).toBe(31);
  });
});

describe("calibrateLoop's flow channel needs at least 10 readings", () => {
  it("fits the flow with exactly 10 readings (t = 4..13 of 14 observations)", () => {
    const { data } = simulatedRun({ durationS: 13, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    expect(data.tS.length).toBe(14);
    const r = calibrateLoop(withoutFirstFlow(data), { fit: ["UA"], maxIterations: 5 });
    const flow = channel(r, "flow");
    expect([flow.used, flow.count]).toEqual([true, 10]);
  });

  it("leaves the flow out with 9 (t = 4..12 of 13 observations)", () => {
    const { data } = simulatedRun({ durationS: 12, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(withoutFirstFlow(data), { fit: ["UA"], maxIterations: 5 });
    const flow = channel(r, "flow");
    expect([flow.used, flow.count]).toEqual([false, 0]);
  });
});

describe("calibrateLoop's shortest run", () => {
  it("fits 10 observations (t = 0..9 s)", () => {
    const { data } = simulatedRun({ durationS: 9, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    expect(data.tS.length).toBe(10);
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 5 });
    expect(r.observations).toBe(10);
    expect(channel(r, "t_hot").count).toBe(10);
  });
});

describe("calibrateLoop's temperature readings", () => {
  it("leaves out a missing cold (or hot) reading, and only that channel's", () => {
    const { data } = simulatedRun({ durationS: 30, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const tColdC = Float64Array.from(data.tColdC);
    tColdC[12] = Number.NaN;
    const tHotC = Float64Array.from(data.tHotC);
    tHotC[20] = Number.NaN;
    tHotC[21] = Number.NaN;
    const r = calibrateLoop({ ...data, tColdC, tHotC }, { fit: ["UA"], maxIterations: 5 });
    expect(channel(r, "t_cold").count).toBe(30);
    expect(channel(r, "t_hot").count).toBe(29);
  });

  it("with the measured initial state, leaves out each channel's first reading (31 - 1)", () => {
    const { data } = simulatedRun({ durationS: 30, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 5, initialState: "measured" });
    expect(channel(r, "t_hot").count).toBe(30);
    expect(channel(r, "t_cold").count).toBe(30);
  });
});
