/**
 * When the monitor starts its twins again after a long gap (src/detect/monitor/monitor.ts,
 * start), the temperature families' detectors start afresh with them: what they had summed
 * against the old twins says nothing about the new ones. On the seeded emulated rig, a 1.5 K
 * offset on T_hot from 10 s drives the t_hot detector to about 5 bands; after a 65 s gap (over
 * realignAfterGapS) the twins start on the offset reading, so from the end of their 2 s
 * alignment the family reads the fresh detector, near 0, not the old ~5.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("monitor: a restart after a long gap", () => {
  it("starts the temperature families' detectors afresh", () => {
    const rig = new EmulatedRig({
      seed: 3,
      setpoints: [NOMINAL],
      faults: ["sensor_bias:start=10,channel=hot,value=1.5"],
    });
    const m = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    while (rig.nextTS <= 20 + 1e-9) m.step(rig.next());
    expect(m.familyLevel("t_hot")).toBeGreaterThan(1);
    while (rig.nextTS < 85 - 1e-9) rig.next();
    m.markGap(20, 85);
    const after: number[] = [];
    while (rig.nextTS <= 88 + 1e-9) {
      const s = rig.next();
      m.step(s);
      // During the alignment (85-87 s) the family reads no detector; after it, a fresh one.
      if (s.tS > 87.05) after.push(m.familyLevel("t_hot"));
    }
    expect(after.length).toBeGreaterThan(5);
    expect(Math.max(...after)).toBeLessThan(0.5);
  });
});
