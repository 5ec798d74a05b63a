/**
 * Calibration of the loop model (docs/design.md 2.2) to a nominal run: nonlinear least squares on the
 * simulated-versus-measured trajectories of the hot and cold temperatures and the flow.
 *
 * - Model: loopResponse.ts, driven by the run's applied duties and ambient, started from the first
 *   measured temperatures of each segment (corrected by the offsets being fitted).
 * - Residuals: (predicted - measured) / sigma per channel. Sigma starts as a robust estimate of
 *   each channel's white noise (second differences) and is then set to the channel's fit RMSE and
 *   the fit repeated once (feasible weighted least squares), so that the channels weigh by their
 *   actual scatter and the residual variance of the final fit is about 1.
 * - Solver: Levenberg-Marquardt with a central-difference Jacobian (levenbergMarquardt.ts);
 *   positive parameters on a log scale (calibrationParams.ts).
 * - Uncertainty: s^2 (J^T J)^-1 at the optimum (parameterCovariance.ts), mapped back to each
 *   parameter's units (delta method for the log scale). It assumes white residuals: the flow
 *   estimate averages over a window and binned samples are correlated, so read it as a lower bound.
 * - Identifiability: before the fit, parameters the run cannot excite are held (one pump level:
 *   the stall duty; the fan never changes: UA_fan_off_frac; a parameter whose Jacobian column is
 *   zero); after it, large uncertainties, strongly correlated pairs and near-null directions of
 *   J^T J are reported as warnings with what to change in the run.
 *
 * What the temperatures alone cannot tell: scaling every heat capacity, conductance, m_dot cp and
 * the heater power by one factor leaves every temperature unchanged, so the energy scale comes
 * from Q_heater_max (held at its configured value) and the flow meter (m_dot_max); and a common
 * shift of every temperature is indistinguishable from a shift of T_sink, so T_sink is held too
 * (set it to the radiator's air temperature).
 */
import { InputFileError } from "../../core/errors.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, validateLoopParams } from "../loopParams.js";
import type { CalibrationData } from "./calibrationData.js";
import {
  CALIBRATION_PARAM_NAMES,
  CALIBRATION_PARAM_SPECS,
  type CalibrationParamName,
  DEFAULT_FIT_PARAMS,
  fromFitScale,
  onSearchBound,
  overUncertaintyLimit,
  toFitScale,
} from "./calibrationParams.js";
import { analyseExcitation, type Excitation, heldLevels } from "./excitation.js";
import { type LmResult, levenbergMarquardt } from "./levenbergMarquardt.js";
import { createPredictedReadings, LoopResponse, type SensorOffsetsK } from "./loopResponse.js";
import { parameterCovariance } from "./parameterCovariance.js";
import { pumpCurveStart, runningPumpLevels, stoppedFlowLpm } from "./pumpCurveStart.js";

export interface CalibrationOptions {
  /** Fixed parameters and the starting point of the fitted ones. @default DEFAULT_LOOP_PARAMS */
  readonly base?: LoopParams;
  /** Starting (and, when not fitted, fixed) thermistor offsets [K]. @default 0 and 0 */
  readonly offsetsK?: SensorOffsetsK;
  /** Parameters to fit. @default DEFAULT_FIT_PARAMS */
  readonly fit?: readonly CalibrationParamName[];
  /** Fit the flow meter's readings too. @default true */
  readonly useFlow?: boolean;
  /** Flow readings this long after a pump change are left out (the estimate averages) [s]. @default 4 */
  readonly flowSettleS?: number;
  /**
   * Initial state of each segment: `fit` estimates it (two nuisance parameters per segment,
   * starting from the first readings); `measured` takes the first readings as they are, whose
   * noise then biases the slow modes and makes the uncertainties optimistic. @default "fit"
   */
  readonly initialState?: "fit" | "measured";
  /** Iterations of each Levenberg-Marquardt pass. @default 100 */
  readonly maxIterations?: number;
  /** An uncertain parameter correlated beyond this with another names that one as the cause. @default 0.9 */
  readonly correlationLimit?: number;
  /** Warn when a channel's RMSE exceeds its noise estimate by this factor. @default 2 */
  readonly poorFitFactor?: number;
}

