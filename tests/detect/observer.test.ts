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
    // From a standard deviation of 2 K instead of 1 K: P = 4 I.
    const wide = new LoopObserver(params);
    wide.setOperatingPoint(op);
    wide.setState(0, 80, 60, 2);
    expect(wide.tHotStdK).toBe(2);
    wide.update(4, Number.NaN, Number.NaN);
    expect(wide.tHotStdK).toBeCloseTo(Math.sqrt(4 * Math.exp(-0.16) + 4 * q), 12);
    expect(wide.tColdStdK).toBeCloseTo(Math.sqrt(4 * Math.exp(-0.4) + 4 * q), 12);
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
    const obs = new LoopObserver(params);
    expect(() => obs.update(Number.NaN, 50, 40)).toThrow("tS: must be a finite number (got NaN)");
    expect(() => obs.updateFrom({ tS: Number.POSITIVE_INFINITY, tHotC: 50, tColdC: 40 })).toThrow(
      "tS: must be a finite number (got Infinity)",
    );
    expect(() => obs.setState(Number.NaN, 50, 40, 1)).toThrow("tS: must be a finite number (got NaN)");
    expect(() => obs.setState(0, Number.NaN, 40, 1)).toThrow("tHotC: must be a finite number (got NaN)");
    expect(() => obs.setState(0, 50, Number.NaN, 1)).toThrow("tColdC: must be a finite number (got NaN)");
    expect(() => obs.setState(0, 50, 40, 0)).toThrow("stdK: must be > 0 (got 0)");
  });

  it("resynchronises only after a gap longer than maxGapS, not after one of exactly maxGapS", () => {
    const obs = new LoopObserver(params, { maxGapS: 4 });
    obs.setOperatingPoint(op);
    expect(obs.update(0, 50, 40)).toBe(false);
    expect(obs.update(4, 50, 40)).toBe(true);
    expect(obs.resyncs).toBe(0);
    expect(obs.update(8.5, 50, 40)).toBe(false);
    expect(obs.resyncs).toBe(1);
  });

  it("does not predict backwards for a sample older than the last one", () => {
    const obs = observer();
    obs.update(4, Number.NaN, Number.NaN);
    obs.update(2, Number.NaN, Number.NaN);
    expect(obs.tHotC).toBeCloseTo(hotAt(4, 80), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(4, 60), 9);
    // The clock stayed at 4 s.
    obs.update(5, Number.NaN, Number.NaN);
    expect(obs.tHotC).toBeCloseTo(hotAt(5, 80), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(5, 60), 9);
  });

  it("reuses the discretisation across time-base jitter below 1e-9 Δt: the same bits as exact spacing", () => {
    // Δt = 1/8 s is exact in binary; the jittered filter is off by 1e-12 s on two samples and gets
    // one sample twice (no time elapsed), which must neither predict nor discard the cached step.
    const exact = observer();
    const jittered = observer();
    for (const t of [0.125, 0.25, 0.375, 0.5]) exact.update(t, Number.NaN, Number.NaN);
    for (const t of [0.125, 0.25 + 1e-12, 0.25 + 1e-12, 0.375 - 1e-12, 0.5])
      jittered.update(t, Number.NaN, Number.NaN);
    expect(jittered.tHotC).toBe(exact.tHotC);
    expect(jittered.tColdC).toBe(exact.tColdC);
    // And the states are the closed form's (to the cached step's 1e-12 s).
    expect(exact.tHotC).toBeCloseTo(hotAt(0.5, 80), 11);
  });

  it("still reuses the discretisation when Δt differs by exactly 1e-9 of itself", () => {
    // Sample times chosen so that, in doubles, the second step differs from the first by exactly
    // 1e-9 times itself: Δt2 is the double nearest 2^-30 / 1e-9 with 1e-9 ⊗ Δt2 = 2^-30, and
    // Δt1 = Δt2 - 2^-30.
    const t1 = 0.9313225736841559;
    const t2 = 1.8626451482996345;
    const d1 = t1 - 0;
    const d2 = t2 - t1;
    expect(Math.abs(d2 - d1)).toBe(1e-9 * d2);
    const edge = observer();
    const same = observer();
    edge.update(t1, Number.NaN, Number.NaN);
    edge.update(t2, Number.NaN, Number.NaN);
    same.update(t1, Number.NaN, Number.NaN);
    same.update(2 * t1, Number.NaN, Number.NaN);
    expect(2 * t1 - t1).toBe(d1);
    expect(edge.tHotC).toBe(same.tHotC);
    expect(edge.tColdC).toBe(same.tColdC);
  });

  it("discretises afresh when Δt changes by more than 1e-9 of itself", () => {
    // Δt = 1/8 s, then 1/8 s + 2e-9 s (16 times the reuse tolerance of 1.25e-10 s): reusing the
    // first step would be off by T' · 2e-9 ≈ 1e-9 K; the closed form is met to 5e-12 K.
    const obs = observer();
    obs.update(0.125, Number.NaN, Number.NaN);
    obs.update(0.25 + 2e-9, Number.NaN, Number.NaN);
    expect(obs.tHotC).toBeCloseTo(hotAt(0.25 + 2e-9, 80), 11);
    expect(obs.tColdC).toBeCloseTo(coldAt(0.25 + 2e-9, 60), 11);
  });

  it("waits for a first sample with both readings, predicting nothing before it", () => {
    const obs = new LoopObserver(params);
    obs.setOperatingPoint(op);
    expect(obs.update(0, 50, Number.NaN)).toBe(false);
    expect(obs.update(0.1, Number.NaN, 40)).toBe(false);
    expect(obs.tHotC).toBeNaN();
    expect(obs.update(0.2, 50, 40)).toBe(false);
    expect([obs.tHotC, obs.tColdC]).toEqual([50, 40]);
    // The first prediction, 4 s on, is the closed form's.
    expect(obs.update(4.2, Number.NaN, Number.NaN)).toBe(false);
    expect(obs.tHotC).toBeCloseTo(hotAt(4, 50), 9);
    expect(obs.tColdC).toBeCloseTo(coldAt(4, 40), 9);
    expect(obs.resyncs).toBe(0);
  });

  it("restarts on the next sample with both readings once its state is lost (a non-finite input)", () => {
    const obs = observer();
    obs.setOperatingPoint({ ...op, qInW: Number.NaN });
    obs.update(1, Number.NaN, Number.NaN);
    expect(obs.tHotC).toBeNaN();
    obs.setOperatingPoint(op);
    // One reading cannot restart it, and nothing is predicted meanwhile: the covariance stays.
    const std = obs.tHotStdK;
    expect(obs.update(1.05, 50, Number.NaN)).toBe(false);
    expect(obs.tHotStdK).toBe(std);
    // Not a resync (no gap): a fresh start on the readings, no innovation.
    expect(obs.update(1.1, 50, 40)).toBe(false);
    expect([obs.tHotC, obs.tColdC]).toEqual([50, 40]);
    expect(obs.resyncs).toBe(0);
    expect(obs.update(1.2, 50, 40)).toBe(true);
  });
});

