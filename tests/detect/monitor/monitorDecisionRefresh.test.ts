/**
 * A pump-versus-meter decision is news (src/detect/monitor/monitor.ts, feedFlow): the open flow
 * alarm is rediagnosed at the sample the evidence decides, not at its next periodic refresh.
 * With the refresh at 100 s, a pump failure on the seeded emulated rig shows "pump failure" from
 * the sample where the evidence reaches the 10 nats that decide it.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("monitor: rediagnosis when the pump-versus-meter evidence decides", () => {
  it("shows the decided cause at the deciding sample, whatever the refresh period", () => {
    const rig = new EmulatedRig({ seed: 1, setpoints: [NOMINAL], faults: ["pump_failure:start=30"] });
    const m = createMonitor({ detectors: { diagnosisRefreshS: 100 } });
    m.setSetpoints(rig.initialSetpoints, 0);
    let decidedAt = Number.NaN;
    let shownAt = Number.NaN;
    const before = new Set<string>();
    while (rig.nextTS <= 40 + 1e-9) {
      const s = rig.next();
      m.step(s);
      if (Number.isNaN(decidedAt) && m.pumpEvidence >= 10) decidedAt = s.tS;
      if (Number.isNaN(shownAt) && m.output.diagnosis === "pump failure") shownAt = s.tS;
      if (Number.isNaN(decidedAt)) before.add(m.output.diagnosis);
    }
    expect(decidedAt).toBeGreaterThan(30);
    expect(decidedAt).toBeLessThan(35);
    expect(shownAt).toBe(decidedAt);
    // Before it the alarm was open with the undecided diagnosis.
    expect(before.has("pump failure")).toBe(false);
    expect([...before].some((d) => d !== "")).toBe(true);
  });
});
