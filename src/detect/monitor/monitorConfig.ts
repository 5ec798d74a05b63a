/**
 * Configuration of the monitoring pipeline (monitor.ts): the rig (loop parameters, sensor
 * calibration), the detectors and the alarm options, with defaults tuned for the default rig and
 * the default sensor noise. Every value is validated once, at construction; an error names the
 * field (`detectors.flowBandLpm`) and the value.
 *
 * How the defaults were chosen (the reasoning; the measured figures are in scripts/evalResidual.ts):
 *
 * - Bands. The residual families are compared with tolerance bands, not with the sensor noise
 *   alone: thermistor noise is 0.05 K rms, so a 5σ test would sit at 0.25 K on one sample and at
 *   ~0.05 K on a smoothed residual, but a real twin is never that close to its rig (parameters,
 *   unmodelled losses, ambient drift), and alarms that need the model to be right to a few
 *   hundredths of a kelvin would be alarms about the model. 0.3 K on a thermistor and 0.3 L/min
 *   on the flow (8 % of the default 3.85 L/min; the meter resolves 1 pulse / (7.5 Hz/(L/min) x
 *   2 s) = 0.067 L/min) are about 6σ of one raw sample and 30σ of the smoothed residual the
 *   default detector watches, so on the default rig the false-alarm rate is set by the bands,
 *   not by chance: no false alarm in 864,000 samples is then a property, not luck.
 * - Default primary detector: an EWMA (λ = 0.1, a ~1 s memory at 10 Hz) of each family's residual
 *   in band units (for a temperature family, sample by sample the smaller of the two twins'), with its limit exactly at the band (L σ_z = 1). Against white noise of σ_u band
 *   units, σ_z = σ_u sqrt(λ/(2-λ)) = 0.23 σ_u; with σ_u ~ 0.15 the limit is ~30 σ_z, an ARL0 far
 *   beyond any run. A fault of size δ bands reaches the limit after ln(1 - 1/δ)/ln(1 - λ)
 *   samples: 0.3 s for a 1.5 K bias (δ = 5), 1 s for δ = 2, never for δ < 1.
 * - Erratic readings: a windowed chi-square (20 samples) on the first differences of each
 *   thermistor residual whitened by √2 σ, σ² = the sensor noise² plus the ADC's quantisation
 *   q²/12 (q = kelvinPerCount(T): 0.02 K at 25 C, 0.08 K at 80 C). Physical faults move the
 *   loop smoothly (at most Q_max/C_hot = 0.06 K/s on the default rig, 0.006 K per sample against
 *   a 0.07 K noise), so only the sensor itself (noise, a jump) moves this statistic. First
 *   differences of white noise are correlated (ρ = -0.5 at lag 1), so the windowed sum is not
 *   χ²(20) but close to 1.475 χ²(13.6) (Satterthwaite's moment match; its variance is 59, not
 *   40): the limit is set at χ²(20)'s 1e-20 quantile (143.7), where the matched law gives about
 *   1e-14 per sample. A 1.5 K jump gives one term of ~450, a 0.5 K rms noise fault ~100 per term.
 * - Measured on 6 simulated days with setpoint steps (scripts/evalResidual.ts --days 6): no
 *   alarm, largest score 0.65 (the erratic test's tail; every other family stays below 0.15).
 * - HX fouling: the common-mode band of 0.3 K is reached on the HIL scenario's ramp (UA to 50 %
 *   over 600 s) near UA = 0.85, after the 10 % the scenario tolerates and about 2 minutes before
 *   UA = 75 % (the loop's 530 s time constant makes the residual lag the UA ramp).
 * - Stuck reading: 5 s unchanged (flatlineDetector.ts: ~1e-40 by chance with the default noise).
 * - Out of range (open/short, a NaN temperature): 3 of the last 5 samples, so a single dropout is
 *   not an alarm but a broken wire is, within 0.3 s.
 * - Pump versus flow meter: a log-likelihood ratio between the twin driven by the intended flow
 *   and a twin driven by the measured flow (whichever explains the temperatures is right about
 *   the flow); 10 nats (odds of 22,000:1) decide it. With a failed pump on the default rig the
 *   two twins part at 0.11 K/s, which gives 10 nats about 1.4 s after the onset. Increments
 *   count only while the twins' T_hot - T_cold differ by `deltaTBandK` (below it they are model
 *   error); until the ratio decides, a flow alarm is `flow_undecided` (flowDecisionTime.ts gives
 *   the expected wait: 1.4 s for a stopped pump, 2.3 s for half the flow, 3.5 s for 70 %).
 */
