/**
 * Measures the monitor against injected faults on seeded emulated runs (emulatedRig.ts): when the
 * first alarm came after the onset (the detection delay), whether an alarm came before it (a
 * false alarm), and which diagnosis the monitor gave, when it first gave the right one, whether it
 * ever named a specific wrong cause (an undecided or unknown diagnosis is not one), and what it
 * said `settleS` after detecting. Also the nominal run: alarms raised in hours of operation
 * with setpoint steps. Pure and deterministic: the same case and seed give the same figures.
 */
import { SeededRng } from "../../core/rng.js";
import { type FaultSpec, parseFaultSpec } from "../../model/faultSpec.js";
import type { LoopParams } from "../../model/loopParams.js";
import { DIAGNOSIS_TEXT, type Diagnosis, expectedDiagnosis } from "../diagnosis/isolation.js";
import { createMonitor, type MonitorConfig } from "../monitor/monitor.js";
import { EmulatedRig, type EmulatedRigOptions, type SetpointStep } from "./emulatedRig.js";

/** One injected-fault case. */
export interface FaultCase {
  /** Short name, e.g. `pump_failure`. */
  readonly name: string;
  /** The plant fault, e.g. `pump_failure:start=120`. */
  readonly fault: string;
  readonly durationS: number;
  /** Deadline of the target [s] after the reference time; undefined when the issue sets none. */
  readonly targetS?: number;
  /**
   * Deadline for the first right diagnosis [s after the onset], where a HIL scenario sets one
   * (hil/scenarios: pump failure 2 s, pump degradation 10 s, flow-meter blockage 5 s).
   */
  readonly diagnosisTargetS?: number;
  /**
   * The time the deadline counts from, when it is not the onset: e.g. the time UA reaches 75 %
   * of nominal for fouling ({@link uaReachesS}).
   */
  readonly referenceS?: number;
  /** Setpoint schedule (the first entry is the initial setpoints). @default pump 200, heater 255, fan 255 */
  readonly setpoints?: readonly SetpointStep[];
}

