/**
 * The parameter tracker's figures in the monitor's output (src/detect/monitor/monitor.ts,
 * stepEstimators): written when the tracker closes a block, so NaN ("not estimated yet") until
 * its first block, then the tracker's own values. On the seeded emulated rig.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("monitor: the tracked parameters in the output", () => {
  it("are NaN until the tracker's first block, then the tracker's figures", () => {
    const rig = new EmulatedRig({ seed: 2, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    m.step(rig.next());
    const o = m.output;
    expect([o.uaRatio, o.uaRatioSigma, o.pumpRatio, o.pumpRatioSigma]).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    while (rig.nextTS <= 60 + 1e-9) m.step(rig.next());
    const t = m.tracker;
    expect([o.uaRatio, o.uaRatioSigma, o.pumpRatio, o.pumpRatioSigma]).toEqual([
      t.uaRatio,
      t.uaRatioStd,
      t.pumpRatio,
      t.pumpRatioStd,
    ]);
    expect(Math.abs(o.uaRatio - 1)).toBeLessThan(0.2);
    expect(o.uaRatioSigma).toBeGreaterThan(0);
  });

  it("carry the observer's normalised innovations and the twin's (this sample's residuals) and flow window's predictions each sample", () => {
    const rig = new EmulatedRig({ seed: 2, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    let finite = 0;
    while (rig.nextTS <= 10 + 1e-9) {
      const s = rig.next();
      m.step(s);
      const o = m.output;
      expect(o.innovTHot).toBe(m.observer.normalizedHot);
      expect(o.innovTCold).toBe(m.observer.normalizedCold);
      expect(o.predTHotC).toBe(m.generator.residuals.predTHotC);
      expect(o.predTColdC).toBe(m.generator.residuals.predTColdC);
      expect(o.resTColdK).toBe(s.tColdC - o.predTColdC);
      if (Number.isFinite(o.resFlowLpm)) {
        expect(o.predFlowLpm + o.resFlowLpm).toBeCloseTo(s.flowLpm, 12);
        finite++;
      }
    }
    expect(finite).toBeGreaterThan(50);
  });
});
