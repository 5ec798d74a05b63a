/**
 * calibrateLoop's probe and its two passes (docs/design.md 2.2, calibration): the
 * iteration and residual-evaluation totals add up the probe and both passes; a converged fit
 * carries no not_converged warning; and the second pass weighs each channel by its first-pass
 * RMSE (feasible weighted least squares), but only by a finite one.
 *
 * Counts worked by hand from levenbergMarquardt.ts: a pass over P variables evaluates the residuals
 * once at its start, then its Jacobian by central differences (2P evaluations; every variable here
 * starts well inside its bounds) at the start of each iteration, and once more at the end when its
 * last step moved theta. With at most 0 iterations a pass is 1 + 2P evaluations; with at most 1, it
 * always runs that one iteration (the Jacobian at the start is iteration 1, whatever stops it).
 *
 * Each test builds its data and runs its fit inside the test (Stryker's per-test coverage;
 * docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { type ReadingsAt, readingsAtRest, simulatedRun } from "./calibrationRun.js";

/** +1 at even k, -1 at odd k. */
const alt = (k: number): number => (k % 2 === 0 ? 1 : -1);

/**
 * `n` observations at 1 Hz of a loop at rest (T_sink and T_amb 25 C, no ambient probe, heater off,
 * pump and fan at 255) whose channels read `readings.hot(k)`, `.cold(k)` and `.flow(k)`.
 */
function atRest(n: number, readings: ReadingsAt): CalibrationData {
  return readingsAtRest("at rest", n, readings);
}

const N_OBS = 64;
const D_HOT = 0.2;
const E_COLD = 0.3;
const F_FLOW = 0.1;
const FLOW_LPM = 3;

/**
 * The loop at rest over 64 s: the hot and cold readings alternate by +-D_HOT and +-E_COLD about
 * 25 C after a first reading of exactly 25 C, the flow by +-F_FLOW about FLOW_LPM.
 */
function alternating(): CalibrationData {
  return atRest(N_OBS, {
    hot: (k) => (k === 0 ? 25 : 25 + D_HOT * alt(k)),
    cold: (k) => (k === 0 ? 25 : 25 + E_COLD * alt(k)),
    flow: (k) => FLOW_LPM + F_FLOW * alt(k),
  });
}

describe("calibrateLoop's iteration and evaluation totals", () => {
  const INPUTS = ["pump=0:200", "heater=0:255", "fan=0:255"];

  it("with no iterations allowed: the probe and both passes evaluate 1 + 2P each, 0 iterations", () => {
    const { data } = simulatedRun({ durationS: 60, inputs: INPUTS });
    // P = 3: UA and the segment's initial hot and cold deltas.
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 0 });
    expect(r.fitted.map((f) => f.name)).toEqual(["UA"]);
    expect(r.iterations).toBe(0);
    expect(r.evaluations).toBe(3 * (1 + 2 * 3));
    expect([r.converged, r.stopReason]).toEqual([false, "max_iterations"]);
  });

  it("with one iteration allowed: one in each pass, two in all", () => {
    const { data } = simulatedRun({ durationS: 60, inputs: INPUTS });
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 1 });
    expect(r.iterations).toBe(2);
    // The probe 1 + 2P; each pass 1 + 2P (its start and Jacobian), + 1 for its trial step (none
    // if it stopped before one), + 2P again if the step was taken: 7 to 14.
    expect(r.evaluations).toBeGreaterThanOrEqual(7 + 2 * 7);
    expect(r.evaluations).toBeLessThanOrEqual(7 + 2 * 14);
  });
});

