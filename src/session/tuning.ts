/**
 * The `t` form: twin parameters, detector thresholds and alarm levels changed live. The operator
 * types `NAME=VALUE` pairs (e.g. `UA=12 detectors.flowBandLpm=0.4 alarm.raiseLevel=1.5`); every
 * value is validated by the model's, the alarm manager's and (when it is built) the monitor's own
 * checks, so a bad entry gets the same message (naming the field and the value) as on the command
 * line, and nothing is applied unless everything is valid.
 */
import { ConfigError } from "../core/errors.js";
import {
  type AlarmManagerOptions,
  type ResolvedAlarmManagerOptions,
  resolveAlarmManagerOptions,
} from "../detect/alarms/alarmManager.js";
import { resolveMonitorConfig } from "../detect/monitor/monitorConfig.js";
import {
  DEFAULT_LOOP_PARAMS,
  LOOP_PARAM_NAMES,
  type LoopParams,
  validateLoopParams,
} from "../model/loopParams.js";

/** What the monitor is built from: the twin's parameters, the detector bands and the alarm levels. */
export interface MonitorTuning {
  readonly params: LoopParams;
  readonly alarm: ResolvedAlarmManagerOptions;
  /**
   * Detector thresholds changed from the monitor's defaults (`MonitorConfig.detectors`, names
   * without the `detectors.` prefix); the monitor validates them when it is built.
   */
  readonly detectors: Readonly<Record<string, number>>;
}

/** Alarm options the form accepts (numbers only; `latch` stays as configured). */
export const ALARM_TUNING_NAMES = [
  "alarm.raiseLevel",
  "alarm.clearLevel",
  "alarm.criticalLevel",
  "alarm.raiseDelayS",
  "alarm.clearDelayS",
  "alarm.minHoldS",
] as const;

/** Detector thresholds the form accepts (bands of the residual families, the pump evidence). */
export const DETECTOR_TUNING_NAMES = [
  "detectors.temperatureBandK",
  "detectors.commonModeBandK",
  "detectors.flowBandLpm",
  "detectors.deltaTBandK",
  "detectors.pumpEvidenceNats",
] as const;

/**
 * The monitor's defaults as a tuning: the default rig, its default alarm levels, and the default
 * values of the detector thresholds the form offers (so the form shows them).
 */
export function defaultTuning(params: LoopParams = DEFAULT_LOOP_PARAMS): MonitorTuning {
  const resolved = resolveMonitorConfig({ params });
  const detectors: Record<string, number> = {};
  for (const name of DETECTOR_TUNING_NAMES) {
    const key = name.slice("detectors.".length) as keyof typeof resolved.detectors;
    const v = resolved.detectors[key];
    if (typeof v === "number") detectors[key] = v;
  }
  return { params: resolved.params, alarm: resolved.alarm, detectors };
}

/** Every name the form accepts. */
export const TUNING_NAMES: readonly string[] = [
  ...LOOP_PARAM_NAMES,
  ...DETECTOR_TUNING_NAMES,
  ...ALARM_TUNING_NAMES,
];

/**
 * Applies `text` (`NAME=VALUE` pairs separated by spaces or commas) to `current`. Throws a
 * {@link ConfigError} naming the field and value on an unknown name, a malformed pair, a
 * non-number or a value the model or the alarm manager refuses.
 */
export function applyTuningText(current: MonitorTuning, text: string): MonitorTuning {
  const pairs = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (pairs.length === 0) throw new ConfigError("tuning", text, "expected NAME=VALUE pairs, e.g. UA=12");
  const params: Record<string, number> = { ...current.params };
  const alarm: Record<string, unknown> = { ...current.alarm };
  const detectors: Record<string, number> = { ...current.detectors };
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError("tuning", pair, "expected NAME=VALUE");
    const name = pair.slice(0, eq);
    const valueText = pair.slice(eq + 1);
    if (!TUNING_NAMES.includes(name))
      throw new ConfigError(name, valueText, `unknown name (one of ${TUNING_NAMES.join(", ")})`);
    const value = valueText.trim() === "" ? Number.NaN : Number(valueText);
    if (!Number.isFinite(value)) throw new ConfigError(name, valueText, "must be a finite number");
    if (name.startsWith("alarm.")) alarm[name.slice("alarm.".length)] = value;
    else if (name.startsWith("detectors.")) {
      if (!(value > 0)) throw new ConfigError(name, valueText, "must be > 0");
      detectors[name.slice("detectors.".length)] = value;
    } else params[name] = value;
  }
  return {
    params: validateLoopParams(params),
    alarm: resolveAlarmManagerOptions(alarm as AlarmManagerOptions),
    detectors,
  };
}

/** The current values as the form shows them, `NAME=VALUE` per entry. */
export function describeTuning(t: MonitorTuning): string[] {
  const out: string[] = [];
  for (const n of LOOP_PARAM_NAMES) out.push(`${n}=${t.params[n]}`);
  for (const [k, v] of Object.entries(t.detectors)) out.push(`detectors.${k}=${v}`);
  for (const n of ALARM_TUNING_NAMES) {
    const key = n.slice("alarm.".length) as keyof ResolvedAlarmManagerOptions;
    out.push(`${n}=${String(t.alarm[key])}`);
  }
  return out;
}
