/**
 * The offline plant run behind `looptwin simulate` (docs/design.md 5): a model, its input
 * schedules, faults and a seed in; one row per output time `k * dtS` (including t = 0) out,
 * handed to a callback in a reused row object (nothing is kept, so a 24 h run at 0.1 s costs no
 * memory). `dtS` is only the output spacing: the plant sub-steps by the fastest time constant and
 * stops at every input change and fault boundary, so a coarse `dtS` never degrades the solution.
 *
 * Loop model: the plant simulator (true states, and with `sensors` the thermistor counts, pulses,
 * the host's conversion of both, the applied duties and the fault labels). Seed model: the
 * docs/design.md 2.1 equations with `q_in`/`q_out` schedules; it has no pump curve, sensors or faults.
 */
import { ConfigError } from "../core/errors.js";
import { Dopri5 } from "./dopri5.js";
import { type FaultSpec, formatFaultSpec, isLinkFault } from "./faultSpec.js";
import { DEFAULT_FLOW_METER, FlowRateEstimator } from "./flowMeter.js";
import {
  type InputSchedule,
  type LoopInputChannel,
  type SeedInputChannel,
  scheduleValueAt,
} from "./inputSchedule.js";
import type { LoopParams } from "./loopParams.js";
import { createPlantSample, type PlantSample, PlantSimulator } from "./plantSimulator.js";
import { SeedModel } from "./seedModel.js";
import type { SeedParams } from "./seedParams.js";
import { SeedRk4 } from "./seedRk4.js";
import { CountsToTempC, DEFAULT_THERMISTOR } from "./thermistor.js";
import { DEFAULT_SUBSTEP_FRACTION } from "./twin.js";

/** Most output rows one run may produce. */
export const MAX_SIMULATE_ROWS = 100_000_000;

interface RunCommon {
  /** Simulated time [s]; the last row is at the largest multiple of `dtS` not beyond it. */
  readonly durationS: number;
  /** Output spacing [s]. */
  readonly dtS: number;
  /** Integrator. @default "rk4" */
  readonly integrator?: "rk4" | "dopri5";
}

export interface LoopRunConfig extends RunCommon {
  readonly model: "loop";
  readonly params: LoopParams;
  readonly inputs: Readonly<Record<LoopInputChannel, InputSchedule>>;
  readonly faults: readonly FaultSpec[];
  readonly seed: number;
  /** Read the sensors and fill the measured, duty and label fields. */
  readonly sensors: boolean;
  /** Sensor noise [K rms]; undefined for the sensor model's default. */
  readonly noiseKRms?: number;
}

export interface SeedRunConfig extends RunCommon {
  readonly model: "seed";
  readonly params: SeedParams;
  readonly inputs: Readonly<Record<SeedInputChannel, InputSchedule>>;
}

export type RunConfig = LoopRunConfig | SeedRunConfig;

/** One output row of a loop run (reused between callbacks: copy what you keep). */
export interface LoopRow {
  readonly model: "loop";
  /** The plant sample: true states, raw counts and pulses, applied duties, labels. */
  readonly sample: PlantSample;
  /** Duties the schedules ask for (in `simulate` the device applies them unchanged). */
  pumpSetpoint: number;
  heaterSetpoint: number;
  fanSetpoint: number;
  /** Host conversion of the counts [C] (NaN for open/short or no probe) and of the pulses [L/min]. */
  measTHotC: number;
  measTColdC: number;
  measTAmbC: number;
  measFlowLpm: number;
}

/** One output row of a seed run (reused between callbacks). */
export interface SeedRow {
  readonly model: "seed";
  tS: number;
  tHotC: number;
  tColdC: number;
  mDotKgS: number;
  qInW: number;
  qOutW: number;
}

export type RunRow = LoopRow | SeedRow;

/** Number of output rows of a run: t = 0, dt, 2 dt, ... up to the duration. */
export function rowCount(durationS: number, dtS: number): number {
  return Math.floor(durationS / dtS + 1e-9) + 1;
}

function checkTiming(config: RunCommon): number {
  if (!(Number.isFinite(config.durationS) && config.durationS >= 0))
    throw new ConfigError("--duration", config.durationS, "must be a finite number >= 0 s");
  if (!(Number.isFinite(config.dtS) && config.dtS > 0))
    throw new ConfigError("--dt", config.dtS, "must be a finite number > 0 s");
  const rows = rowCount(config.durationS, config.dtS);
  if (rows > MAX_SIMULATE_ROWS)
    throw new ConfigError(
      "--dt",
      config.dtS,
      `gives ${rows} rows over ${config.durationS} s (at most ${MAX_SIMULATE_ROWS})`,
    );
  return rows;
}

/** Every change time of the schedules, sorted, each once. */
function changeTimes(schedules: readonly InputSchedule[]): Float64Array {
  const all = new Set<number>();
  for (const s of schedules) for (const t of s.timesS) all.add(t);
  return Float64Array.from([...all].sort((a, b) => a - b));
}

