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
});
