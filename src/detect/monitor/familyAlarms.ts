import {
  type AlarmEvent,
  AlarmManager,
  type AlarmState,
  type ResolvedAlarmManagerOptions,
} from "../alarms/alarmManager.js";
import { MONITOR_CAUSES, type MonitorCause, type MonitorDiagnosis } from "../diagnosis/monitorDiagnosis.js";
import { settledDiagnosis } from "../diagnosis/settledDiagnosis.js";
import type { MonitorOutput } from "./monitorTypes.js";

/** What the monitor keeps of each alarm family between samples (allocated once). */
interface FamilyState {
  readonly cause: MonitorCause;
  /** Level fed to the alarm manager at the last sample (NaN: no data). */
  level: number;
  /** Whether the family's alarm is open. */
  open: boolean;
  /** Mirror of the alarm manager's "condition active" for `anomaly`. */
  conditionActive: boolean;
  raisedAtS: number;
  belowSinceS: number;
  diagnosis: MonitorDiagnosis | undefined;
  diagnosisAtS: number;
  /** Whether the last level fed was at or above the raise level (the manager's on-delay runs). */
  armed: boolean;
}

/** Who diagnoses a family whose alarm is raised or open (the monitor, from its snapshot). */
export interface FamilyDiagnostician {
  diagnoseFamily(tS: number, cause: MonitorCause): MonitorDiagnosis;
}

/**
 * The monitor's four alarm families ({@link MONITOR_CAUSES}) between their scores and the alarm
 * manager: the severity rule, the diagnosis refresh while an alarm is raised or open, and a
 * mirror of the manager's state so that a closed, quiet family costs nothing per sample.
 *
 * Severity comes from the diagnosis (a pump failure, or an undecided flow fault whose flow has
 * stopped, is critical); by size alone only a loop deviation of `criticalCommonModeK` escalates,
 * every other family is capped below the critical level (a scale on the band the alarm manager's
 * `criticalLevel` would otherwise reach for any large sensor offset, which would latch a sensor
 * warning).
 */
export class FamilyAlarms {
  readonly manager: AlarmManager;
  /** The events of the current sample (emptied at the start of each). */
  readonly events: AlarmEvent[] = [];
  /** Each family's raw score this sample, in MONITOR_CAUSES order (NaN: no data); the monitor writes it. */
  readonly scores = new Float64Array(MONITOR_CAUSES.length);
  private readonly states: FamilyState[];
  private readonly alarm: ResolvedAlarmManagerOptions;
  private readonly refreshS: number;
  private readonly warnCap: number;
  private readonly criticalLoopScore: number;

  /** criticalLoopScore: the loop family's score at which it is critical (criticalCommonModeK in band units). */
  constructor(alarm: ResolvedAlarmManagerOptions, diagnosisRefreshS: number, criticalLoopScore: number) {
    this.manager = new AlarmManager(alarm);
    this.alarm = alarm;
    this.refreshS = diagnosisRefreshS;
    this.warnCap = alarm.raiseLevel + 0.5 * (alarm.criticalLevel - alarm.raiseLevel);
    this.criticalLoopScore = criticalLoopScore;
    this.states = MONITOR_CAUSES.map((cause) => ({
      cause,
      level: Number.NaN,
      open: false,
      conditionActive: false,
      raisedAtS: Number.NaN,
      belowSinceS: Number.NaN,
      diagnosis: undefined,
      diagnosisAtS: Number.NaN,
      armed: false,
    }));
  }

  /** Starts a sample: forgets the last one's events. */
  clearEvents(): void {
    // (Setting an array's length calls into the runtime: only when there is something to drop.)
    if (this.events.length !== 0) this.events.length = 0;
  }

  /** Whether the family at index i of MONITOR_CAUSES has an open alarm. */
  isOpen(i: number): boolean {
    return (this.states[i] as FamilyState).open;
  }

  /** Makes every raised or open alarm refresh its diagnosis at this sample. */
  refreshDiagnoses(): void {
    for (let i = 0; i < this.states.length; i++) (this.states[i] as FamilyState).diagnosisAtS = Number.NaN;
  }