/** One fitted parameter. */
export interface FittedParameter {
  readonly name: CalibrationParamName;
  readonly unit: string;
  readonly value: number;
  /** Standard deviation [unit]; Infinity when the run does not constrain the parameter. */
  readonly std: number;
  /** `std / |value|` (NaN for a zero value, a temperature or an offset). */
  readonly relStd: number;
  /** Starting value. */
  readonly initial: number;
  /** The estimate sits on a bound of the search. */
  readonly atBound: boolean;
}

export const CALIBRATION_WARNING_KINDS = [
  "not_excited",
  "uncertain",
  "near_singular",
  "at_bound",
  "not_converged",
  "sink_vs_ambient",
  "poor_fit",
] as const;
export type CalibrationWarningKind = (typeof CALIBRATION_WARNING_KINDS)[number];

export interface CalibrationWarning {
  readonly kind: CalibrationWarningKind;
  /** Parameters concerned. */
  readonly params: readonly string[];
  readonly message: string;
}

export const FIT_CHANNELS = ["t_hot", "t_cold", "flow"] as const;
export type FitChannel = (typeof FIT_CHANNELS)[number];

/** How well one measured channel is fitted. */
export interface ChannelFit {
  readonly channel: FitChannel;
  readonly unit: "K" | "L/min";
  /** Root mean square of predicted minus measured [unit] (NaN when the channel was not used). */
  readonly rmse: number;
  /** White-noise estimate of the measurements (second differences) [unit]. */
  readonly noise: number;
  /** Observations fitted. */
  readonly count: number;
  readonly used: boolean;
}

export interface CalibrationResult {
  /** The full loop parameter set: fitted values over the base. */
  readonly params: LoopParams;
  /** Thermistor offsets [K] to add to the readings (telemetry converter convention). */
  readonly offsetsK: SensorOffsetsK;
  /** Fitted parameters in {@link CALIBRATION_PARAM_NAMES} order. */
  readonly fitted: readonly FittedParameter[];
  /** Parameters asked for but held at their starting value (not excited by the run). */
  readonly held: readonly CalibrationParamName[];
  readonly channels: readonly ChannelFit[];
  /** Correlation matrix of the fitted parameters (row and column order of `fitted`). */
  readonly correlation: readonly (readonly number[])[];
  readonly warnings: readonly CalibrationWarning[];
  readonly excitation: Excitation;
  /** Observations (bins) and their time span [s]. */
  readonly observations: number;
  readonly durationS: number;
  readonly segments: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly stopReason: string;
}

/** Bound of the fitted initial-state deviations from the first readings [K]. */
const INITIAL_DELTA_BOUND_K = 5;

/** Robust white-noise estimate of a series: MAD of second differences / sqrt(6) (NaN entries skipped). */
export function noiseEstimate(x: Float64Array, use: Uint8Array): number {
  const d: number[] = [];
  for (let k = 2; k < x.length; k++) {
    if (use[k] !== 1 || use[k - 1] !== 1 || use[k - 2] !== 1) continue;
    d.push(Math.abs((x[k] as number) - 2 * (x[k - 1] as number) + (x[k - 2] as number)));
  }
  if (d.length === 0) return Number.NaN;
  d.sort((a, b) => a - b);
  const mad = d[Math.floor(d.length / 2)] as number;
  return (1.4826 * mad) / Math.sqrt(6);
}

function formatDuties(levels: readonly number[]): string {
  return levels.length === 0 ? "none" : levels.join(", ");
}

/**
 * What to change in the run (or the fit) when parameter `a` trades off against `b`; `fitted` is
 * every fitted parameter (T_sink fitted with the offsets is a confound of the fit, not the run).
 */
