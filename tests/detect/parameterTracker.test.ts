import { describe, expect, it } from "vitest";
import { ParameterTracker } from "../../src/detect/twins/parameterTracker.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
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
});
