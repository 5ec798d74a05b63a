/**
 * A simulated nominal run for the calibration tests: the plant simulator with its default sensor
 * noise, seeded, with pump, heater and fan steps, read as a rig would read it (measured columns
 * and applied duties only) into calibration data.
 */
import { type CalibrationData, CalibrationDataBuilder } from "../../src/model/calibration/calibrationData.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  parseInputSchedules,
} from "../../src/model/inputSchedule.js";
import { type LoopParams, makeLoopParams } from "../../src/model/loopParams.js";
import { simulateRun } from "../../src/model/simulateRun.js";

/** Steps over 3 h: every actuator changes, every level is held for several minutes. */
export const STEP_INPUTS = [
  "pump=0:200,1200:80,2400:255,3600:60,4800:150,6000:220,7200:100,8400:255,9600:120",
  "heater=0:255,1800:100,3000:200,4200:0,5400:255,6600:150,7800:255,9000:60,10200:255",
  "fan=0:255,3300:0,5100:255,8100:100,9300:255",
] as const;

export interface SimulatedRun {
  readonly truth: LoopParams;
  readonly data: CalibrationData;
}

export function simulatedRun(
  options: {
    readonly durationS?: number;
    readonly seed?: number;
    readonly inputs?: readonly string[];
    readonly faults?: readonly string[];
    readonly params?: Record<string, number>;
    readonly dtS?: number;
  } = {},
): SimulatedRun {
  const truth = makeLoopParams(options.params ?? {});
  const inputs = parseInputSchedules(options.inputs ?? STEP_INPUTS, LOOP_INPUT_CHANNELS, {
    ...DEFAULT_LOOP_INPUTS,
    t_amb: truth.T_amb,
  });
  const builder = new CalibrationDataBuilder("simulated");
  simulateRun(
    {
      model: "loop",
      params: truth,
      inputs,
      faults: (options.faults ?? []).map((f) => parseFaultSpec(f, "fault")),
      seed: options.seed ?? 7,
      sensors: true,
      durationS: options.durationS ?? 10800,
      dtS: options.dtS ?? 1,
    },
    (row) => {
      if (row.model !== "loop") return;
      const s = row.sample;
      builder.push({
        tS: s.tS,
        tHotC: row.measTHotC,
        tColdC: row.measTColdC,
        tAmbC: row.measTAmbC,
        flowLpm: row.measFlowLpm,
        pumpDuty: s.pumpDuty,
        heaterDuty: s.heaterDuty,
        fanDuty: s.fanDuty,
      });
    },
  );
  return { truth, data: builder.build() };
}

/** What each channel reads at sample k (1 Hz from t = 0). */
export interface ReadingsAt {
  readonly hot: (k: number) => number;
  readonly cold: (k: number) => number;
  readonly flow: (k: number) => number;
}

/**
 * `n` observations at 1 Hz, one segment, of a loop at rest (no ambient probe, heater off, pump
 * and fan at 255 from t = 0) whose channels read `readings.hot(k)`, `.cold(k)` and `.flow(k)`:
 * calibration data written by hand, for the short fits whose expected values are worked out by
 * hand.
 */
export function readingsAtRest(source: string, n: number, readings: ReadingsAt): CalibrationData {
  return {
    source,
    tS: Float64Array.from({ length: n }, (_v, k) => k),
    tHotC: Float64Array.from({ length: n }, (_v, k) => readings.hot(k)),
    tColdC: Float64Array.from({ length: n }, (_v, k) => readings.cold(k)),
    flowLpm: Float64Array.from({ length: n }, (_v, k) => readings.flow(k)),
    ambInputC: new Float64Array(n).fill(Number.NaN),
    segmentStart: Uint8Array.from({ length: n }, (_v, k) => (k === 0 ? 1 : 0)),
    changeTS: Float64Array.of(0),
    pump: Float64Array.of(255),
    heater: Float64Array.of(0),
    fan: Float64Array.of(255),
    sampleCount: n,
    gapCount: 0,
    breakGapS: 10,
  };
}
