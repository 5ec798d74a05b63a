/**
 * Alarm lifecycle: raise, escalate, acknowledge, clear, with hysteresis and hold times so a noisy
 * residual near its threshold does not chatter. The states follow ISA-18.2 / IEC 62682 (normal,
 * unacknowledged, acknowledged, returned-to-normal unacknowledged); the anti-chatter measures are
 * the standard ones (EEMUA 191, section 8): a deadband (clear below a lower level than the raise
 * level), an off-delay (the level must stay below the clear level for `clearDelayS`), an optional
 * on-delay (`raiseDelayS`) and a minimum time an alarm stays up (`minHoldS`).
 *
 * One open alarm per cause: a cause is any string the caller chooses (a residual channel such as
 * `t_hot`, a detector such as `t_hot.cusum`, or a diagnosis such as `pump_degradation`). The level
 * is a normalised score: 1 is "at the detector's limit" (see `ResidualDetector.score`).
 *
 * Time is passed in (rig seconds); nothing here reads a clock. Every transition returns an
 * {@link AlarmEvent}, plain JSON-serialisable data for the dashboard, the recording and the HIL
 * runner. `update` allocates only when it returns an event.
 *
 * Lifecycle of one cause:
 * - normal -> raised when the level is >= `raiseLevel` for `raiseDelayS` (severity `critical`
 *   when the level is >= `criticalLevel` or the diagnosis asks for it, else `warning`);
 * - warning -> escalated to critical on the same conditions (an escalation needs a new
 *   acknowledgement; severity never decreases while the alarm is open);
 * - the condition returns to normal when the level stays below `clearLevel` for `clearDelayS`,
 *   and not before `minHoldS` after the raise; it becomes active again at `raiseLevel`;
 * - cleared when the condition is normal and either the alarm is acknowledged or its severity
 *   does not latch (`latch`: `none`, `critical` (default: critical alarms wait for an operator),
 *   `all`).
 */
import { ConfigError } from "../../core/errors.js";
import { checkFinite, checkNonNegative, checkOneOf } from "../detectors/optionChecks.js";

export const ALARM_SEVERITIES = ["warning", "critical"] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export const ALARM_LATCH_MODES = ["none", "critical", "all"] as const;
export type AlarmLatchMode = (typeof ALARM_LATCH_MODES)[number];

export const ALARM_EVENT_TYPES = ["raised", "escalated", "acknowledged", "cleared"] as const;
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[number];

/** What the caller knows about the cause at this sample (from fault isolation). */
export interface AlarmDiagnosis {
  /** One-line diagnosis, e.g. `pump degradation`. */
  readonly text: string;
  /** Evidence, e.g. `["flow -45 % vs pump curve", "T_hot - T_cold +2.1 K"]`. */
  readonly evidence: readonly string[];
  /** The least severity this diagnosis warrants (pump failure: critical). */
  readonly severity?: AlarmSeverity;
}

export interface AlarmManagerOptions {
  /** Level at or above which an alarm is raised. @default 1 */
  readonly raiseLevel?: number;
  /** Level below which the condition may return to normal (deadband), < raiseLevel. @default 0.8 */
  readonly clearLevel?: number;
  /** Level at or above which the alarm is critical, >= raiseLevel. @default 2 */
  readonly criticalLevel?: number;
  /** Seconds the level must stay at or above raiseLevel before raising (on-delay). @default 0 */
  readonly raiseDelayS?: number;
  /** Seconds the level must stay below clearLevel before the condition returns (off-delay). @default 2 */
  readonly clearDelayS?: number;
  /** Seconds an alarm stays up at least, from its raise. @default 5 */
  readonly minHoldS?: number;
  /** Which severities stay open until acknowledged. @default "critical" */
  readonly latch?: AlarmLatchMode;
}

export interface ResolvedAlarmManagerOptions {
  readonly raiseLevel: number;
  readonly clearLevel: number;
  readonly criticalLevel: number;
  readonly raiseDelayS: number;
  readonly clearDelayS: number;
  readonly minHoldS: number;
  readonly latch: AlarmLatchMode;
}

/** Applies defaults and validates; errors name the option (`alarm.clearLevel`) and the value. */
export function resolveAlarmManagerOptions(options: AlarmManagerOptions = {}): ResolvedAlarmManagerOptions {
  const raiseLevel = checkFinite("alarm.raiseLevel", options.raiseLevel ?? 1);
  const clearLevel = checkFinite("alarm.clearLevel", options.clearLevel ?? 0.8 * raiseLevel);
  if (!(clearLevel < raiseLevel))
    throw new ConfigError("alarm.clearLevel", clearLevel, `must be < alarm.raiseLevel (${raiseLevel})`);
  const criticalLevel = checkFinite("alarm.criticalLevel", options.criticalLevel ?? 2 * raiseLevel);
  if (!(criticalLevel >= raiseLevel))
    throw new ConfigError(
      "alarm.criticalLevel",
      criticalLevel,
      `must be >= alarm.raiseLevel (${raiseLevel})`,
    );
  return {
    raiseLevel,
    clearLevel,
    criticalLevel,
    raiseDelayS: checkNonNegative("alarm.raiseDelayS", options.raiseDelayS ?? 0),
    clearDelayS: checkNonNegative("alarm.clearDelayS", options.clearDelayS ?? 2),
    minHoldS: checkNonNegative("alarm.minHoldS", options.minHoldS ?? 5),
    latch: checkOneOf("alarm.latch", options.latch ?? "critical", ALARM_LATCH_MODES),
  };
}