export const DEFAULT_SETPOINTS: readonly SetpointStep[] = [
  { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
];

/** The time [s] the UA ratio of an `hx_fouling` spec reaches `ratio` (linear ramp). */
export function uaReachesS(spec: FaultSpec, ratio: number): number {
  const level = 1 - ratio;
  if (level > spec.severity) return Number.POSITIVE_INFINITY;
  return spec.startS + (spec.rampS > 0 ? (spec.rampS * level) / spec.severity : 0);
}

/** The target events (section 7) with their deadlines, and other fault kinds for the isolation figure. */
export function targetCases(): FaultCase[] {
  const fouling = parseFaultSpec("hx_fouling:start=60,ramp=600,severity=0.5");
  const foulingFast = parseFaultSpec("hx_fouling:start=60,ramp=150,severity=0.4");
  const heaterStep: SetpointStep[] = [
    { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
    { tS: 30, pumpDuty: 200, heaterDuty: 120, fanDuty: 255 },
  ];
  return [
    {
      name: "pump_failure",
      fault: "pump_failure:start=120",
      durationS: 200,
      targetS: 2,
      diagnosisTargetS: 2,
    },
    {
      name: "pump_degradation_30",
      fault: "pump_degradation:start=120,severity=0.3",
      durationS: 200,
      targetS: 10,
      diagnosisTargetS: 10,
    },
    {
      name: "hx_fouling_ramp600_to50",
      fault: "hx_fouling:start=60,ramp=600,severity=0.5",
      durationS: 900,
      targetS: 60,
      referenceS: uaReachesS(fouling, 0.75),
    },
    {
      name: "hx_fouling_ramp150_to60",
      fault: "hx_fouling:start=60,ramp=150,severity=0.4",
      durationS: 500,
      targetS: 60,
      referenceS: uaReachesS(foulingFast, 0.75),
    },
    {
      name: "bias_hot_+1.5",
      fault: "sensor_bias:start=120,value=1.5,channel=hot",
      durationS: 200,
      targetS: 10,
    },
    {
      name: "bias_hot_-1.5",
      fault: "sensor_bias:start=120,value=-1.5,channel=hot",
      durationS: 200,
      targetS: 10,
    },
    {
      name: "bias_cold_+1.5",
      fault: "sensor_bias:start=120,value=1.5,channel=cold",
      durationS: 200,
      targetS: 10,
    },
    {
      name: "bias_cold_-1.5",
      fault: "sensor_bias:start=120,value=-1.5,channel=cold",
      durationS: 200,
      targetS: 10,
    },
    { name: "stuck_hot_steady", fault: "sensor_stuck:start=120,channel=hot", durationS: 200, targetS: 30 },
    { name: "stuck_cold_steady", fault: "sensor_stuck:start=120,channel=cold", durationS: 200, targetS: 30 },
    {
      name: "stuck_hot_settling",
      fault: "sensor_stuck:start=60,channel=hot",
      durationS: 200,
      targetS: 30,
      setpoints: heaterStep,
    },
    {
      name: "stuck_cold_settling",
      fault: "sensor_stuck:start=60,channel=cold",
      durationS: 200,
      targetS: 30,
      setpoints: heaterStep,
    },
    {
      name: "flow_blockage_jam",
      fault: "flow_blockage:start=120",
      durationS: 200,
      targetS: 5,
      diagnosisTargetS: 5,
    },
    {
      name: "flow_blockage_half",
      fault: "flow_blockage:start=120,severity=0.5",
      durationS: 200,
      targetS: 5,
      diagnosisTargetS: 5,
    },
  ];
}

/** Fault kinds the issue sets no deadline for, for the isolation figure. */
export function otherCases(): FaultCase[] {
  return [
    { name: "heater_overpower_20", fault: "heater_overpower:start=120,severity=0.2", durationS: 600 },
    {
      name: "heater_overpower_70",
      fault: "heater_overpower:start=60,severity=0.7",
      durationS: 400,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 150, fanDuty: 255 }],
    },
    { name: "drift_hot", fault: "sensor_drift:start=120,value=0.01,channel=hot", durationS: 400 },
    { name: "drift_cold", fault: "sensor_drift:start=120,value=-0.01,channel=cold", durationS: 400 },
    { name: "noise_hot", fault: "sensor_noise:start=120,value=0.5,channel=hot", durationS: 200 },
    { name: "noise_cold", fault: "sensor_noise:start=120,value=0.5,channel=cold", durationS: 200 },
    { name: "open_hot", fault: "sensor_open:start=120,channel=hot", durationS: 200 },
    { name: "open_cold", fault: "sensor_open:start=120,channel=cold", durationS: 200 },
    { name: "short_hot", fault: "sensor_short:start=120,channel=hot", durationS: 200 },
    { name: "short_cold", fault: "sensor_short:start=120,channel=cold", durationS: 200 },
    { name: "pump_degradation_10", fault: "pump_degradation:start=120,severity=0.1", durationS: 200 },
  ];
}

/** What happened in one run of one case. */
export interface CaseResult {
  readonly name: string;
  readonly seed: number;
  readonly expected: Diagnosis;
  readonly onsetS: number;
  readonly referenceS: number;
  /** First alarm raised at or after the onset [s after the onset]; NaN when none. */
  readonly delayS: number;
  /** Detection time after the reference (the deadline's clock) [s]; NaN when not detected. */
  readonly delayFromReferenceS: number;
  readonly targetS: number | undefined;
  readonly metTarget: boolean | undefined;
  /** Alarms raised before the onset. */
  readonly falseAlarms: number;
  /** Cause and diagnosis of the first alarm after the onset. */
  readonly firstCause: string;
  readonly firstDiagnosis: string;
  /** The monitor's diagnosis `settleS` after detection (or at the end of the run). */
  readonly settledDiagnosis: string;
  readonly correct: boolean;
  /** First time after the onset the monitor's diagnosis was the expected one [s after onset]. */
  readonly correctAfterS: number;
  readonly diagnosisTargetS: number | undefined;
  /** Whether the right diagnosis came within `diagnosisTargetS` (undefined when none is set). */
  readonly metDiagnosisTarget: boolean | undefined;
  /** Whether the first alarm after the onset named a specific wrong cause ({@link isSpecificWrong}). */
  readonly firstWrong: boolean;
  /** Whether any diagnosis shown after the onset named a specific wrong cause. */
  readonly shownWrong: boolean;
  /** Every distinct diagnosis shown after the onset, in order. */
  readonly diagnoses: readonly string[];
}

