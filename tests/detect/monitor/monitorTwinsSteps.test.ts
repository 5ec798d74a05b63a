/**
 * The monitor's two twins and its flow window (src/detect/monitor/monitorTwins.ts), stepped
 * directly on hand-made sample values. Each expectation is the documented composition of the
 * parts, rebuilt here from the parts themselves: twin (a) is an OpenLoopResidualGenerator at the
 * intended duties, twin (b) a FlowDrivenTwin stepped over each sample interval at the measured
 * interval flow (pulses over the interval, or the last believable one: a flow above
 * 3 x the pump's maximum + 1 L/min, a pulse count restarting, is not believable), and the flow
 * residual the measured flow less the twin's flow averaged by a FlowWindowPredictor. Same calls in
 * the same order give the same doubles, so the comparisons are exact.
 */
import { describe, expect, it } from "vitest";
import { kgSToLpm, lpmToKgS } from "../../../src/core/units.js";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { MonitorTwins } from "../../../src/detect/monitor/monitorTwins.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import type { TwinAlignment } from "../../../src/detect/monitor/twinAlignment.js";
import { FlowDrivenTwin } from "../../../src/detect/twins/flowDrivenTwin.js";
import { FlowWindowPredictor } from "../../../src/detect/twins/flowWindowPredictor.js";
import { OpenLoopResidualGenerator } from "../../../src/detect/twins/residualGenerator.js";
import { heaterPowerW, radiatorUaWK } from "../../../src/model/actuators.js";
import type { LoopParams } from "../../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../../src/model/pumpCurve.js";

/** m_dot_max whose believable-flow limit 3 x 5 L/min + 1 is exactly 16 L/min. */
const M_DOT_MAX_16 = 0.0830875;

interface Row {
  readonly tS: number;
  readonly hotC: number;
  readonly coldC: number;
  readonly flowLpm: number;
  readonly pulses: number;
}

function stepTwins(tw: MonitorTwins, v: SampleValues, r: Row): void {
  v.tS = r.tS;
  v.hotC = r.hotC;
  v.coldC = r.coldC;
  v.flowLpm = r.flowLpm;
  v.pulses = r.pulses;
  tw.step();
}

/** Twin (b) by hand: a FlowDrivenTwin at the given duties and ambient, started on (hot, cold). */
function twinB(p: LoopParams, heater: number, fan: number, ambC: number, hot: number, cold: number) {
  const b = new FlowDrivenTwin(p);
  b.setInputs(heaterPowerW(p, heater), radiatorUaWK(p, fan), p.T_sink, ambC);
  b.setState(hot, cold);
  return b;
}

