/**
 * A gap of a second or more restarts the monitor's per-sample reading checks
 * (src/detect/monitor/monitor.ts): a reading that stays the same across a gap is not "stuck" for
 * the time nobody saw (flatlineS 5 s counts from the gap's end). On the seeded emulated rig with
 * one reading frozen from 10 s: without a gap the family alarms about 5 s later (earlier by the samples the quantised reading already held); with the
 * samples of 11-14 s lost (a marked gap), 2.5 s after the gap is not enough.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

type Channel = "tHotC" | "tColdC" | "tAmbC";
const CAUSE = { tHotC: "t_hot", tColdC: "t_cold", tAmbC: "t_amb" } as const;

function raisedBy(channel: Channel, withGap: boolean, toS: number): string[] {
  const rig = new EmulatedRig({ seed: 3, setpoints: [NOMINAL], faults: [] });
  const m = createMonitor();
  m.setSetpoints(rig.initialSetpoints, 0);
  let frozen = Number.NaN;
  const raised: string[] = [];
  while (rig.nextTS <= toS + 1e-9) {
    const s = rig.next();
    if (s.tS >= 10 - 1e-9) {
      if (Number.isNaN(frozen)) frozen = s[channel];
      s[channel] = frozen;
    }
    if (withGap && s.tS > 11 + 1e-9 && s.tS < 14 - 1e-9) continue;
    if (withGap && Math.abs(s.tS - 14) < 1e-9) m.markGap(11, 14);
    for (const e of m.step(s)) if (e.type === "raised") raised.push(`${e.cause} ${e.tS.toFixed(1)}`);
  }
  return raised;
}

describe("monitor: a gap restarts the stuck-reading checks", () => {
  for (const channel of ["tHotC", "tColdC", "tAmbC"] as const) {
    it(`${CAUSE[channel]}: frozen from 10 s, alarmed near 15 s without a gap (the reading may have held a few samples before), not by 16.5 s after an 11-14 s gap`, () => {
      const straight = raisedBy(channel, false, 16.5);
      expect(straight).toHaveLength(1);
      expect(straight[0]?.startsWith(`${CAUSE[channel]} `)).toBe(true);
      const at = Number(straight[0]?.split(" ")[1]);
      expect(at).toBeGreaterThanOrEqual(14.5);
      expect(at).toBeLessThanOrEqual(15.2);
      expect(raisedBy(channel, true, 16.5)).toEqual([]);
    });
  }

  it("on a rig without an ambient probe, a gap restarts the thermistors' checks alone", () => {
    const rig = new EmulatedRig({ seed: 3, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor({ hasAmbientProbe: false });
    m.setSetpoints(rig.initialSetpoints, 0);
    while (rig.nextTS <= 5 + 1e-9) m.step(rig.next());
    m.markGap(5, 8);
    while (rig.nextTS < 8 - 1e-9) rig.next();
    expect(() => m.step(rig.next())).not.toThrow();
    expect(m.output.tS).toBe(8);
    expect(m.familyLevel("t_amb")).toBeNaN();
  });
});
