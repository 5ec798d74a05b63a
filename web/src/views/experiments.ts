/**
 * The batch runs behind the page's Simulation, Learned detection, Fault testing and Analysis
 * views (issue 13 section 3): the project's emulated rig (plant simulator, sensors, host
 * conversion) and residual monitor over a whole run at once, and the project's learned detector
 * (src/detect/learned, PCA on the twin's residuals) trained on a nominal stretch of the same rig.
 * Pure and deterministic for a seed: the tests check them against hand-worked expectations.
 */
import { ConfigError } from "../../../src/core/errors.js";
import { EmulatedRig, type SetpointStep } from "../../../src/detect/evaluation/emulatedRig.js";
import {
  fitLearnedDetector,
  type LearnedModel,
  LearnedScorer,
} from "../../../src/detect/learned/learnedDetector.js";
import { TWIN_RESIDUAL_CHANNELS } from "../../../src/detect/learned/looptwinLearnedChannels.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import { type FaultSpec, parseFaultSpec } from "../../../src/model/faultSpec.js";
import { type LoopParams, makeLoopParams } from "../../../src/model/loopParams.js";

export const HEAT_PROFILES = ["constant", "step", "ramp", "pulse"] as const;
export type HeatProfile = (typeof HEAT_PROFILES)[number];

/** A run: rig, inputs, faults, and whether to start at steady state. */
export interface RunConfig {
  /** Loop-parameter overrides (validated). */
  readonly set?: Readonly<Record<string, number>>;
  readonly durationS: number;
  /** Telemetry rate [Hz]. @default 10 */
  readonly rateHz?: number;
  readonly seed?: number;
  readonly pumpDuty?: number;
  readonly fanDuty?: number;
  /** Heater duty 0-255 (the profile's high level). @default 255 */
  readonly heaterDuty?: number;
  /** @default "constant" */
  readonly profile?: HeatProfile;
  /** Step time, ramp start, or pulse start [s]. @default durationS / 3 */
  readonly profileAtS?: number;
  /** Ramp length or pulse width [s]. @default durationS / 3 */
  readonly profileLengthS?: number;
  readonly faults?: readonly (string | FaultSpec)[];
  /** Start at the steady state of the first inputs (else at T_hot0, T_cold0). @default true */
  readonly steady?: boolean;
  /** Thermistor noise [K rms]; undefined for the sensor model's default. */
  readonly noiseKRms?: number;
  /** A learned model to score the run with beside the residual monitor. */
  readonly learned?: LearnedModel;
}

/** Per-sample columns of a run. */
export interface RunColumns {
  readonly tS: Float64Array;
  readonly tHotC: Float64Array;
  readonly tColdC: Float64Array;
  readonly twinTHotC: Float64Array;
  readonly twinTColdC: Float64Array;
  readonly flowLpm: Float64Array;
  readonly twinFlowLpm: Float64Array;
  /** Residuals in their units (K, K, L/min). */
  readonly resTHotK: Float64Array;
  readonly resTColdK: Float64Array;
  readonly resFlowLpm: Float64Array;
  /** The monitor's combined score (>= 1: alarm level). */
  readonly score: Float64Array;
  readonly heaterDuty: Float64Array;
  /** The learned detector's normalised score (NaN without a model). */
  readonly learnedScore: Float64Array;
}

/** An alarm the residual monitor raised. */
export interface RaisedAlarm {
  readonly tS: number;
  readonly cause: string;
  readonly severity: string;
  readonly diagnosis: string;
}

export interface RunResult {
  readonly params: LoopParams;
  readonly columns: RunColumns;
  readonly alarms: readonly RaisedAlarm[];
  /** The monitor's diagnosis at the end of the run ("" when none). */
  readonly finalDiagnosis: string;
  /** Times the learned detector's decision went from normal to anomalous [s]. */
  readonly learnedAlarmsS: readonly number[];
  /** The monitor's stability class of the loop at the end of the run. */
  readonly stability: string;
}