import { ConfigError } from "../../core/errors.js";
import { DEFAULT_FLOW_METER, validateFlowMeterConfig } from "../../model/flowMeter.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, makeLoopParams } from "../../model/loopParams.js";
import type { SensorCalibration } from "../../model/telemetryConverter.js";
import {
  DEFAULT_THERMISTOR,
  type ThermistorConfig,
  validateThermistorConfig,
} from "../../model/thermistor.js";
import { DEFAULT_SENSOR_NOISE_K_RMS } from "../../model/thermistorSensor.js";
import {
  type AlarmManagerOptions,
  type ResolvedAlarmManagerOptions,
  resolveAlarmManagerOptions,
} from "../alarms/alarmManager.js";
import { type ChiSquareOptions, resolveChiSquareOptions } from "../detectors/chiSquare.js";
import { type DetectorConfig, parseDetectorConfig } from "../detectors/detector.js";
import {
  checkBoolean,
  checkInteger,
  checkInterval,
  checkNonNegative,
  checkPositive,
  checkPositiveOrInfinity,
} from "../detectors/optionChecks.js";
import type { LoopObserverOptions } from "../twins/observer.js";
import type { ParameterTrackerOptions } from "../twins/parameterTracker.js";

/** λ of the default EWMA. */
const DEFAULT_LAMBDA = 0.1;

/**
 * The default primary detector: an EWMA of the band-normalised residual whose limit is the band
 * (L = sqrt((2 - λ)/λ) with σ = 1 makes L σ sqrt(λ/(2 - λ)) = 1).
 */
export const DEFAULT_PRIMARY_DETECTOR: DetectorConfig = {
  kind: "ewma",
  lambda: DEFAULT_LAMBDA,
  L: Math.sqrt((2 - DEFAULT_LAMBDA) / DEFAULT_LAMBDA),
  sigma: 1,
};

export interface MonitorDetectorOptions {
  /**
   * The detector run on every residual family, fed the family's residual in units of its band
   * (1 = at the band; see monitor.ts for the families). Any kind of detector.ts.
   * @default DEFAULT_PRIMARY_DETECTOR (EWMA λ 0.1 with its limit at the band)
   */
  readonly primary?: DetectorConfig;
  /** Band of one thermistor's residual (a sensor leaving the twin alone) [K]. @default 0.3 */
  readonly temperatureBandK?: number;
  /** Band of the part of the residual both thermistors share (the loop leaving the twin) [K]. @default 0.3 */
  readonly commonModeBandK?: number;
  /** Band of the flow residual [L/min]. @default 0.3 */
  readonly flowBandLpm?: number;
  /** Band of the T_hot - T_cold residual for isolation only [K]. @default 0.05 */
  readonly deltaTBandK?: number;
  /** Heat-input residual that makes a loop alarm a heater fault [W]. @default 5 % of Q_heater_max */
  readonly heatBandW?: number;
  /** Time constant of each of the two filters of the heat-input residual [s]. @default 10 */
  readonly heatFilterS?: number;
  /** Erratic-reading test on each thermistor; `false` disables it. @default { window: 20, alpha: 1e-20 } */
  readonly erratic?: ChiSquareOptions | false;
  /** Seconds a thermistor reading may stay exactly unchanged; Infinity disables. @default 5 */
  readonly flatlineS?: number;
  /** Out-of-range readings (NaN) needed among the last `outOfRangeN` samples. @default 3 */
  readonly outOfRangeK?: number;
  /** @default 5 */
  readonly outOfRangeN?: number;
  /** Pump-versus-meter evidence needed to decide [nats]. @default 10 */
  readonly pumpEvidenceNats?: number;
  /** Measured / expected flow below which the pump counts as stopped. @default 0.1 */
  readonly stoppedRatio?: number;
  /** Seconds at the start over which the twin is aligned with the measurements (no detection). @default 2 */
  readonly alignS?: number;
  /** A gap longer than this [s] makes the twins start again from the measurements. @default 60 */
  readonly realignAfterGapS?: number;
  /** Common-mode residual [K] at which a loop alarm is critical by its size alone. @default 10 */
  readonly criticalCommonModeK?: number;
  /** Seconds between refreshes of an open alarm's diagnosis and evidence. @default 0.5 */
  readonly diagnosisRefreshS?: number;
}

export interface ResolvedMonitorDetectorOptions {
  readonly primary: DetectorConfig;
  readonly temperatureBandK: number;
  readonly commonModeBandK: number;
  readonly flowBandLpm: number;
  readonly deltaTBandK: number;
  readonly heatBandW: number;
  readonly heatFilterS: number;
  readonly erratic: ChiSquareOptions | false;
  readonly flatlineS: number;
  readonly outOfRangeK: number;
  readonly outOfRangeN: number;
  readonly pumpEvidenceNats: number;
  readonly stoppedRatio: number;
  readonly alignS: number;
  readonly realignAfterGapS: number;
  readonly criticalCommonModeK: number;
  readonly diagnosisRefreshS: number;
}

