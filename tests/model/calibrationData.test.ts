import { describe, expect, it } from "vitest";
import { kgSToLpm } from "../../src/core/units.js";
import {
  type CalibrationData,
  CalibrationDataBuilder,
  type CalibrationSample,
  smoothedAmbient,
} from "../../src/model/calibration/calibrationData.js";
import { analyseExcitation, heldLevels } from "../../src/model/calibration/excitation.js";
import { createPredictedReadings, LoopResponse } from "../../src/model/calibration/loopResponse.js";
import { SimulateCsvSampleReader } from "../../src/model/calibration/simulateCsvSamples.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  parseInputSchedules,
} from "../../src/model/inputSchedule.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { simulateRun } from "../../src/model/simulateRun.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";
import { thrownMessage } from "../detect/configMessage.js";
import { STEP_INPUTS } from "./calibrationRun.js";

function sample(tS: number, over: Partial<CalibrationSample> = {}): CalibrationSample {
  return {
    tS,
    tHotC: 30,
    tColdC: 29,
    tAmbC: 25,
    flowLpm: 3,
    pumpDuty: 200,
    heaterDuty: 255,
    fanDuty: 255,
    ...over,
  };
}

describe("CalibrationDataBuilder", () => {
  it("bins 10 Hz samples into 1 s observations at their mean time, splitting at duty changes", () => {
    const b = new CalibrationDataBuilder("t");
    for (let i = 0; i < 30; i++) b.push(sample(i / 10, { tHotC: i, pumpDuty: i < 15 ? 200 : 100 }));
    const d = b.build({ binS: 1 });
    // Bins: [0, 0.9], [1.0, 1.4] (cut by the change at 1.5), [1.5, 2.4], [2.5, 2.9].
    expect(Array.from(d.tS)).toEqual([0.45, 1.2, 1.95, 2.7].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(d.tHotC)).toEqual([4.5, 12, 19.5, 27].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(d.changeTS)).toEqual([0, 1.5]);
    expect(Array.from(d.pump)).toEqual([200, 100]);
    expect(d.sampleCount).toBe(30);
    expect(Array.from(d.segmentStart)).toEqual([1, 0, 0, 0]);
  });

  it("keeps 1 Hz samples one per observation and starts a new segment after a gap", () => {
    const b = new CalibrationDataBuilder("t");
    for (let i = 0; i < 20; i++) b.push(sample(i));
    for (let i = 60; i < 70; i++) b.push(sample(i));
    const d = b.build();
    expect(d.tS.length).toBe(30);
    expect(d.breakGapS).toBe(10);
    expect(d.gapCount).toBe(1);
    expect(d.segmentStart[20]).toBe(1);
    expect(d.segmentStart.reduce((s, x) => s + x, 0)).toBe(2);
  });

  it("starts a segment at its first observation with both temperatures (earlier ones dropped)", () => {
    const b = new CalibrationDataBuilder("t");
    b.push(sample(0, { tHotC: Number.NaN }));
    b.push(sample(1, { tColdC: Number.NaN }));
    for (let i = 2; i < 6; i++) b.push(sample(i, { tHotC: i }));
    const d = b.build();
    expect(Array.from(d.tS)).toEqual([2, 3, 4, 5]);
    expect(d.segmentStart[0]).toBe(1);
  });

  it("dates a duty change: at the sample, halfway from the one before, or when the reader knows", () => {
    const push = (b: CalibrationDataBuilder, known?: number) => {
      b.push(sample(0));
      b.push(sample(1));
      b.push(sample(2, { heaterDuty: 100, ...(known !== undefined ? { dutyChangeTS: known } : {}) }));
      b.push(sample(3, { heaterDuty: 100 }));
    };
    const atSample = new CalibrationDataBuilder("t");
    push(atSample);
    expect(Array.from(atSample.build().changeTS)).toEqual([0, 2]);
    const midpoint = new CalibrationDataBuilder("t");
    push(midpoint);
    expect(Array.from(midpoint.build({ dutyChangeAt: "midpoint" }).changeTS)).toEqual([0, 1.5]);
    const known = new CalibrationDataBuilder("t");
    push(known, 1.08);
    expect(Array.from(known.build({ dutyChangeAt: "midpoint" }).changeTS)).toEqual([0, 1.08]);
    // A time outside (previous sample, this sample] is not believed.
    const wrong = new CalibrationDataBuilder("t");
    push(wrong, 0.5);
    expect(Array.from(wrong.build({ dutyChangeAt: "midpoint" }).changeTS)).toEqual([0, 1.5]);
  });

  it("refuses a bin or gap length that is not above 0, and a negative ambient window, saying which", () => {
    const b = new CalibrationDataBuilder("t");
    for (let i = 0; i < 5; i++) b.push(sample(i));
    const message = (f: () => unknown): string => thrownMessage(f, RangeError);
    expect(message(() => b.build({ binS: 0 }))).toBe("binS must be > 0 s (got 0)");
    expect(message(() => b.build({ binS: Number.NaN }))).toBe("binS must be > 0 s (got NaN)");
    expect(message(() => b.build({ breakGapS: 0 }))).toBe("breakGapS must be > 0 s (got 0)");
    expect(message(() => b.build({ breakGapS: -2 }))).toBe("breakGapS must be > 0 s (got -2)");
    const t = Float64Array.from([0, 1]);
    expect(message(() => smoothedAmbient(t, t, -1))).toBe("ambientWindowS must be >= 0 s (got -1)");
    // 0 is a window of one reading: each value is its own mean.
    expect(Array.from(smoothedAmbient(t, Float64Array.from([3, 4]), 0))).toEqual([3, 4]);
  });

  it("refuses samples that do not move forward in time", () => {
    const b = new CalibrationDataBuilder("t");
    b.push(sample(1));
    expect(() => b.push(sample(1))).toThrow(RangeError);
  });

  it("smooths the ambient with a centred moving mean, NaN where the window has no reading", () => {
    const t = Float64Array.from([0, 1, 2, 3, 4, 10]);
    const x = Float64Array.from([1, 2, Number.NaN, 4, 5, Number.NaN]);
    expect(Array.from(smoothedAmbient(t, x, 2))).toEqual([1.5, 1.5, 3, 4.5, 4.5, Number.NaN]);
  });
});