/** The heater schedule of a profile: piecewise constant steps (a ramp in 1 s steps). */
export function heaterSchedule(c: RunConfig): { tS: number; duty: number }[] {
  const high = c.heaterDuty ?? 255;
  const at = c.profileAtS ?? c.durationS / 3;
  const len = c.profileLengthS ?? c.durationS / 3;
  switch (c.profile ?? "constant") {
    case "constant":
      return [{ tS: 0, duty: high }];
    case "step":
      return [
        { tS: 0, duty: 0 },
        { tS: at, duty: high },
      ];
    case "ramp": {
      const steps: { tS: number; duty: number }[] = [{ tS: 0, duty: 0 }];
      const n = Math.max(1, Math.round(len));
      for (let k = 1; k <= n; k++) steps.push({ tS: at + (k * len) / n, duty: Math.round((high * k) / n) });
      return steps;
    }
    case "pulse":
      return [
        { tS: 0, duty: 0 },
        { tS: at, duty: high },
        { tS: at + len, duty: 0 },
      ];
  }
}

function checkRun(c: RunConfig): void {
  if (!(c.durationS > 0 && c.durationS <= 86_400))
    throw new ConfigError("duration", c.durationS, "must be > 0 and at most 86400 s");
  const rate = c.rateHz ?? 10;
  if (!(rate >= 0.1 && rate <= 100)) throw new ConfigError("sample rate", rate, "must be 0.1-100 Hz");
  if (c.durationS * rate > 2_000_000)
    throw new ConfigError("duration", c.durationS, `at ${rate} Hz is more than 2,000,000 samples`);
}

/** Runs the rig and the monitor (and the learned model, if given) over the whole run. */
export function runExperiment(c: RunConfig): RunResult {
  checkRun(c);
  const rateHz = c.rateHz ?? 10;
  const params = makeLoopParams(c.set ?? {}, "set ");
  const pump = c.pumpDuty ?? 200;
  const fan = c.fanDuty ?? 255;
  const setpoints: SetpointStep[] = heaterSchedule(c).map((s) => ({
    tS: s.tS,
    pumpDuty: pump,
    heaterDuty: s.duty,
    fanDuty: fan,
  }));
  const rig = new EmulatedRig({
    params,
    rateHz,
    seed: c.seed ?? 1,
    setpoints,
    faults: (c.faults ?? []).map((f) => (typeof f === "string" ? parseFaultSpec(f, "fault") : f)),
    steady: c.steady ?? true,
    ...(c.noiseKRms === undefined ? {} : { noiseKRms: c.noiseKRms }),
  });
  const monitor = createMonitor({ params, rateHz });
  monitor.setSetpoints(rig.initialSetpoints, 0);
  const n = Math.floor(c.durationS * rateHz + 1e-9) + 1;
  const col = (): Float64Array => new Float64Array(n);
  const cols: RunColumns = {
    tS: col(),
    tHotC: col(),
    tColdC: col(),
    twinTHotC: col(),
    twinTColdC: col(),
    flowLpm: col(),
    twinFlowLpm: col(),
    resTHotK: col(),
    resTColdK: col(),
    resFlowLpm: col(),
    score: col(),
    heaterDuty: col(),
    learnedScore: col().fill(Number.NaN),
  };
  const alarms: RaisedAlarm[] = [];
  const learnedAlarmsS: number[] = [];
  const scorer = c.learned ? new LearnedScorer(c.learned) : null;
  const sample = new Float64Array(TWIN_RESIDUAL_CHANNELS.length);
  let wasAnomalous = false;
  const onSetpoints = (sp: { pumpDuty: number; heaterDuty: number; fanDuty: number }, tS: number): void =>
    monitor.setSetpoints(sp, tS);
  for (let i = 0; i < n; i++) {
    const s = rig.next(onSetpoints);
    for (const e of monitor.step(s))
      if (e.type === "raised")
        alarms.push({ tS: e.tS, cause: e.cause, severity: e.severity, diagnosis: e.diagnosis });
    const o = monitor.output;
    cols.tS[i] = s.tS;
    cols.tHotC[i] = s.tHotC;
    cols.tColdC[i] = s.tColdC;
    cols.twinTHotC[i] = o.predTHotC;
    cols.twinTColdC[i] = o.predTColdC;
    cols.flowLpm[i] = s.flowLpm;
    cols.twinFlowLpm[i] = o.predFlowLpm;
    cols.resTHotK[i] = o.resTHotK;
    cols.resTColdK[i] = o.resTColdK;
    cols.resFlowLpm[i] = o.resFlowLpm;
    cols.score[i] = o.score;
    cols.heaterDuty[i] = s.heaterDuty;
    if (scorer !== null) {
      sample[0] = o.resTHotK;
      sample[1] = o.resTColdK;
      sample[2] = o.resFlowLpm;
      // The residuals are NaN until the twin has its first sample: score zeros then.
      for (let k = 0; k < 3; k++) if (!Number.isFinite(sample[k] as number)) sample[k] = 0;
      scorer.step(sample);
      cols.learnedScore[i] = scorer.lastScore;
      if (scorer.lastAnomaly && !wasAnomalous) learnedAlarmsS.push(s.tS);
      wasAnomalous = scorer.lastAnomaly;
    }
  }
  return {
    params,
    columns: cols,
    alarms,
    finalDiagnosis: monitor.output.diagnosis,
    learnedAlarmsS,
    stability: monitor.performance().stability,
  };
}