describe("MonitorTwins: twin (b)'s flow", () => {
  it("takes each believable interval flow, up to 3 x the pump's maximum + 1 L/min inclusive, and keeps the last one otherwise", () => {
    const cfg = resolveMonitorConfig({ params: { m_dot_max: M_DOT_MAX_16 } });
    const p = cfg.params;
    // Premise: the limit is exactly 16 L/min, and 60 pulses in 0.5 s at 7.5 Hz/(L/min) are 16 L/min.
    expect(3 * kgSToLpm(p.m_dot_max) + 1).toBe(16);
    expect(60 / 0.5 / 7.5).toBe(16);
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    const ref = twinB(p, 255, 255, 25, 50, 40);
    // Pulses and the interval flow each stands for (0.5 s apart): the first has no interval (the
    // measured 3.9 L/min stands in, but twin b does not move at its start time); 15 pulses are
    // 4 L/min; 60 are 16 (at the limit: taken); 61 are 16.27 (over it: 16 kept); a count
    // restarting at 5 wraps to about 2^32 (16 kept); unchanged is 0; 15 again 4.
    const rows: [number, number, number | undefined][] = [
      [0, 1000, undefined],
      [0.5, 1015, 4],
      [1, 1075, 16],
      [1.5, 1136, 16],
      [2, 5, 16],
      [2.5, 5, 0],
      [3, 20, 4],
    ];
    for (const [tS, pulses, q] of rows) {
      const hotC = 50 + tS;
      const coldC = 40 - tS;
      stepTwins(tw, v, { tS, hotC, coldC, flowLpm: 3.9, pulses });
      if (q !== undefined) ref.step(0.5, lpmToKgS(q));
      expect(tw.mDotB, `t=${tS}`).toBe(q === undefined ? 0 : lpmToKgS(q));
      expect(v.bHotK, `t=${tS}`).toBe(hotC - ref.tHotC);
      expect(v.bColdK, `t=${tS}`).toBe(coldC - ref.tColdC);
    }
    // The flows moved twin (b): the checks above are not of a twin at rest.
    expect(Math.abs(ref.tHotC - 50)).toBeGreaterThan(1e-3);
  });

  it("without pulse counts, flows at the first measured flow; without that, at the intended flow", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const intendedLpm = kgSToLpm(pumpMassFlowKgS(p, 200));
    const run = (flows: number[]): number[] => {
      const v = new SampleValues();
      const tw = new MonitorTwins(cfg, v);
      tw.setDuties(200, 255, 255, 25);
      tw.start(0, 50, 40);
      const out: number[] = [];
      flows.forEach((flowLpm, i) => {
        stepTwins(tw, v, { tS: 0.1 * i, hotC: 50, coldC: 40, flowLpm, pulses: Number.NaN });
        out.push(tw.mDotB);
      });
      return out;
    };
    // 3 L/min at the start, 5 after it: twin (b) stays at 3.
    expect(run([3, 5, 5, 5])).toEqual([0, lpmToKgS(3), lpmToKgS(3), lpmToKgS(3)]);
    // No flow at the start: the intended flow, kept when a measured flow shows later.
    const q = lpmToKgS(intendedLpm);
    expect(q).toBeGreaterThan(0);
    expect(run([Number.NaN, 5, 5])).toEqual([0, q, q]);
    // A negative measured flow stands for no flow (never a negative mass flow).
    expect(run([-1, -1, -1])).toEqual([0, 0, 0]);
  });

  it("forgets the pulse history when the measured flow is missing (the host's estimator restarted)", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    const ref = twinB(p, 255, 255, 25, 50, 40);
    // 0.5 s apart: 15 pulses are 4 L/min. At 1.5 s the flow is missing and 30 more pulses came
    // (8 L/min), but the history is gone: no interval, 4 kept. At 2 s, 15 pulses: 4.
    const rows: [number, number, number, number | undefined][] = [
      [0, 3.9, 100, undefined],
      [0.5, 3.9, 115, 4],
      [1, 3.9, 130, 4],
      [1.5, Number.NaN, 160, 4],
      [2, 3.9, 175, 4],
      [2.5, 3.9, 205, 8],
    ];
    for (const [tS, flowLpm, pulses, q] of rows) {
      stepTwins(tw, v, { tS, hotC: 50, coldC: 40, flowLpm, pulses });
      if (q !== undefined) ref.step(0.5, lpmToKgS(q));
      expect(tw.mDotB, `t=${tS}`).toBe(q === undefined ? 0 : lpmToKgS(q));
      expect(v.bHotK, `t=${tS}`).toBe(50 - ref.tHotC);
    }
  });
});

describe("MonitorTwins: the flow residual", () => {
  it("is the measured flow less the twin's flow averaged over the host's window (the calibration's)", () => {
    const cal = {
      hot: undefined,
      cold: undefined,
      amb: undefined,
      flowMeter: { kHzPerLpm: 5 },
      flowWindowS: 1,
    };
    const cfg = resolveMonitorConfig({ calibration: cal as never });
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    const fw = new FlowWindowPredictor({ windowS: 1, kHzPerLpm: 5 });
    let intended = kgSToLpm(pumpMassFlowKgS(p, 200));
    tw.setDuties(200, 255, 255, 25);
    expect(tw.intendedFlowLpm).toBe(intended);
    tw.start(0, 50, 40);
    const measured: number[] = [];
    const predicted: number[] = [];
    let prevS = Number.NaN;
    for (let i = 0; i < 30; i++) {
      const tS = 0.1 * i;
      if (i === 12) {
        // A pump step: the twin's averaged flow moves over the window.
        tw.setDuties(120, 255, 255, 25);
        intended = kgSToLpm(pumpMassFlowKgS(p, 120));
        expect(tw.intendedFlowLpm).toBe(intended);
      }
      const pulses = 3 * i;
      const flowLpm = 3.5 + 0.01 * i;
      stepTwins(tw, v, { tS, hotC: 50, coldC: 40, flowLpm, pulses });
      fw.advance(tS, intended);
      fw.push(tS, pulses);
      measured.push(v.resFlowLpm);
      predicted.push(flowLpm - fw.predictedLpm);
      // 3 pulses in about 0.1 s at 5 Hz/(L/min): about 6 L/min over each interval.
      if (i > 0) expect(tw.mDotB).toBe(lpmToKgS(3 / (tS - prevS) / 5));
      prevS = tS;
    }
    expect(measured).toEqual(predicted);
    expect(measured.filter(Number.isFinite).length).toBe(29);
    expect(new Set(measured.slice(1)).size).toBeGreaterThan(10);
  });
});

