import { describe, expect, it } from "vitest";
import { lpmToKgS } from "../../src/core/units.js";
import type { DutyLevel, Excitation } from "../../src/model/calibration/excitation.js";
import {
  pumpCurveStart,
  runningPumpLevels,
  stoppedFlowLpm,
} from "../../src/model/calibration/pumpCurveStart.js";
import { makeLoopParams } from "../../src/model/loopParams.js";

/** A pump level held `dwellS` seconds with `flowCount` flow readings averaging `meanFlowLpm`. */
const level = (duty: number, meanFlowLpm: number, flowCount = 1, dwellS = 60): DutyLevel => ({
  duty,
  dwellS,
  meanFlowLpm,
  flowCount,
});

const excitation = (pump: DutyLevel[]): Excitation => ({ pump, heater: [], fan: [], observedS: 600 });

/** mDotMax in L/min (the conversion to kg/s is linear). */
const lpm = (kgS: number): number => kgS / lpmToKgS(1);

const WIDE = { lower: 0, upper: 254 };

describe("stoppedFlowLpm", () => {
  it("is 2 % of the largest mean flow, at least 0.05 L/min, ignoring levels without flow", () => {
    expect(stoppedFlowLpm(excitation([level(0, Number.NaN), level(100, 0.5), level(255, 4)]))).toBeCloseTo(
      0.08,
      15,
    );
    expect(stoppedFlowLpm(excitation([level(100, 0.1), level(255, 1)]))).toBe(0.05);
    expect(stoppedFlowLpm(excitation([level(255, Number.NaN)]))).toBe(0.05);
  });
});

describe("runningPumpLevels", () => {
  const base = makeLoopParams({ pump_stall_duty: 40 });

  it("without a flow meter: the levels held 30 s or more at or above the stall duty, never duty 0", () => {
    const exc = excitation([
      level(0, Number.NaN),
      level(30, Number.NaN),
      level(40, Number.NaN),
      level(200, Number.NaN, 0, 29.9), // too short to count as held
      level(255, Number.NaN),
    ]);
    expect(runningPumpLevels(exc, base, false)).toEqual([40, 255]);
    // With stall 0 the duty-0 level is still not running.
    expect(runningPumpLevels(exc, makeLoopParams({ pump_stall_duty: 0 }), false)).toEqual([30, 40, 255]);
  });

  it("with a flow meter: the levels whose mean flow is above the stopped threshold, whatever the stall", () => {
    // Largest flow 4 L/min: the threshold is 0.08 L/min, and a level at exactly 0.08 is stopped.
    const exc = excitation([
      level(0, 1), // a flow read with the pump off (a siphon or a noisy meter) is not the pump's
      level(20, 0.5), // below the configured stall, yet turning
      level(45, 0.08),
      level(60, 0.03),
      level(200, 3, 1, 29.9),
      level(255, 4),
    ]);
    expect(runningPumpLevels(exc, base, true)).toEqual([20, 255]);
  });
});