/** min, max, mean and standard deviation of the finite values of `x` from index `from`. */
export function stats(
  x: ArrayLike<number>,
  from = 0,
): { min: number; max: number; mean: number; std: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < x.length; i++) {
    const v = x[i] as number;
    if (!Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, std: Number.NaN };
  return { min, max, mean, std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0 };
}

/**
 * Trains the learned detector (PCA, the project's defaults) on the twin's residuals of a nominal
 * run of `trainS` seconds, skipping the first `skipS` (the twin's alignment).
 */
export function trainLearned(
  trainS: number,
  seed: number,
  set: Readonly<Record<string, number>> = {},
  skipS = 30,
): LearnedModel {
  if (!(trainS >= 60)) throw new ConfigError("training stretch", trainS, "must be at least 60 s");
  const run = runExperiment({ durationS: skipS + trainS, seed, set });
  const from = Math.round(skipS * 10);
  const channels = [run.columns.resTHotK, run.columns.resTColdK, run.columns.resFlowLpm].map((c) =>
    c.subarray(from),
  );
  return fitLearnedDetector(TWIN_RESIDUAL_CHANNELS, channels, channels[0]!.length);
}

/** What a fault test reports for one detector. */
export interface DetectorVerdict {
  /** First alarm at or after the onset, seconds after it (NaN: not detected). */
  readonly detectionS: number;
  /** Alarms before the onset. */
  readonly falsePositives: number;
}

export interface FaultTestResult {
  readonly run: RunResult;
  readonly onsetS: number;
  readonly residual: DetectorVerdict & { readonly firstDiagnosis: string; readonly finalDiagnosis: string };
  readonly learned: DetectorVerdict | null;
  /** Highest measured T_hot [C] and largest |residual| in units of its band (0.3 K, 0.3 L/min). */
  readonly peakTHotC: number;
  readonly peakResidualBands: number;
}

/** The residual bands of the default monitor configuration (monitorConfig.ts). */
const BAND_K = 0.3;
const BAND_LPM = 0.3;

function verdict(times: readonly number[], onsetS: number): DetectorVerdict {
  const after = times.find((t) => t >= onsetS);
  return {
    detectionS: after === undefined ? Number.NaN : after - onsetS,
    falsePositives: times.filter((t) => t < onsetS).length,
  };
}

/**
 * A fault test: the fault (its `start` the onset) on the steady rig, with optional sensor noise
 * and bias on T_hot from the same onset, scored by the residual monitor and, given a model, the
 * learned detector.
 */
export function runFaultTest(
  faultText: string,
  options: { durationS: number; seed?: number; noiseK?: number; biasK?: number; learned?: LearnedModel },
): FaultTestResult {
  const spec = parseFaultSpec(faultText, "fault");
  const faults: FaultSpec[] = [spec];
  if (options.noiseK)
    faults.push(parseFaultSpec(`sensor_noise:channel=hot,value=${options.noiseK},start=${spec.startS}`));
  if (options.biasK)
    faults.push(parseFaultSpec(`sensor_bias:channel=hot,value=${options.biasK},start=${spec.startS}`));
  const run = runExperiment({
    durationS: options.durationS,
    seed: options.seed ?? 1,
    faults,
    ...(options.learned ? { learned: options.learned } : {}),
  });
  const c = run.columns;
  let peakRes = 0;
  for (let i = 0; i < c.tS.length; i++) {
    const r = Math.max(
      Math.abs(c.resTHotK[i] as number) / BAND_K,
      Math.abs(c.resTColdK[i] as number) / BAND_K,
      Math.abs(c.resFlowLpm[i] as number) / BAND_LPM,
    );
    if (r > peakRes) peakRes = r;
  }
  const res = verdict(
    run.alarms.map((a) => a.tS),
    spec.startS,
  );
  const first = run.alarms.find((a) => a.tS >= spec.startS);
  return {
    run,
    onsetS: spec.startS,
    residual: { ...res, firstDiagnosis: first?.diagnosis ?? "", finalDiagnosis: run.finalDiagnosis },
    learned: options.learned ? verdict(run.learnedAlarmsS, spec.startS) : null,
    peakTHotC: stats(c.tHotC).max,
    peakResidualBands: peakRes,
  };
}

