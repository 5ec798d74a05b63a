import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { LoopObserver } from "../../src/detect/twins/observer.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
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
