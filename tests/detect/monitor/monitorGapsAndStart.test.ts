/**
 * The monitor's start and its gaps (src/detect/monitor/monitor.ts), on the seeded emulated rig:
 * the twins start on the first sample with a temperature (the other node taken equal when only
 * one reads), a marked gap of a second or more makes the flow family wait until the host's flow
 * window (2 s) and one sample period have passed, a gap longer than `realignAfterGapS` starts the
 * twins again from the measurements (a twin started on a sample predicts it exactly: residual 0),
 * the flow innovation is the flow residual over one pulse's rms (1 / (K window sqrt 6)), and the
 * open alarms come newest first. Expected values are from those documented rules.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../../src/detect/monitor/monitor.js";
import { copyRigSample, createRigSample, type RigSample } from "../../../src/model/rigSample.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

function rigAndMonitor(faults: string[] = [], seed = 5): { rig: EmulatedRig; m: ResidualMonitor } {
  const rig = new EmulatedRig({ seed, setpoints: [NOMINAL], faults });
  const m = createMonitor();
  m.setSetpoints(rig.initialSetpoints, 0);
  return { rig, m };
}

/** Steps the monitor with the rig's samples up to `toS`; `each` sees each sample and the monitor after it. */
function runTo(rig: EmulatedRig, m: ResidualMonitor, toS: number, each?: (s: RigSample) => void): void {
  while (rig.nextTS <= toS + 1e-9) {
    const s = rig.next();
    m.step(s);
    each?.(s);
  }
}

/** Advances the rig to `toS` without the monitor (the link is down). */
function skipTo(rig: EmulatedRig, toS: number): void {
  while (rig.nextTS < toS - 1e-9) rig.next();
}

describe("monitor: the start", () => {
  it("starts both twin nodes on the one temperature that reads, and waits for one when none does", () => {
    for (const missing of ["hot", "cold", "both"] as const) {
      const { rig, m } = rigAndMonitor();
      const s = copyRigSample(rig.next(), createRigSample());
      const hot = s.tHotC;
      const cold = s.tColdC;
      if (missing !== "cold") s.tHotC = Number.NaN;
      if (missing !== "hot") s.tColdC = Number.NaN;
      m.step(s);
      expect(m.output.tS).toBe(0);
      if (missing === "both") {
        // Neither the flow family nor the loop's has data yet (the thermistor families do: a
        // missing reading is one of the out-of-range test's).
        expect(m.familyLevel("flow")).toBeNaN();
        expect(m.familyLevel("loop")).toBeNaN();
        // Nothing started: the next sample (both reading) is the start, predicted exactly.
        const n = rig.next();
        m.step(n);
        expect([m.output.predTHotC, m.output.predTColdC]).toEqual([n.tHotC, n.tColdC]);
        expect([m.output.resTHotK, m.output.resTColdK]).toEqual([0, 0]);
      } else {
        const seen = missing === "hot" ? cold : hot;
        expect([m.output.predTHotC, m.output.predTColdC]).toEqual([seen, seen]);
      }
    }
  });
});