export interface MonitorConfig {
  /**
   * The twin's loop parameters: a full LoopParams or overrides of the defaults (a rig config).
   * @default DEFAULT_LOOP_PARAMS
   */
  readonly params?: LoopParams | Readonly<Record<string, number>>;
  /** Sensor calibration of the rig (the flow meter's K and the host's flow window are used). */
  readonly calibration?: SensorCalibration;
  /** Whether the rig has an ambient probe (without one, `tAmbC` is ignored). @default true */
  readonly hasAmbientProbe?: boolean;
  /** Nominal telemetry rate [Hz]: a sample spacing over 2.5 periods counts as a gap. @default 10 */
  readonly rateHz?: number;
  /** Accepted for the HIL runner's factory context; the monitor draws no random numbers. */
  readonly seed?: number;
  /** Thermistor noise of one reading [K rms] (the observer, tracker and erratic test use it). @default 0.05 */
  readonly sensorNoiseK?: number;
  readonly detectors?: MonitorDetectorOptions;
  /** Alarm lifecycle (alarmManager.ts). @default the AlarmManager defaults */
  readonly alarm?: AlarmManagerOptions;
  /** Kalman observer options (sensorNoiseK defaults to the monitor's). */
  readonly observer?: LoopObserverOptions;
  /** Parameter tracker options (sensorNoiseK defaults to the monitor's). */
  readonly tracker?: ParameterTrackerOptions;
  /** Window of the twin's fit (RMSE) in the loop figures [s]. @default 60 */
  readonly fitWindowS?: number;
  /**
   * Rate at which the loop figures (loopPerformance.ts) take samples [Hz]; they smooth over
   * 10 s and classify stability on 5 s blocks, so a few hertz carry all they use. @default 5
   */
  readonly performanceRateHz?: number;
}

export interface ResolvedMonitorConfig {
  readonly params: LoopParams;
  readonly kHzPerLpm: number;
  readonly flowWindowS: number;
  readonly thermistorHot: ThermistorConfig;
  readonly thermistorCold: ThermistorConfig;
  /** The ambient probe's part (its erratic test's quantisation). */
  readonly thermistorAmb: ThermistorConfig;
  readonly hasAmbientProbe: boolean;
  readonly rateHz: number;
  readonly sensorNoiseK: number;
  readonly detectors: ResolvedMonitorDetectorOptions;
  readonly alarm: ResolvedAlarmManagerOptions;
  readonly observer: LoopObserverOptions;
  readonly tracker: ParameterTrackerOptions;
  readonly fitWindowS: number;
  readonly performanceRateHz: number;
}

const CONFIG_KEYS = [
  "params",
  "calibration",
  "hasAmbientProbe",
  "rateHz",
  "seed",
  "sensorNoiseK",
  "detectors",
  "alarm",
  "observer",
  "tracker",
  "fitWindowS",
  "performanceRateHz",
] as const;

/** Keys of `detectors` in a monitor config. */
export const DETECTOR_KEYS = [
  "primary",
  "temperatureBandK",
  "commonModeBandK",
  "flowBandLpm",
  "deltaTBandK",
  "heatBandW",
  "heatFilterS",
  "erratic",
  "flatlineS",
  "outOfRangeK",
  "outOfRangeN",
  "pumpEvidenceNats",
  "stoppedRatio",
  "alignS",
  "realignAfterGapS",
  "criticalCommonModeK",
  "diagnosisRefreshS",
] as const;

function checkKeys(obj: object, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj))
    if (!allowed.includes(k))
      throw new ConfigError(
        `${prefix}${k}`,
        (obj as Record<string, unknown>)[k],
        `unknown option (known: ${allowed.join(", ")})`,
      );
}