export interface EvaluateOptions {
  readonly params?: LoopParams;
  readonly monitor?: MonitorConfig;
  /** Seconds after detection at which the diagnosis is judged. @default 20 */
  readonly settleS?: number;
  readonly rateHz?: number;
}

/**
 * The onset shift of a seed [s], in [0, 1): the golden-ratio sequence, so that seeds also sample
 * the fault's phase against the telemetry clock and the flow meter's pulses (with the onset on
 * the sample grid every seed would see the same pulse pattern).
 */
export function onsetJitterS(seed: number): number {
  return (seed * 0.6180339887498949) % 1;
}

const DIAGNOSIS_OF_TEXT: ReadonlyMap<string, Diagnosis> = new Map(
  (Object.entries(DIAGNOSIS_TEXT) as [Diagnosis, string][]).map(([d, text]) => [text, d]),
);

/**
 * Whether a diagnosis text names a cause other than `expected`: any diagnosis but the expected
 * one, `unknown` and `flow_undecided` (which say that the cause is not known yet). Empty: no.
 */
export function isSpecificWrong(text: string, expected: Diagnosis): boolean {
  const d = DIAGNOSIS_OF_TEXT.get(text);
  if (d === undefined) return text !== "";
  return d !== expected && d !== "unknown" && d !== "flow_undecided";
}

/** Runs one case with one seed (the onset shifted by {@link onsetJitterS}). */
export function runCase(c: FaultCase, seed: number, options: EvaluateOptions = {}): CaseResult {
  const parsed = parseFaultSpec(c.fault);
  const jitter = Math.round(onsetJitterS(seed) * 1000) / 1000;
  const spec: FaultSpec = { ...parsed, startS: parsed.startS + jitter, endS: parsed.endS + jitter };
  const expected = expectedDiagnosis(spec.kind, spec.channel);
  const expectedText = DIAGNOSIS_TEXT[expected];
  const rigOptions: EmulatedRigOptions = {
    seed,
    setpoints: c.setpoints ?? DEFAULT_SETPOINTS,
    faults: [spec],
    ...(options.params ? { params: options.params } : {}),
    ...(options.rateHz ? { rateHz: options.rateHz } : {}),
  };
  const rig = new EmulatedRig(rigOptions);
  const monitor = createMonitor({
    ...(options.params ? { params: options.params } : {}),
    ...(options.rateHz ? { rateHz: options.rateHz } : {}),
    ...options.monitor,
  });
  monitor.setSetpoints(rig.initialSetpoints, 0);
  const onset = spec.startS;
  const reference = c.referenceS === undefined ? onset : c.referenceS + jitter;
  const settleS = options.settleS ?? 20;
  let falseAlarms = 0;
  let detectedS = Number.NaN;
  let firstCause = "";
  let firstDiagnosis = "";
  let settled = "";
  let correctAt = Number.NaN;
  const diagnoses: string[] = [];
  const onSetpoints = (sp: { pumpDuty: number; heaterDuty: number; fanDuty: number }, tS: number): void =>
    monitor.setSetpoints(sp, tS);
  const n = Math.floor(c.durationS * rig.rateHz + 1e-9) + 1;
  for (let i = 0; i < n; i++) {
    const s = rig.next(onSetpoints);
    const events = monitor.step(s);
    for (const e of events) {
      if (e.type !== "raised") continue;
      if (e.tS < onset) falseAlarms++;
      else if (Number.isNaN(detectedS)) {
        detectedS = e.tS;
        firstCause = e.cause;
        firstDiagnosis = e.diagnosis;
      }
    }
    if (s.tS >= onset) {
      const d = monitor.output.diagnosis;
      if (d !== "" && diagnoses[diagnoses.length - 1] !== d) diagnoses.push(d);
      if (Number.isNaN(correctAt) && d === expectedText) correctAt = s.tS - onset;
      if (!Number.isNaN(detectedS) && settled === "" && s.tS >= detectedS + settleS) settled = d;
    }
  }
  if (settled === "" && !Number.isNaN(detectedS)) settled = monitor.output.diagnosis;
  const delayFromRef = detectedS - reference;
  const met =
    c.targetS === undefined
      ? undefined
      : Number.isFinite(detectedS) && Math.max(0, delayFromRef) <= c.targetS;
  const metDiagnosis =
    c.diagnosisTargetS === undefined
      ? undefined
      : Number.isFinite(correctAt) && correctAt <= c.diagnosisTargetS;
  return {
    name: c.name,
    seed,
    expected,
    onsetS: onset,
    referenceS: reference,
    delayS: detectedS - onset,
    delayFromReferenceS: delayFromRef,
    targetS: c.targetS,
    metTarget: met,
    falseAlarms,
    firstCause,
    firstDiagnosis,
    settledDiagnosis: settled,
    correct: settled === expectedText,
    correctAfterS: correctAt,
    diagnosisTargetS: c.diagnosisTargetS,
    metDiagnosisTarget: metDiagnosis,
    firstWrong: isSpecificWrong(firstDiagnosis, expected),
    shownWrong: diagnoses.some((d) => isSpecificWrong(d, expected)),
    diagnoses,
  };
}

