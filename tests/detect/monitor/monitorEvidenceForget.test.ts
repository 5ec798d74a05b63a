/**
 * The monitor's pump-versus-meter evidence after a flow fault (src/detect/monitor/monitor.ts):
 * once the flow has been quiet for 5 s the evidence is forgotten, but not while the flow alarm is
 * open (its diagnosis rests on it). On the seeded emulated rig, a pump failure from 30 s to 45 s
 * is critical and latches; the acknowledgement clears it.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("monitor: forgetting the pump-versus-meter evidence", () => {
  it("keeps it while the flow alarm is open, however quiet the flow; forgets it once the alarm is closed", () => {
    const rig = new EmulatedRig({ seed: 1, setpoints: [NOMINAL], faults: ["pump_failure:start=30,end=45"] });
    const m = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    let decidedAt = Number.NaN;
    while (rig.nextTS <= 80 + 1e-9) {
      m.step(rig.next());
      if (Number.isNaN(decidedAt) && m.pumpEvidence >= 10) decidedAt = m.output.tS;
    }
    expect(decidedAt).toBeGreaterThan(30);
    expect(decidedAt).toBeLessThan(35);
    // 35 s after the pump came back, the latched alarm is still open: the evidence stays.
    expect(m.openAlarms().map((a) => a.cause)).toEqual(["flow"]);
    expect(m.pumpEvidence).toBeGreaterThanOrEqual(10);
    expect(m.acknowledge(80.05).map((e) => e.type)).toEqual(["acknowledged", "cleared"]);
    m.step(rig.next());
    expect(m.pumpEvidence).toBe(0);
  });
});
