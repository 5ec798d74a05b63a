/**
 * What reaches the twin's model (src/detect/monitor/monitor.ts, applyDuties and updateAmbient): a
 * setpoint change of the fan alone, and a change of the measured ambient. Each is compared with a
 * monitor fed the same samples without the change (300 s of rig time for the ambient, whose
 * filter has a 30 s time constant). The radiator's fan sets its conductance, and the ambient is
 * what the radiator rejects heat to, so turning the fan off or warming the room by 5 K must leave
 * the twin's cold node warmer than it would have been (its heat leaves more slowly). An ambient
 * the filter passes on reaches the twin at the sample that passes it on.
 */
import { describe, expect, it } from "vitest";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import { copyRigSample, createRigSample } from "../../../src/model/rigSample.js";
import { NOMINAL, nominalRigSamples } from "./nominalRigSamples.js";

describe("monitor: what reaches the twin", () => {
  it("a change of the fan alone (pump and heater as they were) reaches the twin", () => {
    const rows = nominalRigSamples(30, 7);
    const predColdAt30 = (fanOffAt10: boolean): number => {
      const m = createMonitor();
      m.setSetpoints(NOMINAL, 0);
      for (const s of rows) {
        m.step(s);
        if (fanOffAt10 && Math.abs(s.tS - 10) < 1e-9) m.setSetpoints({ ...NOMINAL, fanDuty: 0 }, s.tS);
      }
      return m.output.predTColdC;
    };
    const fanOff = predColdAt30(true);
    const unchanged = predColdAt30(false);
    expect(Number.isFinite(unchanged)).toBe(true);
    expect(fanOff - unchanged).toBeGreaterThan(0.01);
  });

  it("a change of the measured ambient reaches the twin", () => {
    const rows = nominalRigSamples(300, 7);
    const predColdAt300 = (warmerBy: number): number => {
      const m = createMonitor();
      m.setSetpoints(NOMINAL, 0);
      const s = createRigSample();
      for (const row of rows) {
        copyRigSample(row, s);
        if (row.tS > 10) s.tAmbC += warmerBy;
        m.step(s);
      }
      return m.output.predTColdC;
    };
    const warmer = predColdAt300(5);
    const unchanged = predColdAt300(0);
    expect(Number.isFinite(unchanged)).toBe(true);
    expect(warmer - unchanged).toBeGreaterThan(0.01);
  });

  it("a jump of the ambient that the filter passes on at once reaches the twin at that same sample", () => {
    // +30 K from the first sample after 10 s: the 30 s filter moves 30 (1 - e^(-0.1/30)) = 0.0998 K
    // at that sample, past the 0.05 K that is passed on, so the twin's step to that sample already
    // runs on the new ambient and its prediction there differs from an unchanged monitor's.
    const rows = nominalRigSamples(12, 7);
    const predictions = (jumpK: number): number[] => {
      const m = createMonitor();
      m.setSetpoints(NOMINAL, 0);
      const s = createRigSample();
      const out: number[] = [];
      for (const row of rows) {
        copyRigSample(row, s);
        if (row.tS > 10 + 1e-9) s.tAmbC += jumpK;
        m.step(s);
        out.push(m.output.predTColdC);
      }
      return out;
    };
    const jumped = predictions(30);
    const unchanged = predictions(0);
    const firstDiffering = jumped.findIndex((p, i) => !Object.is(p, unchanged[i]));
    const firstAfter10 = rows.findIndex((r) => r.tS > 10 + 1e-9);
    expect(firstAfter10).toBeGreaterThan(0);
    expect(firstDiffering).toBe(firstAfter10);
  });
});