function fromRows(csv: string): CalibrationData {
  const b = new CalibrationDataBuilder("run.csv");
  const r = new SimulateCsvSampleReader("run.csv", b);
  csv.split("\n").forEach((line, i) => {
    r.line(line, i + 1);
  });
  r.finish();
  return b.build();
}

const HEADER =
  "t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,ua_w_k,t_amb_c,meas_t_hot_c,meas_t_cold_c,meas_t_amb_c,meas_flow_lpm,pump_setpoint,heater_setpoint,fan_setpoint,pump_duty,heater_duty,fan_duty,adc_hot,adc_cold,adc_amb,pulses,anomaly,changepoint,fault";
const row = (t: number, hot: string, cold: string, flow: string, pump = "200") =>
  `${t},0,0,0,0,0,25,${hot},${cold},25.0,${flow},${pump},255,255,${pump},255,255,1,1,1,0,0,0,`;

describe("SimulateCsvSampleReader", () => {
  it("reads the measured columns and applied duties; an empty measured cell is a missing reading", () => {
    const d = fromRows([HEADER, row(0, "30.5", "29.5", ""), row(1, "", "29.6", "3.8"), ""].join("\n"));
    expect(Array.from(d.tS)).toEqual([0, 1]);
    expect(d.tHotC[1]).toBeNaN();
    expect(d.flowLpm[0]).toBeNaN();
    expect(d.flowLpm[1]).toBe(3.8);
    expect(d.ambInputC[0]).toBe(25);
  });

  it("names file, line and column for a missing column, a ragged row, a bad cell, a bad duty, time going back", () => {
    const noSensors = inputFileErrorOf(() => fromRows("t_s,t_hot_c,t_cold_c,m_dot_kg_s\n0,1,2,3"));
    expect(noSensors.message).toBe(
      'run.csv (line 1, column meas_t_hot_c): missing column "meas_t_hot_c" (write the CSV with looptwin simulate --sensors)',
    );
    const ragged = inputFileErrorOf(() => fromRows([HEADER, row(0, "30", "29", "3"), "1,2,3"].join("\n")));
    expect([ragged.line, ragged.column]).toEqual([3, "4 (m_dot_kg_s)"]);
    expect(ragged.message).toMatch(/ragged row: 3 fields, header has 24/);
    const bad = inputFileErrorOf(() => fromRows([HEADER, row(0, "30", "abc", "3")].join("\n")));
    expect(bad.message).toBe('run.csv (line 2, column 9 (meas_t_cold_c)): not a number: "abc"');
    const duty = inputFileErrorOf(() => fromRows([HEADER, row(0, "30", "29", "3", "300")].join("\n")));
    expect([duty.line, duty.column]).toEqual([2, "15 (pump_duty)"]);
    const back = inputFileErrorOf(() =>
      fromRows([HEADER, row(5, "30", "29", "3"), row(4, "30", "29", "3")].join("\n")),
    );
    expect(back.message).toMatch(/line 3, column 1 \(t_s\)\): time does not increase \(4 s after 5 s\)/);
    const notOurs = inputFileErrorOf(() => fromRows("datetime;a;b\n"));
    expect(notOurs.line).toBe(1);
    expect(inputFileErrorOf(() => fromRows(HEADER)).message).toMatch(/no data rows/);
    expect(inputFileErrorOf(() => fromRows("")).message).toMatch(/not a looptwin simulate CSV|empty/);
  });
});

