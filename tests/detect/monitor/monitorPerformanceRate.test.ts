/**
 * The loop figures' sampling in the monitor (src/detect/monitor/monitor.ts): they take a sample
 * at most every 0.95 / performanceRateHz seconds (a period less 5 % jitter), starting with the
 * first, and their twin fit (RMS of each residual) spans fitWindowS x min(rateHz,
 * performanceRateHz) of those samples. The expected RMS is computed here from the monitor's own
 * per-sample residuals (its outputs), by the definition sqrt(mean of squares).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

const rms = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);

describe("monitor: the loop figures' twin fit", () => {
  it("at 5 Hz on a 10 Hz stream with a 0.6 s fit window: every other sample, the last three", () => {
    const rig = new EmulatedRig({ seed: 6, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor({ fitWindowS: 0.6, performanceRateHz: 5 });
    m.setSetpoints(rig.initialSetpoints, 0);
    const hot: number[] = [];
    const cold: number[] = [];
    const flow: number[] = [];
    let checked = 0;
    for (let k = 0; k <= 200; k++) {
      const s = rig.next();
      m.step(s);
      // Samples at 0, 0.2, 0.4, ... s (0.1 s later is less than 0.19 s).
      if (k % 2 === 0) {
        hot.push(m.output.resTHotK);
        cold.push(m.output.resTColdK);
        flow.push(m.output.resFlowLpm);
      }
      if (k >= 60 && k % 2 === 0) {
        const f = m.performance();
        expect(f.rmseTHotK / rms(hot.slice(-3))).toBeCloseTo(1, 9);
        expect(f.rmseTColdK / rms(cold.slice(-3))).toBeCloseTo(1, 9);
        expect(f.rmseFlowLpm / rms(flow.slice(-3))).toBeCloseTo(1, 9);
        checked++;
      }
    }
    expect(checked).toBe(71);
    // Not a window of one: the three residuals differ.
    expect(new Set(hot.slice(-3)).size).toBe(3);
  });

  it("a window of less than one sample is one sample", () => {
    const rig = new EmulatedRig({ seed: 6, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor({ fitWindowS: 0.05, performanceRateHz: 5 });
    m.setSetpoints(rig.initialSetpoints, 0);
    for (let k = 0; k <= 100; k++) {
      m.step(rig.next());
      if (k >= 30 && k % 2 === 0)
        expect(m.performance().rmseTHotK / Math.abs(m.output.resTHotK)).toBeCloseTo(1, 9);
    }
  });

  it("takes a sample exactly one period less 5 % after the last (3.8 Hz: 0.95 / 3.8 = 0.25 s apart)", () => {
    // Samples 0.25 s apart, re-timed from the rig's 10 Hz stream: each is a loop-figure sample,
    // so a 3-sample window (0.8 s x 3.8 Hz, rounded) holds the last three.
    expect(0.95 / 3.8).toBe(0.25);
    const rig = new EmulatedRig({ seed: 6, setpoints: [NOMINAL], faults: [] });
    const m = createMonitor({ rateHz: 4, fitWindowS: 0.8, performanceRateHz: 3.8 });
    m.setSetpoints(rig.initialSetpoints, 0);
    const hot: number[] = [];
    for (let k = 0; k <= 80; k++) {
      const s = rig.next();
      s.tS = 0.25 * k;
      m.step(s);
      hot.push(m.output.resTHotK);
      if (k >= 20) expect(m.performance().rmseTHotK / rms(hot.slice(-3))).toBeCloseTo(1, 9);
    }
  });
});