describe("MonitorTwins: setpoint changes, ambient, alignment and re-seating", () => {
  it("advanceTo brings both twins and the flow window to the change's time on the old duties", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    const a = new OpenLoopResidualGenerator(p, { flowMeterWindowS: 0 });
    a.setIntendedDuties(200, 255, 255);
    a.update(0, 50, 40, Number.NaN);
    const b = twinB(p, 255, 255, 25, 50, 40);
    const fw = new FlowWindowPredictor();
    const old = kgSToLpm(pumpMassFlowKgS(p, 200));
    const next = kgSToLpm(pumpMassFlowKgS(p, 90));
    fw.advance(0, old);
    fw.push(0, 0);
    stepTwins(tw, v, { tS: 0, hotC: 50, coldC: 40, flowLpm: 3, pulses: 0 });
    let lastQ = Number.NaN;
    for (let i = 1; i <= 10; i++) {
      const tS = 0.1 * i;
      const dt = tS - 0.1 * (i - 1);
      stepTwins(tw, v, { tS, hotC: 50, coldC: 40, flowLpm: 3, pulses: 3 * i });
      a.update(tS, 50, 40, Number.NaN);
      lastQ = 3 / dt / 7.5;
      b.step(dt, lpmToKgS(lastQ));
      fw.advance(tS, old);
      fw.push(tS, 3 * i);
    }
    // The change at 1.05: both twins step 0.05 s on the old duties, then the new ones apply.
    tw.advanceTo(1.05);
    tw.setDuties(90, 60, 30, 25);
    a.update(1.05, Number.NaN, Number.NaN, Number.NaN);
    a.setIntendedDuties(90, 60, 30);
    b.step(1.05 - 1, lpmToKgS(lastQ));
    b.setInputs(heaterPowerW(p, 60), radiatorUaWK(p, 30), p.T_sink, 25);
    fw.advance(1.05, old);
    stepTwins(tw, v, { tS: 1.1, hotC: 50, coldC: 40, flowLpm: 3, pulses: 33 });
    a.update(1.1, 50, 40, Number.NaN);
    b.step(1.1 - 1.05, lpmToKgS(3 / (1.1 - 1) / 7.5));
    fw.advance(1.1, next);
    fw.push(1.1, 33);
    expect(v.aHotK).toBe(a.residuals.tHotK);
    expect(v.aColdK).toBe(a.residuals.tColdK);
    expect(v.bHotK).toBe(50 - b.tHotC);
    expect(v.bColdK).toBe(40 - b.tColdC);
    expect(v.resFlowLpm).toBe(3 - fw.predictedLpm);
  });

  it("a sample not later than twin (b)'s time steps it nothing; the next steps from that time", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    const b = twinB(p, 255, 255, 25, 50, 40);
    stepTwins(tw, v, { tS: 0, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    stepTwins(tw, v, { tS: 1, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    b.step(1, lpmToKgS(4));
    tw.advanceTo(1.5);
    b.step(0.5, lpmToKgS(4));
    // Back to 1.2 (before twin b's 1.5): nothing moves; then 2 steps 0.5 s from 1.5.
    stepTwins(tw, v, { tS: 1.2, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    expect(v.bHotK).toBe(50 - b.tHotC);
    stepTwins(tw, v, { tS: 2, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    b.step(0.5, lpmToKgS(4));
    expect(v.bHotK).toBe(50 - b.tHotC);
    expect(v.bColdK).toBe(40 - b.tColdC);
  });

  it("a new ambient reaches both twins at the duties in force", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 100, 50, 25);
    tw.start(0, 50, 40);
    const a = new OpenLoopResidualGenerator(p, { flowMeterWindowS: 0 });
    a.setIntendedDuties(200, 100, 50);
    a.update(0, 50, 40, Number.NaN);
    const b = twinB(p, 100, 50, 25, 50, 40);
    stepTwins(tw, v, { tS: 0, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    tw.setAmbient(100, 50, 10);
    a.setAmbientC(10);
    b.setInputs(heaterPowerW(p, 100), radiatorUaWK(p, 50), p.T_sink, 10);
    stepTwins(tw, v, { tS: 5, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    a.update(5, 50, 40, Number.NaN);
    b.step(5, lpmToKgS(4));
    expect(v.aHotK).toBe(a.residuals.tHotK);
    expect(v.aColdK).toBe(a.residuals.tColdK);
    expect(v.bHotK).toBe(50 - b.tHotC);
    expect(v.bColdK).toBe(40 - b.tColdC);
  });

  it("align takes each twin's mean residuals onto its state; re-seating copies one twin's state onto the other", () => {
    const cfg = resolveMonitorConfig();
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    stepTwins(tw, v, { tS: 0, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    tw.align({ aHotK: 0.25, aColdK: -0.5, bHotK: 1, bColdK: -2 } as TwinAlignment);
    expect(tw.generator.twin.tHotC).toBe(50.25);
    expect(tw.generator.twin.tColdC).toBe(39.5);
    expect(tw.twinB.tHotC).toBe(51);
    expect(tw.twinB.tColdC).toBe(38);
    tw.reseatAOnB();
    expect([tw.generator.twin.tHotC, tw.generator.twin.tColdC]).toEqual([51, 38]);
    tw.align({ aHotK: 1, aColdK: 2, bHotK: 0, bColdK: 0 } as TwinAlignment);
    expect([tw.twinB.tHotC, tw.twinB.tColdC]).toEqual([51, 38]);
    tw.reseatBOnA();
    expect([tw.twinB.tHotC, tw.twinB.tColdC]).toEqual([52, 40]);
  });
});

describe("MonitorTwins: starting again and twin (a)'s own flow", () => {
  it("a start after a gap forgets the flow window: no flow residual and no interval flow at its first sample", () => {
    const cfg = resolveMonitorConfig();
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    for (let i = 0; i <= 10; i++)
      stepTwins(tw, v, { tS: i / 2, hotC: 50, coldC: 40, flowLpm: 4, pulses: 15 * i });
    expect(Number.isFinite(v.resFlowLpm)).toBe(true);
    expect(tw.mDotB).toBe(lpmToKgS(4));
    // 100 s later the twins start again; 15 x 200 more pulses came meanwhile (the window would
    // read them over 95 s as 4.2 L/min; forgotten, the first sample has no span and no interval).
    tw.start(100, 51, 39);
    stepTwins(tw, v, { tS: 100, hotC: 51, coldC: 39, flowLpm: 4, pulses: 150 + 3000 });
    // Both twins sit on the measurements they started on.
    expect([v.aHotK, v.aColdK, v.bHotK, v.bColdK]).toEqual([0, 0, 0, 0]);
    expect(v.resFlowLpm).toBeNaN();
    expect(tw.mDotB).toBe(lpmToKgS(4));
    stepTwins(tw, v, { tS: 100.5, hotC: 50, coldC: 40, flowLpm: 4, pulses: 150 + 3000 + 30 });
    expect(tw.mDotB).toBe(lpmToKgS(8));
  });

  it("twin (a)'s own flow is the pump curve's at once after a pump step (the flow window does the averaging)", () => {
    const cfg = resolveMonitorConfig();
    const p = cfg.params;
    const v = new SampleValues();
    const tw = new MonitorTwins(cfg, v);
    tw.setDuties(200, 255, 255, 25);
    tw.start(0, 50, 40);
    stepTwins(tw, v, { tS: 0, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    tw.setDuties(120, 255, 255, 25);
    stepTwins(tw, v, { tS: 0.1, hotC: 50, coldC: 40, flowLpm: 4, pulses: Number.NaN });
    expect(tw.generator.residuals.predFlowLpm).toBe(kgSToLpm(pumpMassFlowKgS(p, 120)));
  });
});
