import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { LoopObserver } from "../../src/detect/twins/observer.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import { LoopTwin } from "../../src/model/twin.js";
import { zohDiscretize } from "../../src/model/zohDiscretization.js";
import { PlantHarness } from "./plantHarness.js";

const P = DEFAULT_LOOP_PARAMS;

describe("exact discretisation of the loop model", () => {
  it("matches the RK4 twin over short and long steps", () => {
    const twin = new LoopTwin(P, { substepFraction: 0.01 });
    twin.setDuties(200, 255, 255, 25);
    const a = twin.jacobian(new Float64Array(4));
    const op = twin.operatingPoint;
    const b1 = (op.qInW + P.UA_loss * op.tAmbC) / P.C_hot;
    const b2 = (op.uaWK * op.tSinkC + P.UA_loss * op.tAmbC) / P.C_cold;
    for (const dt of [0.1, 7, 600]) {
      twin.setState(30, 26, 0);
      twin.step(dt);
      const d = zohDiscretize(a[0]!, a[1]!, a[2]!, a[3]!, dt, new Float64Array(8));
      const hot = d[0]! * 30 + d[1]! * 26 + d[4]! * b1 + d[5]! * b2;
      const cold = d[2]! * 30 + d[3]! * 26 + d[6]! * b1 + d[7]! * b2;
      expect(hot).toBeCloseTo(twin.tHotC, 7);
      expect(cold).toBeCloseTo(twin.tColdC, 7);
    }
  });

  it("handles equal eigenvalues (pump off, symmetric nodes)", () => {
    const d = zohDiscretize(-0.01, 0, 0, -0.01, 3, new Float64Array(8));
    expect(d[0]).toBeCloseTo(Math.exp(-0.03), 14);
    expect(d[4]).toBeCloseTo(-Math.expm1(-0.03) / 0.01, 12);
    expect(d[1]).toBe(0);
  });
});

describe("Kalman observer on the loop model", () => {
  const ss = loopSteadyState(P, setOperatingPointFromDuties(P, 200, 255, 255, 25, createOperatingPoint(P)));
  if (!ss.ok) throw new Error(ss.error);
  const { tHotC, tColdC } = ss.value;

  it("converges from a wrong initial state (10 K off)", () => {
    const obs = new LoopObserver(P);
    obs.setIntendedDuties(200, 255, 255);
    obs.setState(0, tHotC - 10, tColdC + 10, 10);
    const rng = new SeededRng(5);
    for (let i = 1; i <= 300; i++)
      obs.update(i * 0.1, tHotC + 0.05 * rng.normal(), tColdC + 0.05 * rng.normal());
    expect(Math.abs(obs.tHotC - tHotC)).toBeLessThan(0.05);
    expect(Math.abs(obs.tColdC - tColdC)).toBeLessThan(0.05);
    expect(obs.tHotStdK).toBeLessThan(0.05);
  });

  it("normalised innovations are white and unit-variance on the simulated rig (NIS averages 2)", () => {
    const h = new PlantHarness({ seed: 12 });
    const obs = new LoopObserver(h.params);
    obs.setIntendedDuties(200, 255, 255);
    let nis = 0;
    let n = 0;
    let sumHot = 0;
    let sumSqHot = 0;
    let lagProd = 0;
    let prev = 0;
    for (let i = 0; i < 20_000; i++) {
      const s = h.next();
      if (!obs.update(s.tS, s.tHotC, s.tColdC)) continue;
      nis += obs.nis;
      n++;
      const w = obs.whitened[0]!;
      sumHot += w;
      sumSqHot += w * w;
      lagProd += w * prev;
      prev = w;
    }
    expect(nis / n).toBeGreaterThan(1.9);
    expect(nis / n).toBeLessThan(2.2);
    expect(Math.abs(sumHot / n)).toBeLessThan(0.05);
    expect(sumSqHot / n).toBeGreaterThan(0.9);
    expect(sumSqHot / n).toBeLessThan(1.1);
    // Lag-1 autocorrelation close to 0.
    expect(Math.abs(lagProd / sumSqHot)).toBeLessThan(0.1);
  });

  it("a thermistor bias shows as persistent innovations, largest on that channel", () => {
    // The filter spreads a bias over both nodes (they are coupled through the flow, τ ≈ 9 s), so
    // the innovations' signs are not a clean signature (the open-loop residuals are); their size is.
    const h = new PlantHarness({ seed: 3, faults: ["sensor_bias:start=30,value=1.5,channel=hot"] });
    const obs = new LoopObserver(h.params);
    obs.setIntendedDuties(200, 255, 255);
    let hot = 0;
    let cold = 0;
    let nis = 0;
    let n = 0;
    for (let i = 0; i < 1200; i++) {
      const s = h.next();
      obs.update(s.tS, s.tHotC, s.tColdC);
      if (s.tS > 40) {
        hot += obs.normalizedHot;
        cold += obs.normalizedCold;
        nis += obs.nis;
        n++;
      }
    }
    expect(hot / n).toBeGreaterThan(3);
    expect(Math.abs(cold / n)).toBeLessThan(hot / n);
    expect(nis / n).toBeGreaterThan(20);
  });

  it("uses one channel when the other is missing, and resynchronises after a gap", () => {
    const obs = new LoopObserver(P);
    obs.setIntendedDuties(200, 255, 255);
    expect(obs.update(0, tHotC, tColdC)).toBe(false); // initialises
    expect(obs.update(0.1, Number.NaN, tColdC)).toBe(true);
    expect(obs.innovationHotK).toBeNaN();
    expect(Number.isFinite(obs.normalizedCold)).toBe(true);
    expect(obs.whitened[0]).toBeNaN();
    expect(obs.update(60, tHotC + 3, tColdC + 3)).toBe(false);
    expect(obs.resyncs).toBe(1);
    expect(obs.tHotC).toBe(tHotC + 3);
    expect(() => new LoopObserver(P, { sensorNoiseK: 0 })).toThrow(/observer\.sensorNoiseK/);
  });
});