describe("LoopResponse", () => {
  it("reproduces the plant simulator's true trajectory through every step (exact ZOH vs the plant's RK4)", () => {
    const params = makeLoopParams({ C_hot: 2800, UA: 11, UA_loss: 0.3 });
    const inputs = parseInputSchedules(STEP_INPUTS, LOOP_INPUT_CHANNELS, {
      ...DEFAULT_LOOP_INPUTS,
      t_amb: 25,
    });
    const b = new CalibrationDataBuilder("truth");
    const mDot: number[] = [];
    simulateRun(
      { model: "loop", params, inputs, faults: [], seed: 1, sensors: false, durationS: 10800, dtS: 1 },
      (r) => {
        if (r.model !== "loop") return;
        const s = r.sample;
        mDot.push(s.mDotKgS);
        b.push({
          tS: s.tS,
          tHotC: s.tHotC,
          tColdC: s.tColdC,
          tAmbC: s.tAmbC,
          flowLpm: Number.NaN,
          pumpDuty: s.pumpDuty,
          heaterDuty: s.heaterDuty,
          fanDuty: s.fanDuty,
        });
      },
    );
    const data = b.build();
    const out = createPredictedReadings(data);
    new LoopResponse(data, params).predict(params, { hot: 0, cold: 0 }, out);
    let worst = 0;
    for (let k = 0; k < data.tS.length; k++) {
      worst = Math.max(
        worst,
        Math.abs(out.tHotC[k]! - data.tHotC[k]!),
        Math.abs(out.tColdC[k]! - data.tColdC[k]!),
      );
      expect(out.flowLpm[k]).toBeCloseTo(kgSToLpm(mDot[k]!), 10);
    }
    expect(worst).toBeLessThan(1e-6);
    // Offsets shift the predicted readings by minus the offset, initial deltas move the start.
    const shifted = createPredictedReadings(data);
    new LoopResponse(data, params).predict(
      params,
      { hot: 0.5, cold: -0.2 },
      shifted,
      Float64Array.of(-0.5, 0.2),
    );
    expect(shifted.tHotC[100]! - out.tHotC[100]!).toBeCloseTo(-0.5, 9);
    expect(shifted.tColdC[100]! - out.tColdC[100]!).toBeCloseTo(0.2, 9);
  });
});

