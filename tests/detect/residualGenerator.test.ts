import { describe, expect, it } from "vitest";
import { kgSToLpm } from "../../src/core/units.js";
import { OpenLoopResidualGenerator } from "../../src/detect/twins/residualGenerator.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../src/model/pumpCurve.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import { PlantHarness } from "./plantHarness.js";

const P = DEFAULT_LOOP_PARAMS;

function steady(pump: number, heater: number, fan: number) {
  const ss = loopSteadyState(
    P,
    setOperatingPointFromDuties(P, pump, heater, fan, P.T_amb, createOperatingPoint(P)),
  );
  if (!ss.ok) throw new Error(ss.error);
  return ss.value;
}

describe("open-loop twin residuals", () => {
  it("are zero for a rig that behaves like the model, and follow a setpoint step", () => {
    // Noise-free "rig": the analytic steady state, then the model's own response (the twin's).
    const g = new OpenLoopResidualGenerator(P, { flowMeterWindowS: 0 });
    g.setIntendedDuties(200, 255, 255);
    const ss = steady(200, 255, 255);
    const flow = kgSToLpm(pumpMassFlowKgS(P, 200));
    for (let i = 0; i < 100; i++) {
      const r = g.update(i * 0.1, ss.tHotC, ss.tColdC, flow);
      expect(Math.abs(r.tHotK)).toBeLessThan(1e-9);
      expect(Math.abs(r.tColdK)).toBeLessThan(1e-9);
      expect(Math.abs(r.flowLpm)).toBeLessThan(1e-12);
    }
    // The heater goes off: the twin heads for the new steady state (ambient) with the loop's time constant.
    g.setIntendedDuties(200, 0, 255);
    // 8000 s = 15 of the slowest time constant (~530 s), at 1 Hz.
    for (let t = 11; t <= 8010; t++) g.update(t, Number.NaN, Number.NaN, flow);
    const off = steady(200, 0, 255);
    expect(g.residuals.predTHotC).toBeCloseTo(off.tHotC, 3);
    expect(g.residuals.predTColdC).toBeCloseTo(off.tColdC, 3);
    expect(g.residuals.tHotK).toBeNaN();
  });

  it("measured minus predicted, T_hot - T_cold and flow against the pump curve", () => {
    const g = new OpenLoopResidualGenerator(P, { flowMeterWindowS: 0 });
    g.setIntendedDuties(200, 255, 255);
    const ss = steady(200, 255, 255);
    const expected = kgSToLpm(pumpMassFlowKgS(P, 200));
    g.update(0, ss.tHotC, ss.tColdC, expected);
    const r = g.update(0.1, ss.tHotC + 1.5, ss.tColdC - 0.5, expected * 0.55);
    expect(r.tHotK).toBeCloseTo(1.5, 6);
    expect(r.tColdK).toBeCloseTo(-0.5, 6);
    expect(r.deltaTK).toBeCloseTo(2, 6);
    expect(r.flowLpm).toBeCloseTo(-0.45 * expected, 9);
    expect(r.predFlowLpm).toBeCloseTo(expected, 12);
  });

  it("predicts through a gap: a fault during the gap shows when samples return", () => {
    const g = new OpenLoopResidualGenerator(P);
    g.setIntendedDuties(200, 255, 255);
    const ss = steady(200, 255, 255);
    g.update(0, ss.tHotC, ss.tColdC, Number.NaN);
    // 10 minutes without data; the rig is still at its steady state: residual ~0.
    const r = g.update(600, ss.tHotC, ss.tColdC, Number.NaN);
    expect(Math.abs(r.tHotK)).toBeLessThan(1e-6);
    // Intended heater off during the gap but the rig kept heating: a large residual.
    g.setIntendedDuties(200, 0, 255);
    const r2 = g.update(1200, ss.tHotC, ss.tColdC, Number.NaN);
    expect(r2.tColdK).toBeGreaterThan(5);
  });

  it("the predicted flow lags a pump step like the meter's 2 s window", () => {
    const g = new OpenLoopResidualGenerator(P);
    g.setIntendedDuties(200, 255, 255);
    g.update(0, 40, 39, 0);
    g.setIntendedDuties(255, 255, 255);
    const full = kgSToLpm(pumpMassFlowKgS(P, 255));
    const start = kgSToLpm(pumpMassFlowKgS(P, 200));
    const r = g.update(1, 40, 39, 0);
    // First-order lag with τ = 1 s: 63 % of the step after 1 s.
    expect(r.predFlowLpm).toBeCloseTo(start + (1 - Math.exp(-1)) * (full - start), 9);
  });

  it("has no residuals before the first sample", () => {
    const g = new OpenLoopResidualGenerator(P);
    expect(g.residuals).toEqual({
      tS: Number.NaN,
      predTHotC: Number.NaN,
      predTColdC: Number.NaN,
      predFlowLpm: Number.NaN,
      tHotK: Number.NaN,
      tColdK: Number.NaN,
      deltaTK: Number.NaN,
      flowLpm: Number.NaN,
    });
  });

  it("starts from the parameters' initial state when asked", () => {
    const params = makeLoopParams({ T_hot0: 30, T_cold0: 29 });
    const g = new OpenLoopResidualGenerator(params, { initialState: "params" });
    expect(g.update(0, 45, 40, Number.NaN).tHotK).toBeCloseTo(15, 12);
    expect(() => new OpenLoopResidualGenerator(P, { initialState: "zero" as never })).toThrow(
      'residuals.initialState: must be one of first_sample, params (got "zero")',
    );
    expect(() => new OpenLoopResidualGenerator(P, { flowMeterWindowS: -1 })).toThrow(
      "residuals.flowMeterWindowS: must be >= 0 (got -1)",
    );
  });

  it("on the simulated rig, nominal residuals are noise-sized", () => {
    const h = new PlantHarness({ seed: 4 });
    const g = new OpenLoopResidualGenerator(h.params);
    g.setIntendedDuties(200, 255, 255);
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 0; i < 6000; i++) {
      const s = h.next();
      const r = g.update(s.tS, s.tHotC, s.tColdC, s.flowLpm);
      if (i > 100) {
        sum += r.tHotK + r.tColdK;
        sumSq += r.tHotK ** 2 + r.tColdK ** 2;
        n += 2;
      }
    }
    // Sensor noise 0.05 K rms with the ADC's quantisation q²/12 added (q ~ 0.02 K at these
    // temperatures): sqrt(0.05² + 0.02²/12) = 0.050 K, estimated from ~11,800 residuals to
    // within 1 % (1/sqrt(2n)). A generator that returns 0, or follows the readings, is not noise-sized.
    expect(Math.sqrt(sumSq / n)).toBeGreaterThan(0.045);
    expect(Math.sqrt(sumSq / n)).toBeLessThan(0.08);
    // ... and centred: the twin is unbiased on the nominal rig.
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
  });

  // Pump and heater off: the nodes decouple and each follows a first-order lag in closed form,
  // T_hot -> T_amb at rate UA_loss/C_hot, T_cold -> (UA_eff T_sink + UA_loss T_amb)/(UA_eff + UA_loss)
  // at rate (UA_eff + UA_loss)/C_cold, UA_eff = UA (f0 + (1 - f0) fan/255) (docs/design.md 2.2).
  // Defaults: UA_loss 0.2 W/K, C_hot 2500 J/K, C_cold 3000 J/K, UA 10 W/K, f0 0.3, T_sink = T_amb = 25 C.
  // One-second RK4 sub-steps make the twin exact to ~1e-12 on these slow lags.
  const fine = { twin: { maxSubstepS: 1 } };

  it("follows a change of the fan duty alone (pump and heater off)", () => {
    const g = new OpenLoopResidualGenerator(P, fine);
    g.setIntendedDuties(0, 0, 255); // from the initial (0, 0, 0): only the fan changes
    g.update(1000, 40, 35, Number.NaN); // rig time need not start at 0
    const r = g.update(1300, Number.NaN, Number.NaN, Number.NaN);
    expect(r.predTHotC).toBeCloseTo(25 + 15 * Math.exp((-0.2 * 300) / 2500), 9);
    expect(r.predTColdC).toBeCloseTo(25 + 10 * Math.exp((-10.2 * 300) / 3000), 9);
    expect(r.predFlowLpm).toBe(0);
  });

  it("predicts with the measured ambient; a non-finite ambient is ignored", () => {
    const g = new OpenLoopResidualGenerator(P, fine); // duties (0, 0, 0): UA_eff = 3 W/K
    g.setAmbientC(35);
    g.update(0, 25, 25, Number.NaN);
    g.setAmbientC(Number.NaN);
    g.setAmbientC(Number.NEGATIVE_INFINITY);
    const r = g.update(1000, 26, 27, Number.NaN);
    const hot = 35 - 10 * Math.exp((-0.2 * 1000) / 2500);
    const coldEnd = (3 * 25 + 0.2 * 35) / 3.2;
    const cold = coldEnd + (25 - coldEnd) * Math.exp((-3.2 * 1000) / 3000);
    expect(r.predTHotC).toBeCloseTo(hot, 9);
    expect(r.predTColdC).toBeCloseTo(cold, 9);
    expect(r.tHotK).toBeCloseTo(26 - hot, 9);
    expect(r.tColdK).toBeCloseTo(27 - cold, 9);
  });

  it("a repeated setting changes nothing: an operating point set on the twin directly is kept", () => {
    const g = new OpenLoopResidualGenerator(P);
    g.setIntendedDuties(200, 255, 255);
    g.setAmbientC(30);
    // A calibrated operating point on the (public) twin stays until the duties or the ambient change.
    const calibrated = { ...g.twin.operatingPoint, uaWK: 7, tAmbC: 31 };
    g.twin.setOperatingPoint(calibrated);
    g.setIntendedDuties(200, 255, 255);
    g.setAmbientC(30);
    expect(g.twin.operatingPoint).toEqual(calibrated);
    g.setAmbientC(29);
    expect(g.twin.operatingPoint).toEqual({ ...calibrated, tAmbC: 29 });
    g.setIntendedDuties(200, 255, 254);
    expect(g.twin.operatingPoint.uaWK).toBeCloseTo(10 * (0.3 + (0.7 * 254) / 255), 12);
  });

  it("the flow lag's time constant is half the meter window: 1 - e^(-dt/τ) of a step per sample", () => {
    const g = new OpenLoopResidualGenerator(P, { flowMeterWindowS: 4 }); // τ = 2 s
    g.setIntendedDuties(255, 0, 0);
    const full = kgSToLpm(pumpMassFlowKgS(P, 255));
    expect(g.update(10, 30, 30, Number.NaN).predFlowLpm).toBe(full); // the first sample starts on the target
    g.setIntendedDuties(0, 0, 0);
    expect(g.update(13, 30, 30, Number.NaN).predFlowLpm).toBeCloseTo(full * Math.exp(-3 / 2), 12);
    expect(g.update(14, 30, 30, 1).predFlowLpm).toBeCloseTo(full * Math.exp(-4 / 2), 12);
    expect(g.residuals.flowLpm).toBeCloseTo(1 - full * Math.exp(-2), 12);
  });

  it("without a lag the predicted flow is the pump curve's flow, exactly", () => {
    // 5.0008 -> 0.50008 L/min is a step where p + (t - p) is not t in floating point.
    const g = new OpenLoopResidualGenerator(P, { flowMeterWindowS: 0 });
    g.setIntendedDuties(255, 0, 0);
    g.update(0, 30, 30, Number.NaN);
    g.setIntendedDuties(40, 0, 0);
    expect(g.update(1, 30, 30, Number.NaN).predFlowLpm).toBe(kgSToLpm(pumpMassFlowKgS(P, 40)));
  });

  it("a sample not later than the last steps nothing, not even the flow", () => {
    const g = new OpenLoopResidualGenerator(P, { flowMeterWindowS: 0 });
    g.setIntendedDuties(255, 255, 255);
    const before = g.update(100, 40, 35, Number.NaN);
    const [hot, cold, flow] = [before.predTHotC, before.predTColdC, before.predFlowLpm];
    expect([hot, cold, flow]).toEqual([40, 35, kgSToLpm(pumpMassFlowKgS(P, 255))]);
    g.setIntendedDuties(0, 255, 255);
    for (const t of [100, 50]) {
      const r = g.update(t, 41, 34, 2);
      expect([r.tS, r.predTHotC, r.predTColdC, r.predFlowLpm]).toEqual([t, hot, cold, flow]);
      expect([r.tHotK, r.tColdK, r.flowLpm]).toEqual([41 - hot, 34 - cold, 2 - flow]);
    }
    expect(g.twin.tS).toBe(100);
  });

  it("resynchronise moves the twin onto given temperatures; reset starts it again on the next sample", () => {
    const g = new OpenLoopResidualGenerator(P, fine); // duties (0, 0, 0): UA_eff = 3 W/K
    g.update(0, 40, 35, Number.NaN);
    g.update(100, Number.NaN, Number.NaN, Number.NaN);
    g.resynchronise(45, 30);
    let r = g.update(300, Number.NaN, Number.NaN, Number.NaN);
    expect(r.predTHotC).toBeCloseTo(25 + 20 * Math.exp((-0.2 * 200) / 2500), 9);
    expect(r.predTColdC).toBeCloseTo(25 + 5 * Math.exp((-3.2 * 200) / 3000), 9);
    g.reset();
    expect([g.twin.tHotC, g.twin.tColdC, g.twin.tS]).toEqual([P.T_hot0, P.T_cold0, 0]);
    r = g.update(50, 38, 33, Number.NaN); // earlier than before the reset: time was forgotten
    expect([r.predTHotC, r.predTColdC]).toEqual([38, 33]);
    r = g.update(150, Number.NaN, Number.NaN, Number.NaN);
    expect(r.predTHotC).toBeCloseTo(25 + 13 * Math.exp((-0.2 * 100) / 2500), 9);
    // From the parameters' state (also when the first sample lacks a temperature).
    const params = makeLoopParams({ T_hot0: 30, T_cold0: 29 });
    const gp = new OpenLoopResidualGenerator(params, { initialState: "params" });
    gp.update(0, 45, 40, Number.NaN);
    gp.update(100, 45, 40, Number.NaN);
    gp.reset();
    expect(gp.update(200, 45, 40, Number.NaN).predTHotC).toBe(30);
    const gn = new OpenLoopResidualGenerator(params);
    expect([gn.update(5, 45, Number.NaN, Number.NaN).predTHotC, gn.twin.tS]).toEqual([30, 5]);
    const gh = new OpenLoopResidualGenerator(params);
    expect(gh.update(5, Number.NaN, 40, Number.NaN).predTColdC).toBe(29);
  });
});