describe("pumpCurveStart", () => {
  it("fits m_dot_max by weighted least squares on the curve's shape at the configured stall", () => {
    // stall 40, min fraction 0.1, exponent 2: shape(d) = 0.1 + 0.9 ((d - 40) / 215)^2, 0 below 40.
    // Levels (shape, flow): 255 (1, 5), 147.5 (0.325, 1.625), 40 (0.1, 1.0), 30 (0, 0.3);
    // m_dot_max = sum(shape flow) / sum(shape^2) = 5.628125 / 1.115625 L/min.
    const base = makeLoopParams({ pump_stall_duty: 40, pump_min_frac: 0.1, pump_exponent: 2 });
    const exc = excitation([level(30, 0.3), level(40, 1.0), level(147.5, 1.625), level(255, 5)]);
    const r = pumpCurveStart(exc, [30, 40, 147.5, 255], base, false, WIDE);
    expect(r.stall).toBe(40);
    expect(lpm(r.mDotMax)).toBeCloseTo(5.628125 / 1.115625, 12);
  });

  it("weights each level by its flow readings", () => {
    // Exponent 1, stall 40: shapes 1 at 255 and 0.55 at 147.5. Flows 5 (x 3 readings) and 2.2:
    // (3 x 5 + 0.55 x 2.2) / (3 + 0.55^2) = 16.21 / 3.3025 L/min.
    const base = makeLoopParams({ pump_stall_duty: 40, pump_min_frac: 0.1, pump_exponent: 1 });
    // A level not running (100) and one without flow (200) take no part.
    const exc = excitation([level(100, 9), level(147.5, 2.2, 1), level(200, Number.NaN), level(255, 5, 3)]);
    const r = pumpCurveStart(exc, [147.5, 200, 255], base, false, WIDE);
    expect(lpm(r.mDotMax)).toBeCloseTo(16.21 / 3.3025, 12);
  });

  it("gives the pump no flow at duty 0, even with stall 0", () => {
    const base = makeLoopParams({ pump_stall_duty: 0, pump_min_frac: 0.1, pump_exponent: 1 });
    const exc = excitation([level(0, 0.4), level(255, 5)]);
    expect(lpm(pumpCurveStart(exc, [0, 255], base, false, WIDE).mDotMax)).toBeCloseTo(5, 12);
  });

  it("keeps the configured m_dot_max when no running level has a flow", () => {
    const base = makeLoopParams({ m_dot_max: 0.07 });
    const exc = excitation([level(100, Number.NaN), level(255, 3)]);
    expect(pumpCurveStart(exc, [100], base, false, WIDE)).toEqual({
      mDotMax: 0.07,
      stall: base.pump_stall_duty,
    });
    expect(pumpCurveStart(exc, [], base, true, WIDE)).toEqual({ mDotMax: 0.07, stall: base.pump_stall_duty });
  });

  it("keeps the configured m_dot_max when the running levels read no flow, or a negative one", () => {
    const base = makeLoopParams({ m_dot_max: 0.07 });
    const still = excitation([level(150, 0), level(255, 0)]);
    expect(pumpCurveStart(still, [150, 255], base, false, WIDE).mDotMax).toBe(0.07);
    const reversed = excitation([level(150, -2), level(255, -3)]);
    expect(pumpCurveStart(reversed, [150, 255], base, false, WIDE).mDotMax).toBe(0.07);
  });

  describe("with the stall duty fitted", () => {
    // Flows on the curve of m_dot_max 5 L/min, min fraction 0.1, stall 60 (exponent 1):
    // m(d) = 0.5 + 4.5 (d - 60) / 195 L/min. The line through them gives back stall 60 and 5 L/min.
    const base = makeLoopParams({ pump_stall_duty: 40, pump_min_frac: 0.1, pump_exponent: 1 });
    const onCurve = (d: number, w: number): DutyLevel => level(d, 0.5 + (4.5 * (d - 60)) / 195, w);
    const exc = excitation([onCurve(100, 3), onCurve(180, 1), onCurve(255, 2)]);

    it("puts the stall where the least-squares line reaches min fraction x m_dot_max", () => {
      const r = pumpCurveStart(exc, [100, 180, 255], base, true, WIDE);
      expect(r.stall).toBeCloseTo(60, 9);
      expect(lpm(r.mDotMax)).toBeCloseTo(5, 12);
      // Two levels are enough for a line.
      expect(pumpCurveStart(exc, [100, 255], base, true, WIDE).stall).toBeCloseTo(60, 9);
      // One is not: the configured stall stays.
      expect(pumpCurveStart(exc, [180], base, true, WIDE).stall).toBe(40);
    });

    it("weights the line by the flow readings (numpy.polyfit with weights sqrt(w) as reference)", () => {
      // Levels 80, 150, 255 with flows 1.2, 2.9, 5.1 and 2, 1, 4 readings: numpy 2.4 polyfit gives
      // beta 0.02215456674473068, alpha -0.5379391100702583, so m(255) = 5.111475409836065 and the
      // stall (0.1 m(255) - alpha) / beta = 47.35306553911207; with exponent 1 the curve from there
      // is that line, so m_dot_max is m(255).
      const noisy = excitation([level(80, 1.2, 2), level(150, 2.9, 1), level(255, 5.1, 4)]);
      const r = pumpCurveStart(noisy, [80, 150, 255], base, true, WIDE);
      expect(r.stall).toBeCloseTo(47.35306553911207, 10);
      expect(lpm(r.mDotMax)).toBeCloseTo(5.111475409836065, 10);
    });

    it("keeps the fitted stall within the bounds given", () => {
      expect(pumpCurveStart(exc, [100, 180, 255], base, true, { lower: 70, upper: 254 }).stall).toBe(70);
      expect(pumpCurveStart(exc, [100, 180, 255], base, true, { lower: 0, upper: 50 }).stall).toBe(50);
    });

    it("keeps the configured stall when the line falls, or never reaches a positive flow at 255", () => {
      const falling = excitation([level(100, 4, 1), level(255, 2, 1)]);
      expect(pumpCurveStart(falling, [100, 255], base, true, WIDE).stall).toBe(40);
      // Rising, but m(255) = -1.45 L/min (a meter with its sign reversed).
      const negative = excitation([level(100, -3, 1), level(200, -2, 1)]);
      expect(pumpCurveStart(negative, [100, 200], base, true, WIDE).stall).toBe(40);
      // Rising, and m(255) exactly 0: the line through (191, -2 L/min) and (255, 0) reaches zero
      // flow at full duty (191 and 255 are 32 either side of their mean 223, so the sums are exact
      // and alpha + 255 beta is 0 in floating point too). No positive m_dot_max, so no stall from it;
      // the stall (0.1 x 0 - alpha) / beta would be 255, clamped to 254.
      const zeroAt255 = excitation([level(191, -2, 1), level(255, 0, 1)]);
      expect(pumpCurveStart(zeroAt255, [191, 255], base, true, WIDE).stall).toBe(40);
    });
  });
});
