/**
 * A setpoint change at or before the monitor's last sample (src/detect/monitor/monitor.ts,
 * setSetpoints): there is nothing to bring forward, so no model is touched. The twin's residuals
 * and the observer's innovations of the last sample stay as that sample left them until the next
 * sample (a model "updated" at a time not after its own, with no measurement, would write NaN
 * residuals and innovations). And followApplied(true) while the twin already follows the applied
 * duties changes nothing: a later setpoint change still brings the models forward on the applied
 * duties, not on the operator's old setpoints. Expected values are properties (figures unchanged,
 * two monitors fed the same samples equal) and the twin's heating rate, Q / C_hot = 150 W /
 * 2500 J/K = 0.06 K/s.
 */
import { describe, expect, it } from "vitest";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import { copyRigSample, createRigSample, type RigSample } from "../../../src/model/rigSample.js";
import { HEATER_OFF, NOMINAL, nominalRigSamples } from "./nominalRigSamples.js";

/** The rig's samples up to `toS`, seed 5. */
const samples = (toS: number): RigSample[] => nominalRigSamples(toS, 5);

describe("monitor: a setpoint change at or before the last sample", () => {
  it("leaves the twin's residuals and the observer's innovations of the last sample as they were", () => {
    const rows = samples(10);
    const m = createMonitor();
    m.setSetpoints(NOMINAL, 0);
    for (const s of rows) m.step(s);
    const last = rows[rows.length - 1] as RigSample;
    expect(last.tS).toBeCloseTo(10, 9);
    const r = m.generator.residuals;
    const seen = () => [
      r.tS,
      r.tHotK,
      r.tColdK,
      m.observer.normalizedHot,
      m.observer.normalizedCold,
      m.observer.nis,
    ];
    const before = seen();
    // Premise: the last sample left finite figures at its own time.
    expect(before[0]).toBe(last.tS);
    for (const x of before) expect(Number.isFinite(x)).toBe(true);
    // At the last sample's time, then earlier (by less than a second, and by more).
    for (const at of [last.tS, last.tS - 0.05, last.tS - 2]) {
      m.setSetpoints(at === last.tS ? HEATER_OFF : NOMINAL, at);
      expect(seen(), `change at ${at}`).toEqual(before);
    }
  });

  it("takes followApplied(true) while already following as no change: a later setpoint change runs on the applied duties", () => {
    const rows = samples(11);
    // At the 10 s sample the device reports the heater off (an override) while the operator's
    // setpoint is full heat; the operator then sets full heat again, effective 0.5 s later.
    // Twin (a)'s hot node at 11 s.
    const predAt11 = (override: boolean, followAgain: boolean): number => {
      const m = createMonitor();
      m.setSetpoints(NOMINAL, 0);
      m.followApplied(true);
      let pred = Number.NaN;
      for (const row of rows) {
        const s = copyRigSample(row, createRigSample());
        if (override && Math.abs(s.tS - 10) < 1e-9) s.heaterDuty = 0;
        m.step(s);
        if (Math.abs(s.tS - 10) < 1e-9) {
          if (followAgain) m.followApplied(true);
          m.setSetpoints(NOMINAL, s.tS + 0.5);
        }
        if (Math.abs(s.tS - 11) < 1e-9) pred = m.output.predTHotC;
      }
      return pred;
    };
    const once = predAt11(true, false);
    const twice = predAt11(true, true);
    const applied = predAt11(false, false);
    expect(Number.isFinite(once)).toBe(true);
    expect(twice).toBe(once);
    // Premise (the test sees the duties the models ran on): with the override the twin ran the
    // 0.1 s to the 10 s sample and the 0.5 s to the change without the heater, 0.6 s x 0.06 K/s =
    // 0.036 K cooler than at full heat (less the little the flow carries to the cold node, whose
    // exchange time is about 9 s).
    expect(applied - once).toBeGreaterThan(0.03);
    expect(applied - once).toBeLessThan(0.037);
  });
});