/** A nominal run's figures. */
export interface NominalResult {
  readonly seed: number;
  readonly durationS: number;
  readonly samples: number;
  readonly setpointSteps: number;
  readonly alarms: number;
  /** Cause, time and diagnosis of the first few alarms. */
  readonly firstAlarms: readonly string[];
  /** Largest score seen after the alignment (1 = alarm level). */
  readonly maxScore: number;
  readonly maxScoreAtS: number;
}

/**
 * Setpoint steps of a nominal day: every `everyS` seconds (jittered by up to a third) a new pump
 * duty in [120, 255] or heater duty in [80, 255], and now and then a fan duty in [120, 255].
 */
export function nominalSchedule(durationS: number, seed: number, everyS = 900): SetpointStep[] {
  const rng = new SeededRng(seed);
  const out: SetpointStep[] = [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }];
  let cur = out[0] as SetpointStep;
  let t = everyS;
  while (t < durationS) {
    const which = rng.int(5);
    let next: SetpointStep;
    if (which <= 1) next = { ...cur, tS: t, pumpDuty: 120 + rng.int(136) };
    else if (which <= 3) next = { ...cur, tS: t, heaterDuty: 80 + rng.int(176) };
    else next = { ...cur, tS: t, fanDuty: 120 + rng.int(136) };
    out.push(next);
    cur = next;
    t += everyS * (1 + (rng.uniform() - 0.5) * (2 / 3));
    t = Math.round(t * 10) / 10;
  }
  return out;
}

/** Runs a nominal run of `durationS` with setpoint steps and counts alarms. */
export function runNominal(durationS: number, seed: number, options: EvaluateOptions = {}): NominalResult {
  const schedule = nominalSchedule(durationS, seed);
  const rig = new EmulatedRig({
    seed,
    setpoints: schedule,
    ...(options.params ? { params: options.params } : {}),
    ...(options.rateHz ? { rateHz: options.rateHz } : {}),
  });
  const monitor = createMonitor({
    ...(options.params ? { params: options.params } : {}),
    ...(options.rateHz ? { rateHz: options.rateHz } : {}),
    ...options.monitor,
  });
  monitor.setSetpoints(rig.initialSetpoints, 0);
  const onSetpoints = (sp: { pumpDuty: number; heaterDuty: number; fanDuty: number }, tS: number): void =>
    monitor.setSetpoints(sp, tS);
  const n = Math.floor(durationS * rig.rateHz + 1e-9) + 1;
  let alarms = 0;
  const first: string[] = [];
  let maxScore = 0;
  let maxAt = Number.NaN;
  for (let i = 0; i < n; i++) {
    const s = rig.next(onSetpoints);
    const events = monitor.step(s);
    for (let j = 0; j < events.length; j++) {
      const e = events[j];
      if (e?.type !== "raised") continue;
      alarms++;
      if (first.length < 5)
        first.push(`${e.cause} at ${e.tS.toFixed(1)} s: ${e.diagnosis}; ${e.evidence.join("; ")}`);
    }
    const sc = monitor.output.score;
    if (s.tS > 5 && sc > maxScore) {
      maxScore = sc;
      maxAt = s.tS;
    }
  }
  return {
    seed,
    durationS,
    samples: n,
    setpointSteps: schedule.length - 1,
    alarms,
    firstAlarms: first,
    maxScore,
    maxScoreAtS: maxAt,
  };
}