describe("calibrateLoop's not_converged warning", () => {
  it("is absent when the fit converged", () => {
    const { data } = simulatedRun({
      durationS: 120,
      inputs: ["pump=0:200", "heater=0:255,60:100", "fan=0:255"],
    });
    const r = calibrateLoop(data, { fit: ["UA"] });
    expect(r.converged).toBe(true);
    expect(r.warnings.filter((w) => w.kind === "not_converged")).toEqual([]);
  });

  it("is there, once, when it did not", () => {
    const { data } = simulatedRun({
      durationS: 120,
      inputs: ["pump=0:200", "heater=0:255,60:100", "fan=0:255"],
    });
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 0 });
    expect(r.warnings.filter((w) => w.kind === "not_converged").map((w) => w.message)).toEqual([
      "the fit stopped without converging (max_iterations after 0 iterations): the estimates may be off",
    ]);
  });
});

describe("calibrateLoop's second pass weighs each channel by its first-pass RMSE", () => {
  it("gives m_dot_max the relative uncertainty of the closed form", () => {
    // Only m_dot_max is fitted, with the initial state taken from the readings. The loop stays at
    // its steady state of 25 C whatever m_dot_max (heater off, T_sink = T_amb = 25 C, first
    // readings 25 C), so the temperature residuals are the alternations themselves: -+d on the
    // hot channel's n - 1 readings (its first is the initial state), -+e on the cold one's; the
    // first pass's RMSEs are d and e. At duty 255 the predicted flow is proportional to m_dot_max,
    // and over the nf = n - 4 flow readings (4 s after the segment's start, an even count) the
    // alternation has mean 0: the fit's flow is the mean, its RMSE f, whatever the weights.
    // The second pass, weighted by d, e and f, then has each channel's weighted sum of squares
    // equal to its count: ||r||^2 = N = 2 (n - 1) + nf, s^2 = N / (N - 1), and the flow column
    // of the log-scale parameter is flow / f on each reading, so
    //   relStd(m_dot_max) = sqrt(N / (N - 1)) * f / (flow * sqrt(nf)).
    // Weighting a channel by its noise estimate instead (MAD of second differences / sqrt 6:
    // 1.4826 * 4 d / sqrt(6) = 2.42 d here) changes ||r||^2, and for the flow also the column.
    const r = calibrateLoop(alternating(), { fit: ["m_dot_max"], initialState: "measured" });
    const nf = N_OBS - 4;
    const n = 2 * (N_OBS - 1) + nf;
    const expected = (Math.sqrt(n / (n - 1)) * F_FLOW) / (FLOW_LPM * Math.sqrt(nf));
    expect(r.channels.map((c) => [c.channel, c.count])).toEqual([
      ["t_hot", N_OBS - 1],
      ["t_cold", N_OBS - 1],
      ["flow", nf],
    ]);
    expect(r.fitted.map((f) => f.name)).toEqual(["m_dot_max"]);
    expect(Math.abs((r.fitted[0]?.relStd as number) / expected - 1)).toBeLessThan(1e-6);
  });
});

describe("calibrateLoop's second pass keeps a channel's weight when its RMSE is infinite", () => {
  // One reading of 1e200 makes that channel's squared residual overflow: the cost is infinite at
  // the start, so the first pass stops at once (non_finite) and its RMSE for that channel is
  // Infinity. A weight of 1 / Infinity = 0 would drop the channel and let the second pass fit the
  // rest; the weight is kept instead, and the second pass stops as the first did.
  for (const channel of ["hot", "cold", "flow"] as const) {
    it(`on the ${channel} channel`, () => {
      const base = alternating();
      const spoilt = (x: Float64Array): Float64Array =>
        Float64Array.from(x, (v, k) => (k === 30 ? 1e200 : v));
      const data: CalibrationData = {
        ...base,
        tHotC: channel === "hot" ? spoilt(base.tHotC) : base.tHotC,
        tColdC: channel === "cold" ? spoilt(base.tColdC) : base.tColdC,
        flowLpm: channel === "flow" ? spoilt(base.flowLpm) : base.flowLpm,
      };
      const r = calibrateLoop(data, { fit: ["m_dot_max"], initialState: "measured" });
      expect([r.converged, r.stopReason, r.iterations]).toEqual([false, "non_finite", 0]);
    });
  }
});