interface AlarmEventBase {
  /** Identifies one alarm (one raise to its clear), increasing from 1 per manager. */
  readonly alarmId: number;
  /** Rig time of the transition [s]. */
  readonly tS: number;
  readonly cause: string;
  /** Severity after the transition. */
  readonly severity: AlarmSeverity;
  /** The level at the transition (the latest one for an acknowledgement). */
  readonly level: number;
  /** Diagnosis text at the transition (empty when none was given). */
  readonly diagnosis: string;
  readonly evidence: readonly string[];
}

/** One alarm transition. */
export type AlarmEvent =
  | (AlarmEventBase & { readonly type: "raised" })
  | (AlarmEventBase & { readonly type: "escalated"; readonly from: AlarmSeverity })
  | (AlarmEventBase & { readonly type: "acknowledged"; readonly by: string })
  /** The open alarm's diagnosis changed (no other transition at that update); `from` the old text. */
  | (AlarmEventBase & { readonly type: "rediagnosed"; readonly from: string })
  | (AlarmEventBase & {
      readonly type: "cleared";
      readonly raisedAtS: number;
      readonly durationS: number;
      /** Highest level seen while open. */
      readonly peakLevel: number;
      readonly acknowledged: boolean;
    });

/** A snapshot of one open alarm (for the dashboard). */
export interface AlarmState {
  readonly alarmId: number;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly raisedAtS: number;
  readonly acknowledged: boolean;
  /** Rig time of the acknowledgement, NaN when not acknowledged. */
  readonly acknowledgedAtS: number;
  /** False once the condition has returned to normal (a latched alarm waiting for its ack). */
  readonly conditionActive: boolean;
  readonly level: number;
  readonly peakLevel: number;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
}

const NO_EVIDENCE: readonly string[] = Object.freeze([]);

/** Per-cause mutable state, allocated once on a cause's first update. */
interface Slot {
  readonly cause: string;
  open: boolean;
  alarmId: number;
  severity: AlarmSeverity;
  raisedAtS: number;
  acknowledged: boolean;
  acknowledgedAtS: number;
  conditionActive: boolean;
  /** Start of the current run at or above raiseLevel (NaN: none). */
  aboveSinceS: number;
  /** Start of the current run below clearLevel (NaN: none). */
  belowSinceS: number;
  level: number;
  peakLevel: number;
  diagnosis: string;
  evidence: readonly string[];
}

export class AlarmManager {
  readonly options: ResolvedAlarmManagerOptions;
  private readonly slots = new Map<string, Slot>();
  private nextId = 1;

  constructor(options: AlarmManagerOptions = {}) {
    this.options = resolveAlarmManagerOptions(options);
  }

  /**
   * Feeds the level of one cause at rig time `tS`; returns the transition it caused, if any (at
   * most one per call). A non-finite level (no data) changes nothing and restarts the on- and
   * off-delay timers. `diagnosis`, when given, replaces the alarm's diagnosis and evidence (no
   * event by itself) and can escalate it through its `severity`.
   */
  update(tS: number, cause: string, level: number, diagnosis?: AlarmDiagnosis): AlarmEvent | undefined {
    if (!Number.isFinite(tS)) throw new ConfigError("tS", tS, "must be a finite rig time in seconds");
    let slot = this.slots.get(cause);
    if (slot === undefined) {
      slot = newSlot(cause);
      this.slots.set(cause, slot);
    }
    if (!Number.isFinite(level)) {
      slot.aboveSinceS = Number.NaN;
      slot.belowSinceS = Number.NaN;
      return undefined;
    }
    const o = this.options;
    if (!slot.open) {
      if (level < o.raiseLevel) {
        slot.aboveSinceS = Number.NaN;
        return undefined;
      }
      if (Number.isNaN(slot.aboveSinceS)) slot.aboveSinceS = tS;
      if (tS - slot.aboveSinceS < o.raiseDelayS) return undefined;
      return this.raise(slot, tS, level, diagnosis);
    }

    slot.level = level;
    if (level > slot.peakLevel) slot.peakLevel = level;
    const previousDiagnosis = slot.diagnosis;
    if (diagnosis !== undefined) {
      slot.diagnosis = diagnosis.text;
      slot.evidence = diagnosis.evidence;
    }
    if (level >= o.raiseLevel) slot.conditionActive = true;
    if (level >= o.clearLevel) slot.belowSinceS = Number.NaN;
    else if (Number.isNaN(slot.belowSinceS)) slot.belowSinceS = tS;

    if (slot.severity === "warning" && (level >= o.criticalLevel || diagnosis?.severity === "critical")) {
      slot.severity = "critical";
      slot.acknowledged = false;
      slot.acknowledgedAtS = Number.NaN;
      return { type: "escalated", from: "warning", ...eventBase(slot, tS) };
    }
    if (
      slot.conditionActive &&
      !Number.isNaN(slot.belowSinceS) &&
      tS - slot.belowSinceS >= o.clearDelayS &&
      tS - slot.raisedAtS >= o.minHoldS
    ) {
      slot.conditionActive = false;
    }
    if (!slot.conditionActive && (slot.acknowledged || !this.latches(slot.severity)))
      return this.clear(slot, tS);
    if (slot.diagnosis !== previousDiagnosis)
      return { type: "rediagnosed", from: previousDiagnosis, ...eventBase(slot, tS) };
    return undefined;
  }

