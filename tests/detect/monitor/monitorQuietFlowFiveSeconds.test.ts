/**
 * The monitor's "quiet for 5 s" after a flow fault (src/detect/monitor/monitor.ts): the
 * pump-versus-meter evidence is forgotten, and a twin the fault left behind is re-seated, at the
 * first sample at which the flow family has been quiet for 5 s, the boundary included. On the
 * seeded emulated rig at 8 Hz the sample times are k / 8, exact binary fractions, so the quiet
 * time (a difference of two sample times) lands on 5 s exactly. The quiet time and the twins'
 * states are read from the monitor's parts (no public accessor).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../../src/detect/monitor/monitor.js";
import type { MonitorTwins } from "../../../src/detect/monitor/monitorTwins.js";
import type { PumpMeterEvidence } from "../../../src/detect/monitor/pumpMeterEvidence.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };
const RATE_HZ = 8;

const quietOf = (m: ResidualMonitor): number =>
  (m as unknown as { evidence: PumpMeterEvidence }).evidence.quietS;
const twinsOf = (m: ResidualMonitor): MonitorTwins => (m as unknown as { twins: MonitorTwins }).twins;

interface Row {
  tS: number;
  quietS: number;
  evidence: number;
  twinGapK: number;
}

/** A pump failure from 30 s to 45 s (critical, latched), the flow alarm acknowledged at `ackS`. */
function run(ackS: number, toS: number): { rows: Row[]; ackTypes: string[] } {
  const rig = new EmulatedRig({
    seed: 4,
    rateHz: RATE_HZ,
    setpoints: [NOMINAL],
    faults: ["pump_failure:start=30,end=45"],
  });
  const m = createMonitor({ rateHz: RATE_HZ });
  m.setSetpoints(rig.initialSetpoints, 0);
  const rows: Row[] = [];
  let ackTypes: string[] = [];
  while (rig.nextTS <= toS + 1e-9) {
    if (ackTypes.length === 0 && rig.nextTS > ackS) ackTypes = m.acknowledge(ackS).map((e) => e.type);
    const s = rig.next();
    m.step(s);
    const tw = twinsOf(m);
    rows.push({
      tS: s.tS,
      quietS: quietOf(m),
      evidence: m.pumpEvidence,
      twinGapK: Math.abs(tw.twinB.tHotC - tw.generator.twin.tHotC),
    });
  }
  return { rows, ackTypes };
}

describe("monitor: quiet for 5 s after a flow fault, the boundary included", () => {
  it("forgets the evidence at the sample quiet for exactly 5 s once the flow alarm is closed, not before", () => {
    // Acknowledged 52 s in: the pump is back and the latched alarm clears at once.
    const { rows, ackTypes } = run(52.05, 60);
    expect(ackTypes).toEqual(["acknowledged", "cleared"]);
    const after = rows.filter((r) => r.tS > 52.05);
    const boundary = after.findIndex((r) => r.quietS >= 5);
    // The quiet time lands on 5 s exactly (k / 8 sample times), with the alarm already closed.
    expect(after[boundary]?.quietS).toBe(5);
    // Quiet but under 5 s, with no alarm open: the evidence of the pump failure is kept ...
    const before = after.slice(0, boundary);
    expect(before.length).toBeGreaterThan(4);
    for (const r of before) {
      expect(r.quietS).toBeGreaterThan(0);
      expect(r.quietS).toBeLessThan(5);
      expect(r.evidence).toBeGreaterThanOrEqual(10);
    }
    // ... and forgotten at 5 s, the boundary sample itself, and after.
    for (const r of after.slice(boundary)) expect(r.evidence).toBe(0);
  });

  it("re-seats twin (a) on twin (b) at the sample quiet for exactly 5 s", () => {
    const { rows } = run(1e9, 60);
    // The pump failure drove twin (a) (on the intended flow) off twin (b) (on the measured flow).
    expect(rows.find((r) => r.tS === 45)?.twinGapK).toBeGreaterThan(0.3);
    const after = rows.filter((r) => r.tS > 45);
    const boundary = after.findIndex((r) => r.quietS >= 5);
    expect(after[boundary]?.quietS).toBe(5);
    // Not before: the twins still apart by more than the rig's noise moves them.
    for (const r of after.slice(0, boundary)) expect(r.twinGapK).toBeGreaterThan(0.05);
    // At the boundary sample: re-seated, the two twins equal.
    expect(after[boundary]?.twinGapK).toBe(0);
  });
});