function pairHint(a: string, b: string, fitted: readonly string[]): string {
  const has = (x: string) => a === x || b === x;
  const offsetOrSink = (x: string) => x.startsWith("offset") || x === "T_sink";
  if (fitted.includes("T_sink") && (offsetOrSink(a) || offsetOrSink(b)))
    return "T_sink and the thermistor offsets shift the temperatures alike: hold T_sink at the radiator's air temperature (--fix T_sink --set T_sink=...)";
  if (has("UA") && has("UA_loss"))
    return "vary the fan duty (UA scales with the fan, UA_loss does not) or hold UA_loss with --set";
  if (has("pump_stall_duty") && (has("pump_min_frac") || has("m_dot_max")))
    return "run the pump at more duties above the stall, or hold pump_min_frac with --set";
  if (offsetOrSink(a) || offsetOrSink(b))
    return "step the heater between two or more powers and let the loop settle at each";
  if (has("C_hot") || has("C_cold"))
    return "step the heater and the pump, and hold each level for several minutes";
  return "add steps of the actuators the two parameters depend on";
}

/**
 * The name of the fit's variable j in a warning: a parameter's name, or a segment's initial-state
 * correction. The corrections follow the parameters as (T_hot, T_cold) per segment
 * (loopResponse.ts: `initialDeltasK[2 * segment]` is the hot node).
 */
export function fitVariableLabel(j: number, names: readonly string[]): string {
  if (j < names.length) return names[j] as string;
  const k = j - names.length;
  return `initial ${k % 2 === 0 ? "T_hot" : "T_cold"} of segment ${1 + Math.floor(k / 2)}`;
}

/**
 * Fits the loop model to `data` (see the module comment). Throws an InputFileError (naming the
 * data's source) when the run is too short to fit anything.
 */