  /**
   * The operator acknowledges the open alarm of `cause`: returns the `acknowledged` event and,
   * when its condition has already returned to normal, the `cleared` event that follows (none
   * when the cause has no unacknowledged open alarm).
   */
  acknowledge(tS: number, cause: string, by = "operator"): AlarmEvent[] {
    if (!Number.isFinite(tS)) throw new ConfigError("tS", tS, "must be a finite rig time in seconds");
    const slot = this.slots.get(cause);
    if (slot === undefined || !slot.open || slot.acknowledged) return [];
    slot.acknowledged = true;
    slot.acknowledgedAtS = tS;
    const events: AlarmEvent[] = [{ type: "acknowledged", by, ...eventBase(slot, tS) }];
    if (!slot.conditionActive) events.push(this.clear(slot, tS));
    return events;
  }

  /** Acknowledges every open unacknowledged alarm, in raise order. */
  acknowledgeAll(tS: number, by = "operator"): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const s of this.openAlarms()) events.push(...this.acknowledge(tS, s.cause, by));
    return events;
  }

  /** Whether `cause` has an open alarm. */
  isOpen(cause: string): boolean {
    return this.slots.get(cause)?.open === true;
  }

  /** The open alarm of `cause`, or undefined. */
  get(cause: string): AlarmState | undefined {
    const s = this.slots.get(cause);
    return s?.open ? snapshot(s) : undefined;
  }

  /** Every open alarm, in raise order. */
  openAlarms(): AlarmState[] {
    const out: AlarmState[] = [];
    for (const s of this.slots.values()) if (s.open) out.push(snapshot(s));
    return out.sort((a, b) => a.alarmId - b.alarmId);
  }

  /** Forgets every alarm and timer (no events). */
  reset(): void {
    this.slots.clear();
  }

  private latches(severity: AlarmSeverity): boolean {
    switch (this.options.latch) {
      case "none":
        return false;
      case "all":
        return true;
      case "critical":
        return severity === "critical";
    }
  }

  private raise(slot: Slot, tS: number, level: number, diagnosis: AlarmDiagnosis | undefined): AlarmEvent {
    slot.open = true;
    slot.alarmId = this.nextId++;
    slot.severity =
      level >= this.options.criticalLevel || diagnosis?.severity === "critical" ? "critical" : "warning";
    slot.raisedAtS = tS;
    slot.acknowledged = false;
    slot.acknowledgedAtS = Number.NaN;
    slot.conditionActive = true;
    slot.belowSinceS = Number.NaN;
    slot.level = level;
    slot.peakLevel = level;
    slot.diagnosis = diagnosis?.text ?? "";
    slot.evidence = diagnosis?.evidence ?? NO_EVIDENCE;
    return { type: "raised", ...eventBase(slot, tS) };
  }

  private clear(slot: Slot, tS: number): AlarmEvent {
    slot.open = false;
    slot.aboveSinceS = Number.NaN;
    slot.belowSinceS = Number.NaN;
    return {
      type: "cleared",
      raisedAtS: slot.raisedAtS,
      durationS: tS - slot.raisedAtS,
      peakLevel: slot.peakLevel,
      acknowledged: slot.acknowledged,
      ...eventBase(slot, tS),
    };
  }
}

function newSlot(cause: string): Slot {
  return {
    cause,
    open: false,
    alarmId: 0,
    severity: "warning",
    raisedAtS: Number.NaN,
    acknowledged: false,
    acknowledgedAtS: Number.NaN,
    conditionActive: false,
    aboveSinceS: Number.NaN,
    belowSinceS: Number.NaN,
    level: 0,
    peakLevel: 0,
    diagnosis: "",
    evidence: NO_EVIDENCE,
  };
}

function eventBase(slot: Slot, tS: number): AlarmEventBase {
  return {
    alarmId: slot.alarmId,
    tS,
    cause: slot.cause,
    severity: slot.severity,
    level: slot.level,
    diagnosis: slot.diagnosis,
    evidence: slot.evidence,
  };
}

function snapshot(s: Slot): AlarmState {
  return {
    alarmId: s.alarmId,
    cause: s.cause,
    severity: s.severity,
    raisedAtS: s.raisedAtS,
    acknowledged: s.acknowledged,
    acknowledgedAtS: s.acknowledgedAtS,
    conditionActive: s.conditionActive,
    level: s.level,
    peakLevel: s.peakLevel,
    diagnosis: s.diagnosis,
    evidence: s.evidence,
  };
}