  /** Feeds this sample's {@link scores} to the alarm manager and writes score, anomaly and diagnosis to `o`. */
  finish(o: MonitorOutput, diagnostician: FamilyDiagnostician): void {
    const t = o.tS;
    const a = this.alarm;
    const refresh = this.refreshS;
    let score = 0;
    let anomaly = false;
    let best: FamilyState | undefined;
    let bestKey = Number.NEGATIVE_INFINITY;
    const critical = this.criticalLoopScore;
    for (let i = 0; i < this.states.length; i++) {
      const c = this.states[i] as FamilyState;
      const raw = this.scores[i] as number;
      // Severity by size only for the loop family (a scale on the band would otherwise latch any
      // large sensor offset as critical); otherwise capped below the critical level.
      let level = raw;
      if (c.cause === "loop" && raw >= critical) level = (a.criticalLevel * raw) / critical;
      else if (raw > this.warnCap) level = this.warnCap;
      c.level = level;
      if (raw > score) score = raw;
      let diag: MonitorDiagnosis | undefined;
      // Rediagnosed only while the condition shows; an open alarm keeps a decided cause
      // (settledDiagnosis.ts): once the fault is gone its residuals decide nothing.
      if (level >= a.raiseLevel && !(t - c.diagnosisAtS < refresh)) {
        const fresh = diagnostician.diagnoseFamily(t, c.cause);
        diag = c.open ? settledDiagnosis(c.diagnosis, fresh) : fresh;
        c.diagnosis = diag;
        c.diagnosisAtS = t;
      }
      // The manager's state cannot change for a closed cause below the raise level twice running.
      const idle = !c.open && !(level >= a.raiseLevel) && !c.armed;
      c.armed = level >= a.raiseLevel;
      if (!idle) {
        const e = this.manager.update(t, c.cause, level, diag);
        if (e !== undefined) {
          this.events.push(e);
          trackAlarmEvent(c, e);
        }
      }
      if (c.open && Number.isFinite(level)) mirrorCondition(c, t, level, a);
      else c.belowSinceS = Number.NaN; // no data restarts the off-delay, as in the manager
      if (c.open) {
        if (c.conditionActive) anomaly = true;
        const key = (c.conditionActive ? 1e6 : 0) + (Number.isFinite(level) ? level : 0);
        if (key > bestKey) {
          bestKey = key;
          best = c;
        }
      }
    }
    o.score = score;
    o.anomaly = anomaly;
    o.diagnosis = best?.diagnosis?.text ?? "";
  }

  /** Acknowledges the cause's alarm, or the newest unacknowledged one; its events (Monitor.acknowledge). */
  acknowledge(tS: number, cause?: string): readonly AlarmEvent[] {
    let c = cause;
    if (c === undefined) {
      const open = this.manager.openAlarms();
      for (let i = open.length - 1; i >= 0; i--) {
        const a = open[i] as AlarmState;
        if (!a.acknowledged) {
          c = a.cause;
          break;
        }
      }
    }
    if (c === undefined) return [];
    const events = this.manager.acknowledge(tS, c);
    for (const e of events) {
      const st = this.states.find((x) => x.cause === e.cause);
      if (st !== undefined) trackAlarmEvent(st, e);
    }
    return events;
  }

  /** The current diagnosis of the family's open alarm. */
  diagnosisOf(cause: MonitorCause): MonitorDiagnosis | undefined {
    const c = this.states.find((x) => x.cause === cause);
    return c?.open ? c.diagnosis : undefined;
  }

  /** The level the family fed the alarm manager at the last sample (NaN: no data). */
  levelOf(cause: MonitorCause): number {
    return this.states.find((x) => x.cause === cause)?.level ?? Number.NaN;
  }
}

/** Follows an alarm manager event in the family's mirror. */
function trackAlarmEvent(c: FamilyState, e: AlarmEvent): void {
  switch (e.type) {
    case "raised":
      c.open = true;
      c.conditionActive = true;
      c.raisedAtS = e.tS;
      c.belowSinceS = Number.NaN;
      return;
    case "cleared":
      c.open = false;
      c.conditionActive = false;
      c.diagnosisAtS = Number.NaN;
      c.diagnosis = undefined;
      return;
    case "escalated":
    case "acknowledged":
    case "rediagnosed":
      return;
  }
}

/** The alarm manager's "condition active" (hysteresis, off-delay, minimum hold), mirrored. */
function mirrorCondition(c: FamilyState, t: number, level: number, a: ResolvedAlarmManagerOptions): void {
  if (level >= a.raiseLevel) c.conditionActive = true;
  if (level >= a.clearLevel) c.belowSinceS = Number.NaN;
  else if (Number.isNaN(c.belowSinceS)) c.belowSinceS = t;
  if (
    c.conditionActive &&
    !Number.isNaN(c.belowSinceS) &&
    t - c.belowSinceS >= a.clearDelayS &&
    t - c.raisedAtS >= a.minHoldS
  )
    c.conditionActive = false;
}