function resolveDetectors(d: MonitorDetectorOptions, params: LoopParams): ResolvedMonitorDetectorOptions {
  checkKeys(d, DETECTOR_KEYS, "detectors.");
  const primary =
    d.primary === undefined ? DEFAULT_PRIMARY_DETECTOR : parseDetectorConfig(d.primary, "detectors.primary");
  // The monitor feeds the primary one residual per sample (update(x)).
  if (primary.kind === "chi_square" && (primary.dimension ?? 1) !== 1)
    throw new ConfigError(
      "detectors.primary.chi_square.dimension",
      primary.dimension,
      "must be 1 (one residual per sample)",
    );
  let erratic: ChiSquareOptions | false = { window: 20, alpha: 1e-20 };
  if (d.erratic === false) erratic = false;
  else if (d.erratic !== undefined) {
    try {
      erratic = { ...resolveChiSquareOptions(d.erratic), dimension: 1 };
    } catch (e) {
      if (e instanceof ConfigError)
        throw new ConfigError(
          `detectors.erratic.${e.field.replace(/^chi_square\./, "")}`,
          e.value,
          "is invalid",
          {
            cause: e,
          },
        );
      throw e;
    }
  }
  const outOfRangeN = checkInteger("detectors.outOfRangeN", d.outOfRangeN ?? 5, 1, 1000);
  return {
    primary,
    temperatureBandK: checkPositive("detectors.temperatureBandK", d.temperatureBandK ?? 0.3),
    commonModeBandK: checkPositive("detectors.commonModeBandK", d.commonModeBandK ?? 0.3),
    flowBandLpm: checkPositive("detectors.flowBandLpm", d.flowBandLpm ?? 0.3),
    deltaTBandK: checkPositive("detectors.deltaTBandK", d.deltaTBandK ?? 0.05),
    heatBandW: checkPositive("detectors.heatBandW", d.heatBandW ?? Math.max(0.05 * params.Q_heater_max, 0.5)),
    heatFilterS: checkPositive("detectors.heatFilterS", d.heatFilterS ?? 10),
    erratic,
    flatlineS: checkPositiveOrInfinity("detectors.flatlineS", d.flatlineS ?? 5),
    outOfRangeK: checkInteger("detectors.outOfRangeK", d.outOfRangeK ?? 3, 1, outOfRangeN),
    outOfRangeN,
    pumpEvidenceNats: checkPositive("detectors.pumpEvidenceNats", d.pumpEvidenceNats ?? 10),
    stoppedRatio: checkInterval("detectors.stoppedRatio", d.stoppedRatio ?? 0.1, 0, 1, {
      lo: true,
      hi: true,
    }),
    alignS: checkNonNegative("detectors.alignS", d.alignS ?? 2),
    realignAfterGapS: checkPositiveOrInfinity("detectors.realignAfterGapS", d.realignAfterGapS ?? 60),
    criticalCommonModeK: checkPositiveOrInfinity(
      "detectors.criticalCommonModeK",
      d.criticalCommonModeK ?? 10,
    ),
    diagnosisRefreshS: checkPositive("detectors.diagnosisRefreshS", d.diagnosisRefreshS ?? 0.5),
  };
}

/** Applies defaults and validates; errors name the field and the value. */
export function resolveMonitorConfig(config: MonitorConfig = {}): ResolvedMonitorConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new ConfigError("monitor", config, "must be an object");
  checkKeys(config, CONFIG_KEYS, "");
  const params = config.params === undefined ? DEFAULT_LOOP_PARAMS : makeLoopParams(config.params, "params.");
  const cal = config.calibration;
  const flowMeter = cal?.flowMeter ?? DEFAULT_FLOW_METER;
  validateFlowMeterConfig(flowMeter, "calibration.flowMeter");
  const flowWindowS = checkPositive("calibration.flowWindowS", cal?.flowWindowS ?? 2);
  const sensorNoiseK = checkPositive("sensorNoiseK", config.sensorNoiseK ?? DEFAULT_SENSOR_NOISE_K_RMS);
  const detectors = resolveDetectors(config.detectors ?? {}, params);
  return {
    params,
    kHzPerLpm: flowMeter.kHzPerLpm,
    thermistorHot: validateThermistorConfig(cal?.hot ?? DEFAULT_THERMISTOR, "calibration.hot"),
    thermistorCold: validateThermistorConfig(cal?.cold ?? DEFAULT_THERMISTOR, "calibration.cold"),
    thermistorAmb: validateThermistorConfig(cal?.amb ?? DEFAULT_THERMISTOR, "calibration.amb"),
    flowWindowS,
    hasAmbientProbe: checkBoolean("hasAmbientProbe", config.hasAmbientProbe ?? true),
    rateHz: checkInterval("rateHz", config.rateHz ?? 10, 0, 1000, { lo: true }),
    sensorNoiseK,
    detectors,
    alarm: resolveAlarmManagerOptions(config.alarm ?? {}),
    observer: { sensorNoiseK, ...config.observer },
    tracker: { sensorNoiseK, ...config.tracker },
    fitWindowS: checkPositive("fitWindowS", config.fitWindowS ?? 60),
    performanceRateHz: checkInterval("performanceRateHz", config.performanceRateHz ?? 5, 0, 1000, {
      lo: true,
    }),
  };
}