describe("analyseExcitation", () => {
  it("sums the dwell at each duty and averages the settled flow per pump level", () => {
    const b = new CalibrationDataBuilder("t");
    for (let i = 0; i < 100; i++)
      b.push(sample(i, { pumpDuty: i < 40 ? 200 : 80, flowLpm: i < 40 ? 4 : i < 42 ? 9 : 2 }));
    const exc = analyseExcitation(b.build(), 4);
    expect(exc.pump.map((l) => [l.duty, l.dwellS])).toEqual([
      [80, 59],
      [200, 40],
    ]);
    // The two readings right after the change (9 L/min) fall in the settling window.
    expect(exc.pump[0]!.meanFlowLpm).toBe(2);
    expect(exc.pump[1]!.meanFlowLpm).toBe(4);
    expect(exc.heater).toEqual([{ duty: 255, dwellS: 99, meanFlowLpm: Number.NaN, flowCount: 0 }]);
    expect(exc.observedS).toBe(99);
  });

  it("holds a level from MIN_LEVEL_DWELL_S = 30 s on", () => {
    const lv = (duty: number, dwellS: number) => ({ duty, dwellS, meanFlowLpm: Number.NaN, flowCount: 0 });
    expect(heldLevels([lv(10, 29.999), lv(20, 30), lv(30, 400)]).map((l) => l.duty)).toEqual([20, 30]);
    expect(heldLevels([lv(10, 29.999), lv(20, 30)], 10).map((l) => l.duty)).toEqual([10, 20]);
  });

  it("leaves a gap between segments out of the observed time and the dwell", () => {
    // 1 s samples at t = 0..4 and 100..104 s: a 96 s gap (over 10 x the 1 s spacing) starts a
    // second segment; observed 4 + 4 s.
    const b = new CalibrationDataBuilder("t");
    for (const t of [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]) b.push(sample(t));
    const exc = analyseExcitation(b.build(), 2);
    expect(exc.observedS).toBe(8);
    expect(exc.pump.map((l) => [l.duty, l.dwellS])).toEqual([[200, 8]]);
  });

  it("starts the settling window at a pump change only, not at a heater or fan change", () => {
    // 1 s samples, flows 1..7; the heater steps at t = 3 s, the pump stays at 100: every reading
    // counts (mean 4); then the same with the pump stepping to 200 at t = 3 s: with 2 s to settle,
    // 100 has t = 0, 1, 2 (mean 2) and 200 has t = 5, 6 (mean 6.5).
    const heaterStep = new CalibrationDataBuilder("t");
    const pumpStep = new CalibrationDataBuilder("t");
    for (let i = 0; i < 7; i++) {
      heaterStep.push(sample(i, { pumpDuty: 100, heaterDuty: i < 3 ? 0 : 255, flowLpm: i + 1 }));
      pumpStep.push(sample(i, { pumpDuty: i < 3 ? 100 : 200, flowLpm: i + 1 }));
    }
    const h = analyseExcitation(heaterStep.build(), 2);
    expect(h.pump).toEqual([{ duty: 100, dwellS: 6, meanFlowLpm: 4, flowCount: 7 }]);
    expect(h.heater.map((l) => [l.duty, l.dwellS])).toEqual([
      [0, 3],
      [255, 3],
    ]);
    expect(h.fan).toEqual([{ duty: 255, dwellS: 6, meanFlowLpm: Number.NaN, flowCount: 0 }]);
    const p = analyseExcitation(pumpStep.build(), 2);
    expect(p.pump).toEqual([
      { duty: 100, dwellS: 3, meanFlowLpm: 2, flowCount: 3 },
      { duty: 200, dwellS: 3, meanFlowLpm: 6.5, flowCount: 2 },
    ]);
  });
});