describe("monitor: gaps", () => {
  it("a sample without temperatures before the start counts as the last sample: a long silence after it is a gap", () => {
    // No temperature at 0 s, then nothing until 5 s: the start at 5 s follows a 5 s gap, so the
    // flow family waits to 5 + 2 + 0.1 s; its window alone would be full at 7 s.
    const { rig, m } = rigAndMonitor();
    const s = copyRigSample(rig.next(), createRigSample());
    s.tHotC = Number.NaN;
    s.tColdC = Number.NaN;
    m.step(s);
    skipTo(rig, 5);
    const rows: string[] = [];
    runTo(rig, m, 7.2, (x) => {
      if (x.tS > 6.85)
        rows.push(`${x.tS.toFixed(1)} ${Number.isNaN(m.familyLevel("flow")) ? "wait" : "live"}`);
    });
    expect(rows).toEqual(["6.9 wait", "7.0 wait", "7.1 live", "7.2 live"]);
  });

  it("after a marked gap of exactly 1 s the flow family waits 2 s + one period; after 0.9 s it does not", () => {
    const flowLevels = (gapS: number): string[] => {
      const { rig, m } = rigAndMonitor();
      runTo(rig, m, 29.9);
      expect(Number.isFinite(m.familyLevel("flow"))).toBe(true);
      // The samples in (30 - gapS, 30) were lost; the gap ends at the 30 s sample.
      m.markGap(30 - gapS, 30);
      const rows: string[] = [];
      runTo(rig, m, 32.3, (s) =>
        rows.push(`${s.tS.toFixed(1)} ${Number.isNaN(m.familyLevel("flow")) ? "wait" : "live"}`),
      );
      return rows;
    };
    const at1 = flowLevels(1);
    // Live again from 30 + 2 + 0.1 = 32.1 s (inclusive).
    expect(at1).toEqual([
      ...Array.from({ length: 21 }, (_, i) => `${(30 + i / 10).toFixed(1)} wait`),
      "32.1 live",
      "32.2 live",
      "32.3 live",
    ]);
    expect(flowLevels(0.9).every((r) => r.endsWith("live"))).toBe(true);
  });

  it("starts the twins again after a gap longer than realignAfterGapS (60 s), not after one of exactly 60 s", () => {
    const residualAfter = (gapS: number, first: "both" | "none" | "hot only" = "both"): number => {
      const { rig, m } = rigAndMonitor();
      runTo(rig, m, 20);
      const from = 20;
      skipTo(rig, from + gapS);
      m.markGap(from, from + gapS);
      const s = copyRigSample(rig.next(), createRigSample());
      if (first === "hot only") {
        s.tColdC = Number.NaN;
        m.step(s);
      } else if (first === "none") {
        // The first sample after the gap has no temperature: the twins cannot start on it.
        s.tHotC = Number.NaN;
        s.tColdC = Number.NaN;
        m.step(s);
        m.step(rig.next());
      } else m.step(s);
      return m.output.resTHotK;
    };
    // Predicted through 60 s: a residual of the model's and the sensor's errors, not 0.
    expect(residualAfter(60)).not.toBe(0);
    expect(Math.abs(residualAfter(60))).toBeLessThan(0.5);
    // Past 60 s: started on the sample, predicted exactly.
    expect(residualAfter(60.5)).toBe(0);
    // A first sample with no temperature does not restart; the next one is 0.1 s later, no gap.
    expect(residualAfter(60.5, "none")).not.toBe(0);
    // One temperature is enough to start on.
    expect(residualAfter(60.5, "hot only")).toBe(0);
    expect(residualAfter(60, "hot only")).not.toBe(0);
  });
});

describe("monitor: outputs", () => {
  it("the flow innovation is the flow residual in units of one pulse's rms over the window", () => {
    const { rig, m } = rigAndMonitor();
    let n = 0;
    runTo(rig, m, 20, () => {
      const o = m.output;
      if (!Number.isFinite(o.resFlowLpm) || o.resFlowLpm === 0) return;
      // One pulse in 2 s at 7.5 Hz/(L/min) is 1/15 L/min; its rms over a uniform phase 1/(15 sqrt 6).
      expect(o.innovFlow / (o.resFlowLpm * 15 * Math.sqrt(6))).toBeCloseTo(1, 12);
      n++;
    });
    expect(n).toBeGreaterThan(100);
  });

  it("lists the open alarms newest first", () => {
    const { rig, m } = rigAndMonitor(["sensor_open:channel=hot", "pump_failure:start=30"]);
    runTo(rig, m, 40);
    expect(m.openAlarms().map((a) => a.cause)).toEqual(["flow", "t_hot"]);
    expect(m.alarms.openAlarms().map((a) => a.cause)).toEqual(["t_hot", "flow"]);
  });
});