export function calibrateLoop(data: CalibrationData, options: CalibrationOptions = {}): CalibrationResult {
  const base = validateLoopParams(options.base ?? DEFAULT_LOOP_PARAMS);
  const startOffsets: SensorOffsetsK = options.offsetsK ?? { hot: 0, cold: 0 };
  const useFlowOption = options.useFlow ?? true;
  const flowSettleS = options.flowSettleS ?? 4;
  const correlationLimit = options.correlationLimit ?? 0.9;
  const poorFitFactor = options.poorFitFactor ?? 2;
  const requested = new Set(options.fit ?? DEFAULT_FIT_PARAMS);
  const n = data.tS.length;
  if (n < 10)
    throw new InputFileError(data.source, `too few observations to calibrate (${n}; need at least 10)`);

  const fitInitial = (options.initialState ?? "fit") === "fit";
  let segments = 0;
  for (const s of data.segmentStart) segments += s;
  // Which observations each channel fits (with the initial state taken from the readings, the
  // first readings of a segment are the initial state, not data).
  const useHot = new Uint8Array(n);
  const useCold = new Uint8Array(n);
  const useFlow = new Uint8Array(n);
  let ic = 0;
  let lastPumpChangeS = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const t = data.tS[k] as number;
    while (ic + 1 < data.changeTS.length && (data.changeTS[ic + 1] as number) <= t) {
      ic++;
      if (data.pump[ic] !== data.pump[ic - 1]) lastPumpChangeS = data.changeTS[ic] as number;
    }
    if (data.segmentStart[k] === 1) lastPumpChangeS = t;
    const pinned = !fitInitial && data.segmentStart[k] === 1;
    useHot[k] = !pinned && Number.isFinite(data.tHotC[k] as number) ? 1 : 0;
    useCold[k] = !pinned && Number.isFinite(data.tColdC[k] as number) ? 1 : 0;
    useFlow[k] =
      useFlowOption && Number.isFinite(data.flowLpm[k] as number) && t - lastPumpChangeS >= flowSettleS
        ? 1
        : 0;
  }
  const countOf = (u: Uint8Array): number => u.reduce((s, x) => s + x, 0);
  const flowCount = countOf(useFlow);
  const haveFlow = flowCount >= 10;
  if (!haveFlow) useFlow.fill(0);

  const warnings: CalibrationWarning[] = [];
  const held: CalibrationParamName[] = [];
  const hold = (names: readonly CalibrationParamName[], message: string): void => {
    const present = names.filter((x) => requested.has(x));
    if (present.length === 0) return;
    for (const x of present) {
      requested.delete(x);
      held.push(x);
    }
    warnings.push({ kind: "not_excited", params: present, message });
  };

  // Structural excitation.
  const exc = analyseExcitation(data, flowSettleS);
  const running = runningPumpLevels(exc, base, haveFlow);
  const pumpShapeNames: CalibrationParamName[] = ["pump_stall_duty", "pump_min_frac", "pump_exponent"];
  if (running.length === 0)
    hold(
      ["m_dot_max", ...pumpShapeNames],
      "the pump never runs for 30 s or more in this run: the pump curve is not excited (held at its configured values)",
    );
  else if (running.length === 1)
    hold(
      pumpShapeNames,
      `the pump runs at one duty only (${running[0]}): the stall duty cannot be told from m_dot_max; step the pump between two or more running duties (held at the configured value)`,
    );
  const fanLevels = heldLevels(exc.fan).map((l) => l.duty);
  if (fanLevels.length <= 1)
    hold(
      ["UA_fan_off_frac"],
      `the fan never changes (duty ${formatDuties(fanLevels)}): UA_fan_off_frac is not excited (held at the configured value)`,
    );
  const heaterLevels = heldLevels(exc.heater).map((l) => l.duty);
  if (heaterLevels.every((d) => d === 0))
    hold(
      ["Q_heater_max"],
      "the heater is never on: Q_heater_max is not excited (held at the configured value)",
    );
  if (!haveFlow && requested.has("Q_heater_max"))
    hold(
      ["Q_heater_max"],
      "no flow readings: without m_dot from the flow meter, Q_heater_max only scales every conductance and capacity (held at the configured value)",
    );
  let ambSum = 0;
  let ambCount = 0;
  for (const a of data.ambInputC)
    if (Number.isFinite(a)) {
      ambSum += a;
      ambCount++;
    }
  if (ambCount > 0 && !requested.has("T_sink") && Math.abs(ambSum / ambCount - base.T_sink) > 1)
    warnings.push({
      kind: "sink_vs_ambient",
      params: ["T_sink"],
      message: `the ambient probe reads ${(ambSum / ambCount).toFixed(2)} C on average but T_sink is ${base.T_sink} C: the offsets absorb the difference; set T_sink to the radiator's air temperature (--set T_sink=...)`,
    });

  // Starting point.
  const stallBounds = { lower: CALIBRATION_PARAM_SPECS.pump_stall_duty.lower, upper: 254 };
  if (haveFlow) {
    // Duties at which the flow meter saw the pump stopped bound the stall from below.
    const threshold = stoppedFlowLpm(exc);
    const stopped = exc.pump.filter((l) => l.duty > 0 && l.flowCount > 0 && l.meanFlowLpm <= threshold);
    const maxStopped = Math.max(...stopped.map((l) => l.duty), Number.NEGATIVE_INFINITY);
    if (Number.isFinite(maxStopped)) stallBounds.lower = Math.min(254, maxStopped + 1e-3);
    if (running.length > 0) stallBounds.upper = Math.min(254, ...running);
  }
  const start: Record<string, number> = { ...base };
  if (running.length > 0 && haveFlow && (requested.has("m_dot_max") || requested.has("pump_stall_duty"))) {
    const s = pumpCurveStart(exc, running, base, requested.has("pump_stall_duty"), stallBounds);
    if (requested.has("m_dot_max")) start.m_dot_max = s.mDotMax;
    if (requested.has("pump_stall_duty")) start.pump_stall_duty = s.stall;
  }
  start.offset_hot_k = startOffsets.hot;
  start.offset_cold_k = startOffsets.cold;

  const response = new LoopResponse(data, base);
  const pred = createPredictedReadings(data);
  const sigma = { hot: 1, cold: 1, flow: 1 };
  const noise = {
    hot: noiseEstimate(data.tHotC, useHot),
    cold: noiseEstimate(data.tColdC, useCold),
    flow: haveFlow ? noiseEstimate(data.flowLpm, useFlow) : Number.NaN,
  };
  sigma.hot = Math.max(1e-3, Number.isFinite(noise.hot) ? noise.hot : 0.05);
  sigma.cold = Math.max(1e-3, Number.isFinite(noise.cold) ? noise.cold : 0.05);
  sigma.flow = Math.max(1e-3, Number.isFinite(noise.flow) ? noise.flow : 0.05);
  const nRes = haveFlow ? 3 * n : 2 * n;

  let names = CALIBRATION_PARAM_NAMES.filter((x) => requested.has(x));
  // Nuisance parameters after the named ones: the initial state of each segment (hot, cold) as a
  // deviation from its first readings plus the offsets.
  const nuisance = fitInitial ? 2 * segments : 0;
  const deltas = new Float64Array(Math.max(nuisance, 2 * segments));
  const paramsAt = (fitNames: readonly CalibrationParamName[], theta: ArrayLike<number>) => {
    const values: Record<string, number> = { ...start };
    for (let j = 0; j < fitNames.length; j++) {
      const name = fitNames[j] as CalibrationParamName;
      values[name] = fromFitScale(CALIBRATION_PARAM_SPECS[name], theta[j] as number);
    }
    const offsets = { hot: values.offset_hot_k as number, cold: values.offset_cold_k as number };
    delete values.offset_hot_k;
    delete values.offset_cold_k;
    return { params: values as unknown as LoopParams, offsets };
  };
  const predictAt = (fitNames: readonly CalibrationParamName[], theta: ArrayLike<number>) => {
    const { params, offsets } = paramsAt(fitNames, theta);
    for (let i = 0; i < nuisance; i++) deltas[i] = theta[fitNames.length + i] as number;
    response.predict(params, offsets, pred, deltas);
  };
  const residualsFor =
    (fitNames: readonly CalibrationParamName[]) =>
    (theta: Float64Array, out: Float64Array): void => {
      predictAt(fitNames, theta);
      const wh = 1 / sigma.hot;
      const wc = 1 / sigma.cold;
      const wf = 1 / sigma.flow;
      for (let k = 0; k < n; k++) {
        out[k] = useHot[k] === 1 ? ((pred.tHotC[k] as number) - (data.tHotC[k] as number)) * wh : 0;
        out[n + k] = useCold[k] === 1 ? ((pred.tColdC[k] as number) - (data.tColdC[k] as number)) * wc : 0;
        if (haveFlow)
          out[2 * n + k] =
            useFlow[k] === 1 ? ((pred.flowLpm[k] as number) - (data.flowLpm[k] as number)) * wf : 0;
      }
    };
  const thetaOf = (
    fitNames: readonly CalibrationParamName[],
    values: Record<string, number>,
    initial: ArrayLike<number>,
  ): number[] => [
    ...fitNames.map((x) => {
      const spec = CALIBRATION_PARAM_SPECS[x];
      const v = Math.min(spec.upper, Math.max(spec.lower, values[x] as number));
      return toFitScale(spec, v);
    }),
    ...Array.from({ length: nuisance }, (_v, i) => initial[i] ?? 0),
  ];
  const boundsOf = (fitNames: readonly CalibrationParamName[]) => ({
    lower: [
      ...fitNames.map((x) => {
        const spec = CALIBRATION_PARAM_SPECS[x];
        return toFitScale(spec, x === "pump_stall_duty" ? stallBounds.lower : spec.lower);
      }),
      ...Array.from({ length: nuisance }, () => -INITIAL_DELTA_BOUND_K),
    ],
    upper: [
      ...fitNames.map((x) => {
        const spec = CALIBRATION_PARAM_SPECS[x];
        return toFitScale(spec, x === "pump_stall_duty" ? stallBounds.upper : spec.upper);
      }),
      ...Array.from({ length: nuisance }, () => INITIAL_DELTA_BOUND_K),
    ],
  });
  const stepsOf = (fitNames: readonly CalibrationParamName[]) => [
    ...fitNames.map((x) => CALIBRATION_PARAM_SPECS[x].differenceStep),
    ...Array.from({ length: nuisance }, () => 1e-4),
  ];
  const solve = (
    fitNames: readonly CalibrationParamName[],
    from: Record<string, number>,
    initial: ArrayLike<number>,
    maxIterations: number,
  ): LmResult =>
    levenbergMarquardt(
      {
        residualCount: nRes,
        residuals: residualsFor(fitNames),
        theta0: thetaOf(fitNames, from, initial),
        ...boundsOf(fitNames),
      },
      { maxIterations, differenceSteps: stepsOf(fitNames) },
    );

  // A parameter whose column is zero at the start does nothing in this run: hold it.
  const probe = solve(names, start, [], 0);
  const norms = probe.jacobian.map((c) => Math.sqrt(c.reduce((acc, x) => acc + x * x, 0)));
  const maxNorm = Math.max(0, ...norms);
  const dead = names.filter((_x, j) => !((norms[j] as number) > 1e-9 * maxNorm));
  if (dead.length > 0)
    hold(dead, `${dead.join(", ")}: no effect on any reading in this run (held at the configured value)`);
  names = names.filter((x) => !dead.includes(x));

  // Pass 1 with noise weights, pass 2 with the channels' RMSE as weights.
  const maxIterations = options.maxIterations ?? 100;
  let lm = solve(names, start, [], maxIterations);
  let iterations = lm.iterations;
  let evaluations = probe.evaluations + lm.evaluations;
  const rmseOf = (fitNames: readonly CalibrationParamName[], theta: Float64Array) => {
    predictAt(fitNames, theta);
    const rms = (p: Float64Array, m: Float64Array, u: Uint8Array): number => {
      let acc = 0;
      let c = 0;
      for (let k = 0; k < n; k++)
        if (u[k] === 1) {
          acc += ((p[k] as number) - (m[k] as number)) ** 2;
          c++;
        }
      return c > 0 ? Math.sqrt(acc / c) : Number.NaN;
    };
    return {
      hot: rms(pred.tHotC, data.tHotC, useHot),
      cold: rms(pred.tColdC, data.tColdC, useCold),
      flow: haveFlow ? rms(pred.flowLpm, data.flowLpm, useFlow) : Number.NaN,
    };
  };
  if (lm.theta.length > 0) {
    const r1 = rmseOf(names, lm.theta);
    if (Number.isFinite(r1.hot)) sigma.hot = Math.max(1e-4, r1.hot);
    if (Number.isFinite(r1.cold)) sigma.cold = Math.max(1e-4, r1.cold);
    if (Number.isFinite(r1.flow)) sigma.flow = Math.max(1e-4, r1.flow);
    const { params, offsets } = paramsAt(names, lm.theta);
    lm = solve(
      names,
      { ...params, offset_hot_k: offsets.hot, offset_cold_k: offsets.cold },
      lm.theta.subarray(names.length),
      maxIterations,
    );
    iterations += lm.iterations;
    evaluations += lm.evaluations;
  }

  const usedCount = countOf(useHot) + countOf(useCold) + (haveFlow ? flowCount : 0);
  const cov = parameterCovariance(lm.jtj, 2 * lm.cost, usedCount);
  const { params: fittedValues, offsets } = paramsAt(names, lm.theta);
  const finalParams = validateLoopParams(fittedValues);
  const bounds = boundsOf(names);
  const fitted: FittedParameter[] = names.map((name, j) => {
    const spec = CALIBRATION_PARAM_SPECS[name];
    const theta = lm.theta[j] as number;
    const value = fromFitScale(spec, theta);
    const sd = cov.std[j] as number;
    const std = spec.scale === "log" ? value * sd : sd;
    const atBound = onSearchBound(theta, bounds.lower[j] as number, bounds.upper[j] as number);
    return {
      name,
      unit: spec.unit,
      value,
      std,
      // A temperature or offset has no natural zero: its relative uncertainty means nothing.
      relStd: value !== 0 && spec.unit !== "K" && spec.unit !== "C" ? std / Math.abs(value) : Number.NaN,
      initial: start[name] as number,
      atBound,
    };
  });

  // Identifiability and fit-quality warnings.
  if (!lm.converged)
    warnings.push({
      kind: "not_converged",
      params: [...names],
      message: `the fit stopped without converging (${lm.reason} after ${lm.iterations} iterations): the estimates may be off`,
    });
  for (const w of cov.weakDirections) {
    const members = w.map((j) => fitVariableLabel(j, names));
    warnings.push({
      kind: "near_singular",
      params: members,
      message: `J^T J is near-singular: this run cannot tell ${members.join(", ")} apart (condition ratio ${cov.conditionRatio.toExponential(1)}); ${pairHint(members[0] ?? "", members[1] ?? "", names)}`,
    });
  }
  for (const f of fitted) {
    const limit = CALIBRATION_PARAM_SPECS[f.name].uncertaintyLimit;
    if (overUncertaintyLimit(limit, f.std, f.relStd)) {
      const j = names.indexOf(f.name);
      // The parameter it trades off against most says what the run lacks.
      let partner = -1;
      let best = 0;
      for (let b = 0; b < names.length; b++) {
        const rho = Math.abs(cov.correlation.get(j, b));
        if (b !== j && rho > best) {
          best = rho;
          partner = b;
        }
      }
      const pn = partner >= 0 ? (names[partner] as string) : "";
      const paired = partner >= 0 && best >= correlationLimit;
      const why = paired
        ? `; it trades off against ${pn} (correlation ${cov.correlation.get(j, partner).toFixed(3)}): ${pairHint(f.name, pn, names)}`
        : `; ${pairHint(f.name, pn, names)}`;
      warnings.push({
        kind: "uncertain",
        params: paired ? [f.name, pn] : [f.name],
        message:
          (limit.kind === "relative"
            ? `${f.name} is poorly identified: +-${Number.isFinite(f.relStd) ? (100 * f.relStd).toFixed(1) : "inf"} % (limit ${100 * limit.value} %)`
            : `${f.name} is poorly identified: +-${f.std.toPrecision(3)} ${f.unit} (limit ${limit.value} ${f.unit})`) +
          why,
      });
    }
    if (f.atBound)
      warnings.push({
        kind: "at_bound",
        params: [f.name],
        message: `${f.name} = ${f.value.toPrecision(4)} ${f.unit} sits on a bound of the search: the run pushes it out of the physical range (a fault, or a parameter that should be held)`,
      });
  }
  const rmse = rmseOf(names, lm.theta);
  const channels: ChannelFit[] = [
    {
      channel: "t_hot",
      unit: "K",
      rmse: rmse.hot,
      noise: noise.hot,
      count: countOf(useHot),
      used: true,
    },
    {
      channel: "t_cold",
      unit: "K",
      rmse: rmse.cold,
      noise: noise.cold,
      count: countOf(useCold),
      used: true,
    },
    {
      channel: "flow",
      unit: "L/min",
      rmse: rmse.flow,
      noise: noise.flow,
      count: haveFlow ? flowCount : 0,
      used: haveFlow,
    },
  ];
  for (const c of channels) {
    if (!c.used) continue;
    // Floors: a quantised reading (whole pulses, whole counts) can show no second differences.
    const noiseFloor = Math.max(Number.isFinite(c.noise) ? c.noise : 0, c.channel === "flow" ? 0.05 : 0.01);
    if (c.rmse > poorFitFactor * noiseFloor)
      warnings.push({
        kind: "poor_fit",
        params: [],
        message: `${c.channel} RMSE ${c.rmse.toPrecision(3)} ${c.unit} is ${(c.rmse / noiseFloor).toFixed(1)}x its noise (${noiseFloor.toPrecision(2)} ${c.unit}): the model misses something in this run (a fault, an unmodelled actuator or sensor, a wrong held parameter)`,
      });
  }
  return {
    params: finalParams,
    offsetsK: offsets,
    fitted,
    held,
    channels,
    correlation: names.map((_a, i) => names.map((_b, j) => cov.correlation.get(i, j))),
    warnings,
    excitation: exc,
    observations: n,
    durationS: (data.tS[n - 1] as number) - (data.tS[0] as number),
    segments,
    iterations,
    evaluations,
    converged: lm.converged,
    stopReason: lm.reason,
  };
}
