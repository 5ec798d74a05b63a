/**
 * What the temperature families are fed (src/detect/monitor/monitor.ts, feedFamilies): each of
 * t_hot, t_cold and loop gets, per sample, the smaller in magnitude of its residual in twin (a)
 * and in twin (b), each twin's residual taken from that twin's two thermistor residuals alone
 * (the file comment: a flow fault must not raise a temperature alarm through the twin that is
 * wrong about the flow). A flow-meter blockage on the seeded emulated rig drives twin (b) (on the
 * measured flow) off twin (a) (on the intended flow), so the two twins' residuals differ; the
 * detectors' inputs are recorded from the monitor's parts and compared with the rule written out
 * here.
 */
import { describe, expect, it } from "vitest";
import type { ResidualDetector } from "../../../src/detect/detectors/detector.js";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../../src/detect/monitor/monitor.js";
import type { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

interface Parts {
  v: SampleValues;
  temperatureDets: readonly ResidualDetector[];
}

// The rule, written out: x beyond y with x's sign; what two share; the smaller magnitude.
const aloneRef = (x: number, y: number): number => {
  const d = Math.abs(x) - Math.abs(y);
  return d > 0 ? Math.sign(x) * d : 0;
};
const commonRef = (x: number, y: number): number =>
  x > 0 && y > 0 ? Math.min(x, y) : x < 0 && y < 0 ? Math.max(x, y) : 0;
const smallerRef = (x: number, y: number): number => (Math.abs(x) <= Math.abs(y) ? x : y);

describe("monitor: the temperature families' inputs, per twin", () => {
  it("feeds each family the smaller of twin (a)'s and twin (b)'s own residual, after a meter blockage", () => {
    const rig = new EmulatedRig({ seed: 4, setpoints: [NOMINAL], faults: ["flow_blockage:start=30,end=45"] });
    const m: ResidualMonitor = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    const parts = m as unknown as Parts;
    const fed: number[][] = [[], [], []];
    parts.temperatureDets.forEach((d, k) => {
      const update = d.update.bind(d);
      d.update = (x: number) => {
        fed[k]?.push(x);
        return update(x);
      };
    });
    const band = m.config.detectors.temperatureBandK;
    const loopBand = m.config.detectors.commonModeBandK;
    let checked = 0;
    let apart = 0;
    while (rig.nextTS <= 60 + 1e-9) {
      for (const f of fed) f.length = 0;
      m.step(rig.next());
      if ((fed[0] as number[]).length === 0) continue; // aligning: no family fed
      const { aHotK: aH, aColdK: aC, bHotK: bH, bColdK: bC } = parts.v;
      expect([aH, aC, bH, bC].every(Number.isFinite)).toBe(true);
      expect(fed.map((f) => f.length)).toEqual([1, 1, 1]);
      expect(fed[0]?.[0]).toBeCloseTo(smallerRef(aloneRef(aH, aC), aloneRef(bH, bC)) / band, 12);
      expect(fed[1]?.[0]).toBeCloseTo(smallerRef(aloneRef(aC, aH), aloneRef(bC, bH)) / band, 12);
      expect(fed[2]?.[0]).toBeCloseTo(smallerRef(commonRef(aH, aC), commonRef(bH, bC)) / loopBand, 12);
      checked++;
      // Samples where a thermistor residual of one twin is far from the other's.
      if (Math.abs(aH - bH) > 0.2 && Math.abs(aC - bC) > 0.2) apart++;
    }
    expect(checked).toBeGreaterThan(500);
    expect(apart).toBeGreaterThan(50);
  });
});