/**
 * Walks the output times `k * dtS` and the input change times in order: `advance(t)` moves the
 * model to t, `apply(t)` sets the inputs valid from t on, `emit()` hands over the row at an
 * output time. An input change is applied at its own time, before the row at that time.
 */
function walk(
  rows: number,
  dtS: number,
  changes: Float64Array,
  advance: (tS: number) => void,
  apply: (tS: number) => void,
  emit: () => void,
): void {
  let ci = 0;
  apply(0);
  while (ci < changes.length && (changes[ci] as number) <= 0) ci++;
  for (let k = 0; k < rows; k++) {
    const tk = k * dtS;
    while (ci < changes.length && (changes[ci] as number) <= tk) {
      const c = changes[ci] as number;
      advance(c);
      apply(c);
      ci++;
    }
    advance(tk);
    emit();
  }
}

/** Runs `config`, calling `onRow` once per output time. Throws ConfigError for a bad configuration. */
export function simulateRun(config: RunConfig, onRow: (row: RunRow) => void): void {
  switch (config.model) {
    case "loop":
      runLoop(config, onRow);
      break;
    case "seed":
      runSeed(config, onRow);
      break;
  }
}

function runLoop(config: LoopRunConfig, onRow: (row: LoopRow) => void): void {
  const rows = checkTiming(config);
  const plant = new PlantSimulator({
    params: config.params,
    seed: config.seed,
    integrator: config.integrator ?? "rk4",
    ...(config.noiseKRms === undefined ? {} : { noiseKRms: config.noiseKRms }),
  });
  for (const f of config.faults) {
    if (isLinkFault(f.kind))
      throw new ConfigError(
        "--fault",
        formatFaultSpec(f),
        "link faults need a serial link (looptwin emulate)",
      );
    plant.addFault(f);
  }
  const { pump, heater, fan, t_amb } = config.inputs;
  const schedules = [pump, heater, fan, t_amb];
  const row: LoopRow = {
    model: "loop",
    sample: createPlantSample(),
    pumpSetpoint: Number.NaN,
    heaterSetpoint: Number.NaN,
    fanSetpoint: Number.NaN,
    measTHotC: Number.NaN,
    measTColdC: Number.NaN,
    measTAmbC: Number.NaN,
    measFlowLpm: Number.NaN,
  };
  const flowEstimator = new FlowRateEstimator(DEFAULT_FLOW_METER);
  const host = new CountsToTempC(DEFAULT_THERMISTOR);
  const applyInputs = (tS: number): void => {
    row.pumpSetpoint = scheduleValueAt(pump, tS);
    row.heaterSetpoint = scheduleValueAt(heater, tS);
    row.fanSetpoint = scheduleValueAt(fan, tS);
    plant.setInputs(row.pumpSetpoint, row.heaterSetpoint, row.fanSetpoint, scheduleValueAt(t_amb, tS));
  };
  const emit = (): void => {
    const s = plant.sample(row.sample, config.sensors);
    if (config.sensors) {
      row.measTHotC = host.convert(s.adcHot);
      row.measTColdC = host.convert(s.adcCold);
      row.measTAmbC = s.adcAmb < 0 ? Number.NaN : host.convert(s.adcAmb);
      row.measFlowLpm = flowEstimator.push(s.tS, s.pulses);
    }
    onRow(row);
  };
  walk(rows, config.dtS, changeTimes(schedules), (tS) => plant.advanceTo(tS), applyInputs, emit);
}

function runSeed(config: SeedRunConfig, onRow: (row: SeedRow) => void): void {
  const rows = checkTiming(config);
  const model = new SeedModel(config.params);
  const { q_in, q_out } = config.inputs;
  const schedules = [q_in, q_out];
  const y = model.initialState();
  const hMaxS = DEFAULT_SUBSTEP_FRACTION * model.fastestTimeConstantS();
  const rk = config.integrator === "dopri5" ? undefined : new SeedRk4(model);
  const dopri =
    config.integrator === "dopri5" ? new Dopri5(2, model.rhs, { rtol: 1e-10, atol: 1e-10 }) : undefined;
  const advance = (t0: number, t1: number): void => {
    if (rk) rk.advance(t0, y, t1, hMaxS);
    else dopri?.integrate(t0, y, t1);
  };
  const applyInputs = (tS: number): void => {
    model.qInW = scheduleValueAt(q_in, tS);
    model.qOutW = scheduleValueAt(q_out, tS);
  };
  const row: SeedRow = {
    model: "seed",
    tS: 0,
    tHotC: 0,
    tColdC: 0,
    mDotKgS: config.params.m_dot,
    qInW: 0,
    qOutW: 0,
  };
  let t = 0;
  const emit = (): void => {
    row.tS = t;
    row.tHotC = y[0] as number;
    row.tColdC = y[1] as number;
    row.qInW = model.qInW;
    row.qOutW = model.qOutW;
    onRow(row);
  };
  walk(
    rows,
    config.dtS,
    changeTimes(schedules),
    (tS) => {
      advance(t, tS);
      t = tS;
    },
    applyInputs,
    emit,
  );
}