/**
 * One prediction and three corrections of the filter worked by hand on a coupled case (issue 19).
 * With no losses and no radiator (UA_loss = 0, UA = 0) the loop model (docs/design.md 2.2) is
 * A = [[-a, a], [c, -c]] with a = m_dot cp / C_hot, c = m_dot cp / C_cold, and A² = -(a + c) A, so
 * F = e^(AΔt) = I + A (1 - e^(-kΔt)) / k and Γ = ∫F = Δt I + A (Δt - (1 - e^(-kΔt)) / k) / k,
 * k = a + c. Here m_dot cp = 0.5 · 600 = 300 W/K, C_hot = 1200 J/K, C_cold = 400 J/K: a = 1/4,
 * c = 3/4, k = 1, and Δt = ln 2 makes e^(-kΔt) = 1/2: F = [[7/8, 1/8], [3/8, 5/8]]. The forcing is
 * b = (Q_in / C_hot, 0) = (0.1, 0) K/s. R = 0.5² I = I/4 and q Δt = 1/4.
 */
describe("Kalman observer, one step worked by hand on the coupled loop", () => {
  const dt = Math.LN2;
  const params = makeLoopParams({ cp: 600, C_hot: 1200, C_cold: 400, UA_loss: 0 });
  const op = { mDotKgS: 0.5, qInW: 120, uaWK: 0, tSinkC: 25, tAmbC: 25 };
  // Γ b with b = (0.1, 0): Γ11 = Δt - (Δt - 1/2)/4, Γ21 = 3 (Δt - 1/2)/4.
  const g1 = 0.1 * (dt - (dt - 0.5) / 4);
  const g2 = 0.1 * ((3 * (dt - 0.5)) / 4);
  // x⁻ = F (40, 20) + Γ b = (37.5, 27.5) + Γ b.
  const prior = [37.5 + g1, 27.5 + g2] as const;

  function predicted(): LoopObserver {
    const obs = new LoopObserver(params, { sensorNoiseK: 0.5, processNoiseK2PerS: 0.25 / dt });
    obs.setOperatingPoint(op);
    obs.setState(0, 40, 20, 1);
    return obs;
  }

  it("predicts with F and Γ and corrects with both readings", () => {
    const obs = predicted();
    // P⁻ = F Fᵀ + I/4 = [[33, 13], [13, 25]] / 32; S = P⁻ + I/4 = [[41, 13], [13, 33]] / 32,
    // det S = 37/32, S⁻¹ = [[33, -13], [-13, 41]] / 37; K = I - S⁻¹/4 = [[115, 13], [13, 107]] / 148;
    // P⁺ = K R = [[115, 13], [13, 107]] / 592. With ν = (1, -1/2):
    expect(obs.update(dt, prior[0] + 1, prior[1] - 0.5)).toBe(true);
    expect(obs.innovationHotK).toBeCloseTo(1, 12);
    expect(obs.innovationColdK).toBeCloseTo(-0.5, 12);
    // x⁺ = x⁻ + K ν = x⁻ + (108.5, -40.5) / 148.
    expect(obs.tHotC).toBeCloseTo(prior[0] + 108.5 / 148, 12);
    expect(obs.tColdC).toBeCloseTo(prior[1] - 40.5 / 148, 12);
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(115 / 592), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(107 / 592), 12);
    // νᵀ S⁻¹ ν = (33 + 13 + 41/4) / 37.
    expect(obs.nis).toBeCloseTo(56.25 / 37, 12);
    // Cholesky of S: l11 = sqrt(41/32), l21 = (13/32) / l11, l22 = sqrt(37/41).
    expect(obs.whitened[0]).toBeCloseTo(Math.sqrt(32 / 41), 12);
    expect(obs.whitened[1]).toBeCloseTo(-67 / 82 / Math.sqrt(37 / 41), 12);
    expect(obs.normalizedHot).toBeCloseTo(1 / Math.sqrt(41 / 32), 12);
    expect(obs.normalizedCold).toBeCloseTo(-0.5 / Math.sqrt(33 / 32), 12);
  });

  it("predicts the corrected covariance, cross terms included, and corrects with its cross term", () => {
    const obs = predicted();
    obs.update(dt, prior[0] + 1, prior[1] - 0.5);
    const x1 = prior[0] + 108.5 / 148;
    const x2 = prior[1] - 40.5 / 148;
    // From P⁺ = [[115, 13], [13, 107]] / 592: F P⁺ = [[818, 198], [410, 574]] / (8 · 592) and
    // F P⁺ Fᵀ = [[5924, 3444], [3444, 4100]] / (64 · 592); add q Δt = 1/4 on the diagonal.
    expect(obs.update(2 * dt, Number.NaN, Number.NaN)).toBe(false);
    const h = (7 * x1 + x2) / 8 + g1;
    const c = (3 * x1 + 5 * x2) / 8 + g2;
    expect(obs.tHotC).toBeCloseTo(h, 12);
    expect(obs.tColdC).toBeCloseTo(c, 12);
    const p11 = 5924 / 37888 + 0.25;
    const p12 = 3444 / 37888;
    const p22 = 4100 / 37888 + 0.25;
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(p11), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(p22), 12);
    // The hot reading alone, ν = 1, moves the cold node by p12 / (p11 + r).
    obs.update(2 * dt, h + 1, Number.NaN);
    expect(obs.tHotC).toBeCloseTo(h + p11 / (p11 + 0.25), 12);
    expect(obs.tColdC).toBeCloseTo(c + p12 / (p11 + 0.25), 12);
  });

  it("then corrects with the hot reading alone, and with the cold reading alone", () => {
    const obs = predicted();
    obs.update(dt, prior[0] + 1, prior[1] - 0.5);
    const x1 = prior[0] + 108.5 / 148;
    const x2 = prior[1] - 40.5 / 148;
    // Hot alone at the same time (no prediction), ν = 1/2: s = p11 + r = (115 + 148) / 592,
    // k = (p11, p12) / s = (115, 13) / 263; P' = P - k (p11, p12).
    expect(obs.update(dt, x1 + 0.5, Number.NaN)).toBe(true);
    const s1 = 263 / 592;
    expect(obs.innovationHotK).toBeCloseTo(0.5, 12);
    expect(obs.innovationColdK).toBeNaN();
    expect(obs.tHotC).toBeCloseTo(x1 + (0.5 * 115) / 263, 12);
    expect(obs.tColdC).toBeCloseTo(x2 + (0.5 * 13) / 263, 12);
    expect(obs.normalizedHot).toBeCloseTo(0.5 / Math.sqrt(s1), 12);
    expect(obs.whitened[0]).toBeCloseTo(0.5 / Math.sqrt(s1), 12);
    expect(obs.normalizedCold).toBeNaN();
    expect(obs.whitened[1]).toBeNaN();
    expect(obs.nis).toBeCloseTo(0.25 / s1, 12);
    const p11 = (115 / 592) * (148 / 263);
    const p12 = (13 / 592) * (148 / 263);
    const p22 = (107 * 263 - 169) / (592 * 263);
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(p11), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(p22), 12);
    // Cold alone, ν = -0.4: s = p22 + r, k = (p12, p22) / s; P'' = P' - k (p12, p22).
    const y1 = obs.tHotC;
    const y2 = obs.tColdC;
    expect(obs.update(dt, Number.NaN, y2 - 0.4)).toBe(true);
    const s2 = p22 + 0.25;
    expect(obs.innovationColdK).toBeCloseTo(-0.4, 12);
    expect(obs.innovationHotK).toBeNaN();
    expect(obs.tHotC).toBeCloseTo(y1 - (0.4 * p12) / s2, 12);
    expect(obs.tColdC).toBeCloseTo(y2 - (0.4 * p22) / s2, 12);
    expect(obs.normalizedCold).toBeCloseTo(-0.4 / Math.sqrt(s2), 12);
    expect(obs.whitened[1]).toBeCloseTo(-0.4 / Math.sqrt(s2), 12);
    expect(obs.normalizedHot).toBeNaN();
    expect(obs.whitened[0]).toBeNaN();
    expect(obs.nis).toBeCloseTo(0.16 / s2, 12);
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(p11 - (p12 * p12) / s2), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(p22 - (p22 * p22) / s2), 12);
  });

  it("predicts with F and Γ when the radiator drives the cold node", () => {
    // m_dot cp = 300 W/K, C_hot = 200 J/K, C_cold = 600 J/K, UA = 1200 W/K, no losses:
    // A = [[-3/2, 3/2], [1/2, -5/2]], eigenvalues -1 and -3, so at Δt = ln 2 (Sylvester)
    // F = (e^-Δt (A + 3I) - e^-3Δt (A + I)) / 2 = [[13, 9], [3, 7]] / 32 and
    // Γ = A⁻¹ (F - I) = [[43, 15], [5, 33]] / 96. b = (Q_in / C_hot, UA T_sink / C_cold) = (0.5, 40).
    const radiator = makeLoopParams({ cp: 600, C_hot: 200, C_cold: 600, UA_loss: 0 });
    const obs = new LoopObserver(radiator);
    obs.setOperatingPoint({ mDotKgS: 0.5, qInW: 100, uaWK: 1200, tSinkC: 20, tAmbC: 25 });
    obs.setState(0, 30, 25, 1);
    obs.update(dt, Number.NaN, Number.NaN);
    expect(obs.tHotC).toBeCloseTo((13 * 30 + 9 * 25) / 32 + (43 * 0.5 + 15 * 40) / 96, 12);
    expect(obs.tColdC).toBeCloseTo((3 * 30 + 7 * 25) / 32 + (5 * 0.5 + 33 * 40) / 96, 12);
    // P⁻ = F Fᵀ + q Δt I, F Fᵀ = [[250, 102], [102, 58]] / 1024.
    expect(obs.tHotStdK).toBeCloseTo(Math.sqrt(250 / 1024 + 1e-4 * dt), 12);
    expect(obs.tColdStdK).toBeCloseTo(Math.sqrt(58 / 1024 + 1e-4 * dt), 12);
  });
});