/** The faults the Analysis view compares the detectors on (each at its `start`). */
export const ANALYSIS_FAULTS = [
  "pump_failure:start=120",
  "pump_degradation:start=120,severity=0.4",
  "hx_fouling:start=120,severity=0.5,ramp=120",
  "heater_overpower:start=120,severity=0.3",
  "sensor_bias:start=120,channel=hot,value=1.5",
  "sensor_stuck:start=120,channel=cold",
  "flow_blockage:start=120,severity=0.5",
] as const;

export interface AnalysisRow {
  readonly fault: string;
  /** Fraction of seeds detected after the onset, per detector. */
  readonly residualRate: number;
  readonly learnedRate: number;
  /** Mean detection time of the detected seeds [s]. */
  readonly residualMeanS: number;
  readonly learnedMeanS: number;
  /** Fraction of seeds whose settled diagnosis names the fault (residual monitor only). */
  readonly diagnosedRate: number;
}

export interface AnalysisResult {
  readonly rows: readonly AnalysisRow[];
  /** False alarms per hour on a nominal run, per detector. */
  readonly residualFalsePerHour: number;
  readonly learnedFalsePerHour: number;
  readonly nominalS: number;
  /** The monitor's stability class at the end of the nominal run. */
  readonly nominalStability: string;
}

/** Words of the monitor's diagnosis that name each fault kind. */
const DIAGNOSIS_WORDS: Readonly<Record<string, string>> = {
  pump_failure: "pump failure",
  pump_degradation: "pump degradation",
  hx_fouling: "fouling",
  heater_overpower: "heat",
  sensor_bias: "sensor",
  sensor_stuck: "sensor",
  flow_blockage: "flow",
};

/** Both detectors on {@link ANALYSIS_FAULTS} over `seeds`, and on a nominal run for false alarms. */
export function runAnalysis(
  seeds: readonly number[],
  learned: LearnedModel,
  nominalS = 1800,
): AnalysisResult {
  const rows: AnalysisRow[] = ANALYSIS_FAULTS.map((fault) => {
    const kind = fault.slice(0, fault.indexOf(":"));
    const results = seeds.map((seed) => runFaultTest(fault, { durationS: 600, seed, learned }));
    const mean = (xs: number[]): number =>
      xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
    const resTimes = results.map((r) => r.residual.detectionS).filter(Number.isFinite);
    const learnedTimes = results.map((r) => r.learned?.detectionS ?? Number.NaN).filter(Number.isFinite);
    const word = DIAGNOSIS_WORDS[kind] ?? kind;
    return {
      fault,
      residualRate: resTimes.length / seeds.length,
      learnedRate: learnedTimes.length / seeds.length,
      residualMeanS: mean(resTimes),
      learnedMeanS: mean(learnedTimes),
      diagnosedRate: results.filter((r) => r.residual.finalDiagnosis.includes(word)).length / seeds.length,
    };
  });
  const nominal = runExperiment({ durationS: nominalS, seed: 1000 + (seeds[0] ?? 0), learned });
  const afterAlign = (t: number): boolean => t >= 30;
  return {
    rows,
    residualFalsePerHour: (nominal.alarms.filter((a) => afterAlign(a.tS)).length * 3600) / nominalS,
    learnedFalsePerHour: (nominal.learnedAlarmsS.filter(afterAlign).length * 3600) / nominalS,
    nominalS,
    nominalStability: nominal.stability,
  };
}
