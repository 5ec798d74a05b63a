import { describe, expect, it } from "vitest";
import { kgSToLpm } from "../../src/core/units.js";
import { ParameterTracker } from "../../src/detect/twins/parameterTracker.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { createZohMatrices, zohDiscretize } from "../../src/model/zohDiscretization.js";
import { PlantHarness } from "./plantHarness.js";

function track(
  faults: readonly string[],
  untilS: number,
  seed = 1,
  at?: (t: number, tr: ParameterTracker, trueUa: number) => void,
) {
  const h = new PlantHarness({ seed, faults });
  const tr = new ParameterTracker(h.params);
  tr.setIntendedDuties(200, 255, 255);
  for (let i = 0; i * h.dtS <= untilS; i++) {
    const s = h.next();
    if (tr.update(s.tS, s.tHotC, s.tColdC, s.flowLpm)) at?.(s.tS, tr, s.uaWK / h.params.UA);
  }
  return tr;
}

describe("parameter tracker (augmented-state EKF)", () => {
  it("stays at the nominal parameters on a nominal rig, with a few percent of uncertainty", () => {
    const tr = track([], 900, 21);
    for (const [ratio, std] of [
      [tr.uaRatio, tr.uaRatioStd],
      [tr.pumpRatio, tr.pumpRatioStd],
      [tr.heaterRatio, tr.heaterRatioStd],
    ] as const) {
      expect(std).toBeGreaterThan(0.002);
      expect(std).toBeLessThan(0.03);
      expect(Math.abs(ratio - 1)).toBeLessThan(3 * std);
    }
  });

  it("follows a UA ramp (fouling to 60 % over 600 s) within its uncertainty plus the ramp lag", () => {
    let worst = 0;
    const tr = track(["hx_fouling:start=100,ramp=600,severity=0.4"], 1200, 2, (t, tr, trueUa) => {
      if (t > 300) worst = Math.max(worst, Math.abs(tr.uaRatio - trueUa));
    });
    expect(worst).toBeLessThan(0.1);
    expect(Math.abs(tr.uaRatio - 0.6)).toBeLessThan(3 * tr.uaRatioStd);
    expect(Math.abs(tr.heaterRatio - 1)).toBeLessThan(3 * tr.heaterRatioStd);
    expect(Math.abs(tr.pumpRatio - 1)).toBeLessThan(3 * tr.pumpRatioStd);
  });

  it("tells heater over-power from fouling: θ_heater up, θ_UA unchanged", () => {
    const tr = track(["heater_overpower:start=100,severity=0.2"], 1000, 3);
    expect(tr.heaterRatio).toBeGreaterThan(1.15);
    expect(tr.heaterRatio).toBeLessThan(1.25);
    expect(Math.abs(tr.uaRatio - 1)).toBeLessThan(0.05);
  });

  it("estimates the pump's flow coefficient after a degradation", () => {
    const tr = track(["pump_degradation:start=100,severity=0.3"], 400, 4);
    expect(Math.abs(tr.pumpRatio - 0.7)).toBeLessThan(0.03);
    expect(tr.pumpParameter()).toEqual({ ratio: tr.pumpRatio, std: tr.pumpRatioStd });
  });

  it("an unobservable ratio keeps widening: θ_heater with the heater off", () => {
    const h = new PlantHarness({ duties: { pump: 200, heater: 0, fan: 255 } });
    const tr = new ParameterTracker(h.params);
    tr.setIntendedDuties(200, 0, 255);
    for (let i = 0; i < 3000; i++) {
      const s = h.next();
      tr.update(s.tS, s.tHotC, s.tColdC, s.flowLpm);
    }
    expect(tr.heaterRatioStd).toBeGreaterThan(0.05);
    expect(() => new ParameterTracker(h.params, { blockS: -1 })).toThrow(/tracker\.blockS/);
  });

  it("validates every option: the message names it and the value", () => {
    const P = DEFAULT_LOOP_PARAMS;
    for (const [options, message] of [
      [{ blockS: 0 }, "tracker.blockS: must be > 0 (got 0)"],
      [{ sensorNoiseK: 0 }, "tracker.sensorNoiseK: must be > 0 (got 0)"],
      [{ flowNoiseLpm: -1 }, "tracker.flowNoiseLpm: must be > 0 (got -1)"],
      [{ temperatureFloorK: -0.5 }, "tracker.temperatureFloorK: must be >= 0 (got -0.5)"],
      [{ flowFloorLpm: -1 }, "tracker.flowFloorLpm: must be >= 0 (got -1)"],
      [{ processNoiseK2PerS: 0 }, "tracker.processNoiseK2PerS: must be > 0 (got 0)"],
      [{ uaDriftPerSqrtS: -1 }, "tracker.uaDriftPerSqrtS: must be >= 0 (got -1)"],
      [{ pumpDriftPerSqrtS: -2 }, "tracker.pumpDriftPerSqrtS: must be >= 0 (got -2)"],
      [{ heaterDriftPerSqrtS: -3 }, "tracker.heaterDriftPerSqrtS: must be >= 0 (got -3)"],
      [{ initialRatioStd: 0 }, "tracker.initialRatioStd: must be > 0 (got 0)"],
      [{ maxGapS: Number.NaN }, "tracker.maxGapS: must be a finite number (got NaN)"],
    ] as const)
      expect(() => new ParameterTracker(P, options)).toThrow(message);
    expect(() => new ParameterTracker(P).update(Number.NaN, 40, 35, 1)).toThrow(
      "tS: must be a finite number (got NaN)",
    );
  });

  it("uaWK is θ_UA times the radiator law UA (f0 + (1 - f0) fan/255) at the intended fan duty", () => {
    // Defaults: UA = 10 W/K, f0 = 0.3 (docs/design.md 2.2); θ_UA starts at 1.
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS);
    tr.setIntendedDuties(200, 255, 255);
    expect(tr.uaWK).toBeCloseTo(10, 12);
    tr.setIntendedDuties(200, 255, 0);
    expect(tr.uaWK).toBeCloseTo(3, 12);
  });

  // Pump and heater off: the nodes decouple (m_dot = 0, Q_in = 0) and the prediction is the
  // closed form of two first-order lags, T_hot -> T_amb at rate UA_loss/C_hot and T_cold ->
  // (UA T_sink + UA_loss T_amb)/(UA + UA_loss) at rate (UA + UA_loss)/C_cold. A block with no
  // readings is predicted only, so the filtered temperatures are that closed form; each ratio's
  // variance grows by its random walk, drift² dt (its row of F is the identity's).
  function coastPumpOff(tr: ParameterTracker, hot0: number, cold0: number, gapS: number) {
    tr.setIntendedDuties(0, 0, 255);
    expect(tr.update(0, hot0, cold0, Number.NaN)).toBe(false);
    expect(tr.update(1, hot0, cold0, Number.NaN)).toBe(true); // first block (t = 0.5): initialises
    expect(tr.update(1 + gapS, Number.NaN, Number.NaN, Number.NaN)).toBe(false);
    expect(tr.update(2 + gapS, Number.NaN, Number.NaN, Number.NaN)).toBe(true); // t = 1.5 + gap
  }

  it("predicts with the measured ambient; a non-finite ambient is ignored", () => {
    const P = DEFAULT_LOOP_PARAMS; // UA_loss 0.2 W/K, C_hot 2500 J/K, C_cold 3000 J/K, UA 10 W/K, T_sink 25 C
    const tr = new ParameterTracker(P, { blockS: 1, maxGapS: 2000 });
    tr.setAmbientC(35);
    tr.setAmbientC(Number.NaN);
    tr.setAmbientC(Number.POSITIVE_INFINITY);
    coastPumpOff(tr, 40, 30, 1000);
    const dt = 1001;
    expect(tr.tHotC).toBeCloseTo(35 + (40 - 35) * Math.exp((-0.2 * dt) / 2500), 9);
    const coldEnd = (10 * 25 + 0.2 * 35) / 10.2;
    expect(tr.tColdC).toBeCloseTo(coldEnd + (30 - coldEnd) * Math.exp((-10.2 * dt) / 3000), 9);
    expect(tr.blocks).toBe(2);
    expect(tr.uaRatio).toBe(1);
    expect(tr.uaRatioStd).toBeCloseTo(Math.sqrt(0.05 ** 2 + 2e-3 ** 2 * dt), 12);
    expect(tr.pumpRatioStd).toBeCloseTo(Math.sqrt(0.05 ** 2 + 1e-2 ** 2 * dt), 12);
    expect(tr.heaterRatioStd).toBeCloseTo(Math.sqrt(0.05 ** 2 + 2e-3 ** 2 * dt), 12);
  });

  it("reset goes back to the nominal ratios and their initial uncertainty, and forgets time and state", () => {
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1, maxGapS: 2000, initialRatioStd: 0.1 });
    coastPumpOff(tr, 40, 30, 1000);
    expect(tr.pumpRatioStd).toBeGreaterThan(0.3); // sqrt(0.01 + 1e-4 * 1001)
    tr.reset();
    expect(tr.blocks).toBe(0);
    expect(tr.tHotC).toBeNaN();
    expect(tr.tColdC).toBeNaN();
    for (const prm of [tr.uaParameter(), tr.pumpParameter(), tr.heaterParameter()])
      expect(prm).toEqual({ ratio: 1, std: 0.1 });
    // Time starts again: the first block after the reset initialises on its means.
    expect(tr.update(0, 50, 45, Number.NaN)).toBe(false);
    expect(tr.update(1, 52, 45, Number.NaN)).toBe(true);
    expect(tr.blocks).toBe(1);
    expect(tr.tHotC).toBe(51);
    expect(tr.tColdC).toBe(45);
    expect(tr.pumpRatioStd).toBe(0.1);
  });

  // Kalman steps worked by hand. Defaults: sensor noise σ = 0.05 K, temperature floor 0.02 K, flow
  // noise 0.1 L/min, flow floor 0.05 L/min, process noise 1e-4 K²/s, drifts 2e-3 (UA), 1e-2
  // (pump), 2e-3 (heater) per sqrt(s), initial ratio std 0.05; loop defaults UA_loss 0.2 W/K,
  // C_hot 2500 J/K, C_cold 3000 J/K, UA 10 W/K, T_sink = T_amb = 25 C, Q_heater_max 150 W.
  // Pump off, the nodes decouple (Φ and Ψ are diagonal): T_hot is a one-state filter, and
  // (T_cold, θ_UA) a two-state one through ∂(dT_cold/dt)/∂θ_UA = -UA (T_cold - T_sink)/C_cold.
  it("pump off: a block of readings is a scalar update of T_hot and a two-state update of (T_cold, θ_UA)", () => {
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1 });
    tr.setIntendedDuties(0, 0, 255);
    tr.update(0, 40, 35, 0.3);
    expect(tr.update(1, 40, 35, 0.3)).toBe(true); // initialises at t = 0.5: T = (40, 35), var σ²
    tr.update(2, 39.8, 36, 0.3);
    expect(tr.update(3, 39.9, 36.2, 0.3)).toBe(true); // t = 2.5, means 39.85 and 36.1 of n = 2
    const dt = 2;
    const s2 = 0.05 ** 2;
    const r = s2 / 2 + 0.02 ** 2;
    const q = 1e-4 * dt;
    // T_hot: Φ = e^{-UA_loss dt/C_hot}, the forcing UA_loss T_amb/C_hot, so x⁻ = 25 + 15 Φ.
    const fHot = Math.exp((-0.2 * dt) / 2500);
    const hotPrior = 25 + 15 * fHot;
    const pHot = fHot * fHot * s2 + q;
    expect(tr.tHotC).toBeCloseTo(hotPrior + (pHot / (pHot + r)) * (39.85 - hotPrior), 12);
    // T_cold: a = -(UA + UA_loss)/C_cold, Φ = e^{a dt}, Ψ = (Φ - 1)/a, forcing (UA T_sink + UA_loss T_amb)/C_cold.
    const a = -10.2 / 3000;
    const fCold = Math.exp(a * dt);
    const psi = (fCold - 1) / a;
    const coldPrior = fCold * 35 + psi * (255 / 3000);
    const fUa = psi * ((-10 * (35 - 25)) / 3000); // Ψ ∂f/∂θ_UA
    const v0 = 0.05 ** 2;
    const pCold = fCold * fCold * s2 + fUa * fUa * v0 + q;
    const pCross = fUa * v0;
    const pUa = v0 + 2e-3 ** 2 * dt;
    const sCold = pCold + r;
    const nu = 36.1 - coldPrior;
    expect(tr.tColdC).toBeCloseTo(coldPrior + (pCold / sCold) * nu, 12);
    expect(tr.uaRatio).toBeCloseTo(1 + (pCross / sCold) * nu, 12);
    expect(tr.uaRatio).toBeLessThan(0.97); // the cold node warmed: less conductance
    expect(tr.uaRatioStd).toBeCloseTo(Math.sqrt(pUa - (pCross * pCross) / sCold), 12);
    // No flow is expected with the pump off: the reading says nothing about θ_pump; θ_heater
    // (heater off) is not observed either. Both only widen.
    expect(tr.pumpParameter()).toEqual({ ratio: 1, std: Math.sqrt(v0 + 1e-2 ** 2 * dt) });
    expect(tr.heaterParameter()).toEqual({ ratio: 1, std: Math.sqrt(v0 + 2e-3 ** 2 * dt) });
  });

  it("T_hot = T_cold: the flow reading is a scalar update of θ_pump, z = θ_pump · flow(duty)", () => {
    // ∂f/∂θ_pump is proportional to T_hot - T_cold = 0, so θ_pump is a one-state filter.
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1 });
    tr.setIntendedDuties(255, 0, 255);
    tr.update(0, 30, 30, Number.NaN);
    expect(tr.update(1, 30, 30, Number.NaN)).toBe(true);
    tr.update(2, Number.NaN, Number.NaN, 4);
    tr.update(2.5, Number.NaN, Number.NaN, Number.NaN);
    expect(tr.update(3, Number.NaN, Number.NaN, 4.2)).toBe(true); // t = 2.5, flow 4.1 of n = 2
    const c = kgSToLpm(DEFAULT_LOOP_PARAMS.m_dot_max); // flow at duty 255 [L/min]
    const p = 0.05 ** 2 + 1e-2 ** 2 * 2;
    const r = 0.1 ** 2 / 2 + 0.05 ** 2;
    const s = c * c * p + r;
    expect(tr.pumpRatio).toBeCloseTo(1 + ((c * p) / s) * (4.1 - c), 12);
    expect(tr.pumpRatioStd).toBeCloseTo(Math.sqrt(p - (c * p) ** 2 / s), 12);
    expect(tr.pumpRatio).toBeLessThan(0.9);
    // A block without readings only predicts: θ_pump stays, its variance grows by its random walk.
    const [ratio, v] = [tr.pumpRatio, tr.pumpRatioStd ** 2];
    tr.update(4, Number.NaN, Number.NaN, Number.NaN);
    expect(tr.update(5, Number.NaN, Number.NaN, Number.NaN)).toBe(true); // t = 4.5
    expect(tr.pumpRatio).toBe(ratio);
    expect(tr.pumpRatioStd).toBeCloseTo(Math.sqrt(v + 1e-2 ** 2 * 2), 12);
  });

  it("keeps the ratios >= 0", () => {
    // Wide ratio priors let one block drive a ratio below zero; it stops at 0.
    const opts = { blockS: 1, initialRatioStd: 10 };
    const temps = new ParameterTracker(DEFAULT_LOOP_PARAMS, opts);
    temps.setIntendedDuties(0, 255, 255);
    temps.update(0, 40, 35, Number.NaN);
    temps.update(1, 40, 35, Number.NaN);
    temps.update(2, 30, 45, Number.NaN);
    expect(temps.update(3, 30, 45, Number.NaN)).toBe(true);
    // Hot 10 K below its prediction: less heat (θ_heater < 0 unclamped); cold 10 K above: less conductance.
    expect(temps.heaterRatio).toBe(0);
    expect(temps.uaRatio).toBe(0);
    expect(temps.pumpRatio).toBe(1);
    const flow = new ParameterTracker(DEFAULT_LOOP_PARAMS, opts);
    flow.setIntendedDuties(255, 0, 255);
    flow.update(0, 30, 30, Number.NaN);
    flow.update(1, 30, 30, Number.NaN);
    flow.update(2, Number.NaN, Number.NaN, -1);
    expect(flow.update(3, Number.NaN, Number.NaN, -1)).toBe(true); // a meter offset below zero
    expect(flow.pumpRatio).toBe(0);
    expect(flow.uaRatio).toBe(1);
    expect(flow.heaterRatio).toBe(1);
  });

  it("block means count the readings present; it starts only on a block with both temperatures", () => {
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1 });
    tr.setIntendedDuties(0, 0, 255);
    tr.update(0, 40, Number.NaN, Number.NaN);
    expect(tr.update(1, 41, Number.NaN, Number.NaN)).toBe(false); // no T_cold: not started
    tr.update(1.5, Number.NaN, 35, Number.NaN);
    expect(tr.update(2.5, Number.NaN, 35, Number.NaN)).toBe(false); // no T_hot: not started
    expect(tr.blocks).toBe(0);
    expect(tr.tHotC).toBeNaN();
    expect(tr.tColdC).toBeNaN();
    tr.update(3, 40, Number.NaN, Number.NaN);
    tr.update(3.5, 42, 35, Number.NaN);
    expect(tr.update(4, Number.NaN, 36, Number.NaN)).toBe(true);
    expect(tr.blocks).toBe(1);
    expect(tr.tHotC).toBe(41);
    expect(tr.tColdC).toBe(35.5);
  });

  it("a gap longer than maxGapS restarts the temperatures and widens the ratios by the gap's random walk", () => {
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1, maxGapS: 5 });
    tr.setIntendedDuties(0, 0, 255);
    tr.update(0, 40, 35, Number.NaN);
    tr.update(1, 40, 35, Number.NaN); // block at t = 0.5
    tr.update(7, 50, 45, Number.NaN); // 6 s after the last sample: a gap
    expect(tr.update(8, 52, 47, Number.NaN)).toBe(true); // block at t = 7.5
    expect(tr.tHotC).toBe(51);
    expect(tr.tColdC).toBe(46);
    expect(tr.blocks).toBe(2);
    const v0 = 0.05 ** 2;
    expect(tr.uaRatioStd).toBeCloseTo(Math.sqrt(v0 + 2e-3 ** 2 * 7), 12);
    expect(tr.pumpRatioStd).toBeCloseTo(Math.sqrt(v0 + 1e-2 ** 2 * 7), 12);
    expect(tr.heaterRatioStd).toBeCloseTo(Math.sqrt(v0 + 2e-3 ** 2 * 7), 12);
    // Exactly maxGapS is not a gap: the block is predicted and corrected, even without T_hot
    // (a restart would need both temperatures).
    tr.update(13, Number.NaN, 46, Number.NaN);
    expect(tr.update(14, Number.NaN, 46, Number.NaN)).toBe(true);
    expect(tr.blocks).toBe(3);
    // ... and a gap drops the samples of the block it interrupts.
    tr.update(14.5, 60, 50, Number.NaN);
    tr.update(20, 40, 30, Number.NaN);
    expect(tr.update(21, 40, 30, Number.NaN)).toBe(true);
    expect(tr.tHotC).toBe(40);
    expect(tr.tColdC).toBe(30);
  });

  // The (T_cold, θ_UA) filter of the pump-off case, one block worked by hand: prior state (c, θ),
  // covariance [[pc, pcu], [pcu, pu]], a block dt later with a T_cold mean z of noise variance r.
  function coldUaStep(
    c: number,
    th: number,
    pc: number,
    pcu: number,
    pu: number,
    dt: number,
    z: number,
    r: number,
  ) {
    const a = -(th * 10 + 0.2) / 3000;
    const f = Math.exp(a * dt);
    const psi = (f - 1) / a;
    const prior = f * c + psi * ((th * 10 * 25 + 0.2 * 25) / 3000);
    const fu = psi * ((-10 * (c - 25)) / 3000);
    const pcP = f * f * pc + 2 * f * fu * pcu + fu * fu * pu + 1e-4 * dt;
    const pcuP = f * pcu + fu * pu;
    const puP = pu + 2e-3 ** 2 * dt;
    const s = pcP + r;
    const nu = z - prior;
    return {
      c: prior + (pcP / s) * nu,
      th: th + (pcuP / s) * nu,
      pc: pcP - (pcP * pcP) / s,
      pcu: pcuP - (pcP * pcuP) / s,
      pu: puP - (pcuP * pcuP) / s,
    };
  }

  it("a restart after a gap forgets the temperatures' covariances with the ratios", () => {
    const s2 = 0.05 ** 2;
    const r = s2 / 2 + 0.02 ** 2;
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1, maxGapS: 5 });
    tr.setIntendedDuties(0, 0, 255);
    tr.update(0, 40, 35, Number.NaN);
    tr.update(1, 40, 35, Number.NaN); // t = 0.5
    tr.update(2, Number.NaN, 36, Number.NaN);
    tr.update(3, Number.NaN, 36.2, Number.NaN); // t = 2.5
    const one = coldUaStep(35, 1, s2, 0, 0.05 ** 2, 2, 36.1, r);
    expect(tr.uaRatio).toBeCloseTo(one.th, 12);
    expect(one.pcu).toBeLessThan(-1e-5); // T_cold and θ_UA are correlated now
    tr.update(10, 40, 36, Number.NaN); // a gap: the next block restarts at t = 10.5
    expect(tr.update(11, 40, 36, Number.NaN)).toBe(true);
    expect(tr.tColdC).toBe(36);
    expect(tr.uaRatio).toBeCloseTo(one.th, 12);
    tr.update(12, Number.NaN, 36.5, Number.NaN);
    tr.update(13, Number.NaN, 36.5, Number.NaN); // t = 12.5
    const two = coldUaStep(36, one.th, s2, 0, one.pu + 2e-3 ** 2 * 8, 2, 36.5, r);
    expect(tr.tColdC).toBeCloseTo(two.c, 12);
    expect(tr.uaRatio).toBeCloseTo(two.th, 12);
    expect(tr.uaRatioStd).toBeCloseTo(Math.sqrt(two.pu), 12);
  });

  it("time that goes back: a block before the last is corrected but not predicted, and no variance shrinks", () => {
    const s2 = 0.05 ** 2;
    const r = s2 / 2 + 0.02 ** 2;
    const tr = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1 });
    tr.setIntendedDuties(0, 0, 255);
    tr.update(0, 40, 35, Number.NaN);
    tr.update(1, 40, 35, Number.NaN); // t = 0.5
    tr.update(-3, 39, 36, Number.NaN);
    expect(tr.update(-2, 39, 36, Number.NaN)).toBe(true); // t = -2.5
    const k = s2 / (s2 + r);
    expect(tr.tHotC).toBeCloseTo(40 - k, 12);
    expect(tr.tColdC).toBeCloseTo(35 + k, 12);
    expect(tr.uaParameter()).toEqual({ ratio: 1, std: 0.05 });
    expect(tr.pumpParameter()).toEqual({ ratio: 1, std: 0.05 });
    // A gap, then a restart whose block (samples 1010 back to 0, up again in 5 s steps) lies before the last block.
    const back = new ParameterTracker(DEFAULT_LOOP_PARAMS, { blockS: 1, maxGapS: 5 });
    back.setIntendedDuties(0, 0, 255);
    back.update(1000, 40, 35, Number.NaN);
    back.update(1001, 40, 35, Number.NaN); // t = 1000.5
    let closed = back.update(1010, 40, 35, Number.NaN);
    for (let t = 0; t <= 1010; t += 5) if (back.update(t, 40, 35, Number.NaN)) closed = true;
    expect(closed).toBe(false);
    expect(back.update(1011, 41, 36, Number.NaN)).toBe(true); // restarts, block mean ~ 510 s
    expect(back.blocks).toBe(2);
    expect(back.heaterParameter()).toEqual({ ratio: 1, std: 0.05 });
    expect(back.pumpParameter()).toEqual({ ratio: 1, std: 0.05 });
  });

  it("pump and heater on: the prediction couples each ratio to the temperatures through Ψ ∂f/∂θ", () => {
    // Model (docs/design.md 2.2): C_hot T_hot' = θ_Q Q - θ_P G (T_hot - T_cold) - L (T_hot - T_amb),
    // C_cold T_cold' = θ_P G (T_hot - T_cold) - θ_UA UA (T_cold - T_sink) - L (T_cold - T_amb), with
    // G = m_dot cp; at θ = 1: ∂T_hot'/∂θ_P = -G (T_hot - T_cold)/C_hot, ∂T_cold'/∂θ_P = G (T_hot - T_cold)/C_cold,
    // ∂T_cold'/∂θ_UA = -UA (T_cold - T_sink)/C_cold, ∂T_hot'/∂θ_Q = Q/C_hot; x⁺ = Φ x + Ψ b exactly
    // (Franklin, Powell & Workman 4.3.3), the ratios' columns of F are Ψ ∂f/∂θ. Ratios start
    // uncorrelated with variance v0 and the temperatures with σ², so after the block one reading
    // moves each ratio by F[row][θ] v0 ν / S.
    const P = DEFAULT_LOOP_PARAMS;
    const G = P.m_dot_max * P.cp;
    const [L, ch, cc, Q, UA] = [0.2, 2500, 3000, 150, 10];
    const d = zohDiscretize(-(G + L) / ch, G / ch, G / cc, -(G + UA + L) / cc, 2, createZohMatrices());
    const [f11, f12, f21, f22, s11, s12, s21, s22] = Array.from(d) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const [h0, c0] = [40, 35];
    const b1 = (Q + L * 25) / ch;
    const b2 = (UA * 25 + L * 25) / cc;
    const prior = [f11 * h0 + f12 * c0 + s11 * b1 + s12 * b2, f21 * h0 + f22 * c0 + s21 * b1 + s22 * b2];
    const dP = [(-G * (h0 - c0)) / ch, (G * (h0 - c0)) / cc];
    const dUa2 = (-UA * (c0 - 25)) / cc;
    const dQ1 = Q / ch;
    const fTheta = [
      // rows T_hot, T_cold; columns UA, pump, heater
      [s12 * dUa2, s11 * dP[0]! + s12 * dP[1]!, s11 * dQ1],
      [s22 * dUa2, s21 * dP[0]! + s22 * dP[1]!, s21 * dQ1],
    ];
    const phi = [
      [f11, f12],
      [f21, f22],
    ];
    const s2 = 0.05 ** 2;
    const v0 = 0.05 ** 2;
    const r = s2 / 2 + 0.02 ** 2;
    const pPrior = (i: number, j: number) =>
      s2 * (phi[i]![0]! * phi[j]![0]! + phi[i]![1]! * phi[j]![1]!) +
      v0 * [0, 1, 2].reduce((acc, k) => acc + fTheta[i]![k]! * fTheta[j]![k]!, 0) +
      (i === j ? 1e-4 * 2 : 0);
    const drift = [2e-3, 1e-2, 2e-3];
    for (const row of [0, 1]) {
      const tr = new ParameterTracker(P, { blockS: 1 });
      tr.setIntendedDuties(255, 255, 255);
      tr.update(0, h0, c0, Number.NaN);
      tr.update(1, h0, c0, Number.NaN); // t = 0.5
      const z = prior[row]! - 0.5;
      const hot = row === 0 ? z : Number.NaN;
      const cold = row === 1 ? z : Number.NaN;
      tr.update(2, hot, cold, Number.NaN);
      expect(tr.update(3, hot, cold, Number.NaN)).toBe(true); // t = 2.5: dt = 2, one reading of n = 2
      const s = pPrior(row, row) + r;
      const other = 1 - row;
      expect([tr.tHotC, tr.tColdC][other]).toBeCloseTo(prior[other]! + (pPrior(other, row) / s) * -0.5, 12);
      expect([tr.tHotC, tr.tColdC][row]).toBeCloseTo(prior[row]! + (pPrior(row, row) / s) * -0.5, 12);
      const ratios = [tr.uaParameter(), tr.pumpParameter(), tr.heaterParameter()];
      for (const k of [0, 1, 2]) {
        const gain = (fTheta[row]![k]! * v0) / s;
        expect(ratios[k]!.ratio).toBeCloseTo(1 + gain * -0.5, 12);
        expect(ratios[k]!.std).toBeCloseTo(Math.sqrt(v0 + drift[k]! ** 2 * 2 - gain * gain * s), 12);
      }
    }
    // Both readings in one block, processed one at a time, give the joint (batch) update
    // x⁺ = x⁻ + P Hᵀ S⁻¹ ν, P⁺ = P - P Hᵀ S⁻¹ H P with S = H P Hᵀ + R the 2x2 of the temperatures.
    const tr = new ParameterTracker(P, { blockS: 1 });
    tr.setIntendedDuties(255, 255, 255);
    tr.update(0, h0, c0, Number.NaN);
    tr.update(1, h0, c0, Number.NaN);
    const nu = [-0.5, 0.3] as const;
    tr.update(2, prior[0]! + nu[0], prior[1]! + nu[1], Number.NaN);
    tr.update(3, prior[0]! + nu[0], prior[1]! + nu[1], Number.NaN);
    const [a, b, d2] = [pPrior(0, 0) + r, pPrior(0, 1), pPrior(1, 1) + r];
    const det = a * d2 - b * b;
    const inv = [
      [d2 / det, -b / det],
      [-b / det, a / det],
    ] as const;
    const w = [inv[0][0] * nu[0] + inv[0][1] * nu[1], inv[1][0] * nu[0] + inv[1][1] * nu[1]] as const;
    expect(tr.tHotC).toBeCloseTo(prior[0]! + pPrior(0, 0) * w[0] + pPrior(0, 1) * w[1], 12);
    expect(tr.tColdC).toBeCloseTo(prior[1]! + pPrior(1, 0) * w[0] + pPrior(1, 1) * w[1], 12);
    const ratios = [tr.uaParameter(), tr.pumpParameter(), tr.heaterParameter()];
    for (const k of [0, 1, 2]) {
      const [p0, p1] = [fTheta[0]![k]! * v0, fTheta[1]![k]! * v0];
      expect(ratios[k]!.ratio).toBeCloseTo(1 + p0 * w[0] + p1 * w[1], 12);
      const quad = p0 * (inv[0][0] * p0 + inv[0][1] * p1) + p1 * (inv[1][0] * p0 + inv[1][1] * p1);
      expect(ratios[k]!.std).toBeCloseTo(Math.sqrt(v0 + drift[k]! ** 2 * 2 - quad), 12);
    }
  });
});
