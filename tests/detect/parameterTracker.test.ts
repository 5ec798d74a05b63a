import { describe, expect, it } from "vitest";
import { ParameterTracker } from "../../src/detect/twins/parameterTracker.js";
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
});
