/**
 * A gap of a second or more makes the monitor's erratic-reading tests forget the previous
 * residuals (src/detect/monitor/monitor.ts): a reading that moved while nobody saw is not a
 * sample-to-sample jump. On the seeded emulated rig, a 1.5 K offset appears on T_hot: seen
 * sample to sample it is one first difference of ~15 noise sigmas (the erratic test's evidence
 * line, monitorConfig.ts: "a 1.5 K jump gives one term of ~450"); appearing inside a marked gap
 * it is an offset alone (the alarm stands, without the erratic line). Read at 21.8 s, while the
 * jump at 21 s is still inside the test's 20-sample window; the gap is 20-21.2 s (over 1 s).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

function tHotEvidence(withGap: boolean): readonly string[] {
  const rig = new EmulatedRig({
    seed: 3,
    setpoints: [NOMINAL],
    faults: ["sensor_bias:start=21,channel=hot,value=1.5"],
  });
  const m = createMonitor();
  m.setSetpoints(rig.initialSetpoints, 0);
  while (rig.nextTS <= 21.8 + 1e-9) {
    const s = rig.next();
    if (withGap && s.tS > 20 + 1e-9 && s.tS < 21.2 - 1e-9) continue;
    if (withGap && Math.abs(s.tS - 21.2) < 1e-9) m.markGap(20, 21.2);
    m.step(s);
  }
  const a = m.openAlarms().find((x) => x.cause === "t_hot");
  expect(a).toBeDefined();
  return a?.evidence ?? [];
}

describe("monitor: a gap and the erratic test", () => {
  it("a 1.5 K jump seen sample to sample is erratic; one inside a gap is not", () => {
    expect(tHotEvidence(false).some((e) => e.includes("erratic"))).toBe(true);
    const gapped = tHotEvidence(true);
    expect(gapped.length).toBeGreaterThan(0);
    expect(gapped.some((e) => e.includes("erratic"))).toBe(false);
  });
});