/**
 * Hand-worked cases of the filter (issue 19). With the pump off (m_dot = 0) the loop model
 * (docs/design.md 2.2) falls apart into two first-order nodes, each with a closed-form solution:
 * T_hot' = (Q_in + UA_loss (T_amb - T_hot)) / C_hot and
 * T_cold' = (UA (T_sink - T_cold) + UA_loss (T_amb - T_cold)) / C_cold, and the prediction's
 * covariance is F P Fᵀ + q Δt I with F diagonal.
 */
describe("Kalman observer, worked by hand with the pump off", () => {
  // C_hot 2500 J/K, C_cold 3000 J/K (the defaults), UA_loss 50 W/K so that the losses matter.
  const params = makeLoopParams({ UA_loss: 50 });
  const op = { mDotKgS: 0, qInW: 100, uaWK: 100, tSinkC: 20, tAmbC: 30 };
  // Hot node: rate UA_loss / C_hot = 0.02 /s towards (Q_in + UA_loss T_amb) / UA_loss = 32 C.
  // Cold node: rate (UA + UA_loss) / C_cold = 0.05 /s towards
  // (UA T_sink + UA_loss T_amb) / (UA + UA_loss) = 3500 / 150 = 70/3 C.
  const hotAt = (t: number, h0: number, target = 32) => target + (h0 - target) * Math.exp(-0.02 * t);
  const coldAt = (t: number, c0: number, target = 70 / 3) => target + (c0 - target) * Math.exp(-0.05 * t);
  const q = 1e-4; // the default process noise density [K²/s]

  function observer(): LoopObserver {
    const obs = new LoopObserver(params);
    obs.setOperatingPoint(op);
    obs.setState(0, 80, 60, 1);
    return obs;
  }

  it("predicts through a sample with no reading along the closed-form solution", () => {
    const obs = observer();
    expect({ ...obs.operatingPoint }).toEqual(op);
    expect(obs.update(4, Number.NaN, Number.NaN)).toBe(false);
    expect(obs.tHotC).toBeCloseTo(hotAt(4, 80), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(4, 60), 9);
    // P = F P Fᵀ + q Δt I from P = I: e^(-2 k Δt) + q Δt on each node.
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(Math.exp(-0.16) + 4 * q), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(Math.exp(-0.4) + 4 * q), 12);
    expect(obs.innovationHotK).toBeNaN();
    expect(obs.nis).toBeNaN();
  });

  it("keeps predicting over a gap longer than maxGapS when only one reading comes back", () => {
    const obs = observer();
    // 10 s > maxGapS (5 s), but without both temperatures it cannot resynchronise.
    expect(obs.update(10, 50, Number.NaN)).toBe(false);
    expect(obs.resyncs).toBe(0);
    expect(obs.tHotC).toBeCloseTo(hotAt(10, 80), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(10, 60), 9);
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(Math.exp(-0.4) + 10 * q), 12);
    // The clock moved to 10 s: the next prediction covers 1 s more, not 11 s again.
    expect(obs.update(11, Number.NaN, Number.NaN)).toBe(false);
    expect(obs.tHotC).toBeCloseTo(hotAt(11, 80), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(11, 60), 9);
  });

  it("takes a measured ambient into the model and ignores a non-finite one", () => {
    const obs = observer();
    obs.setAmbientC(40);
    obs.setAmbientC(Number.NaN);
    obs.setAmbientC(Number.POSITIVE_INFINITY);
    expect(obs.operatingPoint.tAmbC).toBe(40);
    obs.update(4, Number.NaN, Number.NaN);
    // Targets at 40 C ambient: (100 + 50·40) / 50 = 42 C and (100·20 + 50·40) / 150 = 80/3 C.
    expect(obs.tHotC).toBeCloseTo(hotAt(4, 80, 42), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(4, 60, 80 / 3), 9);
  });

  it("setting the ambient already in use changes nothing, not even the cached discretisation", () => {
    // The discretisation is reused while Δt stays within 1e-9 of the cached one (the sample
    // spacing jitters in its last bits); re-setting the same ambient must not discard it, so both
    // filters give the same bits.
    const a = observer();
    const b = observer();
    a.update(0.1, Number.NaN, Number.NaN);
    b.update(0.1, Number.NaN, Number.NaN);
    b.setAmbientC(30);
    const t = 0.1 + 0.1 * (1 + 1e-10);
    a.update(t, Number.NaN, Number.NaN);
    b.update(t, Number.NaN, Number.NaN);
    expect(b.tHotC).toBe(a.tHotC);
    expect(b.tColdC).toBe(a.tColdC);
  });

  it("forgets the state on reset: the next sample initialises it, with no resync counted", () => {
    const obs = new LoopObserver(params, { sensorNoiseK: 0.1 });
    obs.setOperatingPoint(op);
    expect(obs.update(0, 50, 40)).toBe(false);
    expect(obs.update(10, 51, 41)).toBe(false); // a resync after a 10 s gap
    expect(obs.resyncs).toBe(1);
    obs.reset();
    expect(obs.tHotC).toBeNaN();
    expect(obs.tColdC).toBeNaN();
    expect(obs.resyncs).toBe(0);
    // 0.1 s after the last sample: without the reset this would be a correction (true).
    expect(obs.update(10.1, 55, 45)).toBe(false);
    expect([obs.tHotC, obs.tColdC]).toEqual([55, 45]);
    expect(obs.tHotStdK).toBeCloseTo(0.1, 15);
    expect(obs.innovationHotK).toBeNaN();
    expect(obs.resyncs).toBe(0);
  });

  it("names each option and its value when it refuses one", () => {
    expect(() => new LoopObserver(params, { sensorNoiseK: 0 })).toThrow(
      "observer.sensorNoiseK: must be > 0 (got 0)",
    );
    expect(() => new LoopObserver(params, { processNoiseK2PerS: 0 })).toThrow(
      "observer.processNoiseK2PerS: must be > 0 (got 0)",
    );
    expect(() => new LoopObserver(params, { maxGapS: -1 })).toThrow("observer.maxGapS: must be > 0 (got -1)");
  });
});
