/**
 * The offline plant run behind `looptwin simulate` (DESIGN.md section 5): a model, its input
 * schedules, faults and a seed in; one row per output time `k * dtS` (including t = 0) out,
 * handed to a callback in a reused row object (nothing is kept, so a 24 h run at 0.1 s costs no
 * memory). `dtS` is only the output spacing: the plant sub-steps by the fastest time constant and
 * stops at every input change and fault boundary, so a coarse `dtS` never degrades the solution.
 *
 * Loop model: the plant simulator (true states, and with `sensors` the thermistor counts, pulses,
 * the host's conversion of both, the applied duties and the fault labels). Seed model: the
 * DESIGN.md 2.1 equations with `q_in`/`q_out` schedules; it has no pump curve, sensors or faults.
 */
import { ConfigError } from "../core/errors.js";
import { Dopri5 } from "./dopri5.js";
import { type FaultSpec, formatFaultSpec, isLinkFault } from "./faultSpec.js";
import { DEFAULT_FLOW_METER, FlowRateEstimator } from "./flowMeter.js";
import {
  type InputSchedule,
  type LoopInputChannel,
  nextChangeAfterS,
  type SeedInputChannel,
  scheduleValueAt,
} from "./inputSchedule.js";
import type { LoopParams } from "./loopParams.js";
import { createPlantSample, type PlantSample, PlantSimulator } from "./plantSimulator.js";
import { Rk4 } from "./rk4.js";
import { SeedModel } from "./seedModel.js";
import type { SeedParams } from "./seedParams.js";
import { DEFAULT_THERMISTOR, tempCFromCounts } from "./thermistor.js";
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

/** The earliest change of any schedule strictly after `tS`. */
function nextInputChange(schedules: readonly InputSchedule[], tS: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (let i = 0; i < schedules.length; i++) {
    const t = nextChangeAfterS(schedules[i] as InputSchedule, tS);
    if (t < next) next = t;
  }
  return next;
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
  let tAmbC = Number.NaN;
  const applyInputs = (tS: number): void => {
    const p = scheduleValueAt(pump, tS);
    const h = scheduleValueAt(heater, tS);
    const f = scheduleValueAt(fan, tS);
    const a = scheduleValueAt(t_amb, tS);
    if (p !== row.pumpSetpoint || h !== row.heaterSetpoint || f !== row.fanSetpoint || a !== tAmbC) {
      row.pumpSetpoint = p;
      row.heaterSetpoint = h;
      row.fanSetpoint = f;
      tAmbC = a;
      plant.setInputs(p, h, f, a);
    }
  };
  let t = 0;
  applyInputs(0);
  for (let k = 0; k < rows; k++) {
    const tk = k * config.dtS;
    for (let next = nextInputChange(schedules, t); next < tk; next = nextInputChange(schedules, t)) {
      plant.advanceTo(next);
      t = next;
      applyInputs(t);
    }
    plant.advanceTo(tk);
    t = tk;
    applyInputs(t);
    const s = plant.sample(row.sample, config.sensors);
    if (config.sensors) {
      row.measTHotC = tempCFromCounts(DEFAULT_THERMISTOR, s.adcHot);
      row.measTColdC = tempCFromCounts(DEFAULT_THERMISTOR, s.adcCold);
      row.measTAmbC = s.adcAmb < 0 ? Number.NaN : tempCFromCounts(DEFAULT_THERMISTOR, s.adcAmb);
      row.measFlowLpm = flowEstimator.push(s.tS, s.pulses);
    }
    onRow(row);
  }
}

function runSeed(config: SeedRunConfig, onRow: (row: SeedRow) => void): void {
  const rows = checkTiming(config);
  const model = new SeedModel(config.params);
  const { q_in, q_out } = config.inputs;
  const schedules = [q_in, q_out];
  const y = model.initialState();
  const hMaxS = DEFAULT_SUBSTEP_FRACTION * model.fastestTimeConstantS();
  const rk = config.integrator === "dopri5" ? undefined : new Rk4(2, model.rhs);
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
  applyInputs(0);
  for (let k = 0; k < rows; k++) {
    const tk = k * config.dtS;
    for (let next = nextInputChange(schedules, t); next < tk; next = nextInputChange(schedules, t)) {
      advance(t, next);
      t = next;
      applyInputs(t);
    }
    advance(t, tk);
    t = tk;
    applyInputs(t);
    row.tS = t;
    row.tHotC = y[0] as number;
    row.tColdC = y[1] as number;
    row.qInW = model.qInW;
    row.qOutW = model.qOutW;
    onRow(row);
  }
}
