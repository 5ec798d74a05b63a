import type { RigSample } from "../model/rigSample.js";
import { SteadyWatch, signalConditionHolds, timelineConditionMetAt } from "./conditions.js";
import { fmtS } from "./expectations.js";
import type { Observation, SignalHistory } from "./observations.js";
import type { Condition } from "./scenario.js";
import { SIGNAL_INDEX } from "./signals.js";

/**
 * The condition of the `wait_until` step in progress: armed when the step starts waiting, then
 * checked on every sample (signal thresholds, steadiness) and on every timeline entry (alarms,
 * device events, gaps) until it holds.
 */
export class WaitCondition {
  private armed: {
    condition: Condition;
    sinceIndex: number;
    metAtS: number;
    steady: SteadyWatch | null;
  } | null = null;
  private readonly timeline: Observation[];
  private readonly history: SignalHistory;

  constructor(timeline: Observation[], history: SignalHistory) {
    this.timeline = timeline;
    this.history = history;
  }

  /** Whether a condition is armed and has not held yet. */
  get pending(): boolean {
    return this.armed !== null && !Number.isFinite(this.armed.metAtS);
  }

  /** Whether the armed condition has held. */
  get met(): boolean {
    return Number.isFinite(this.armed?.metAtS ?? Number.NaN);
  }

  /** Arms a condition; a steady watch starts from the history already there (lastSampleS: its time). */
  arm(condition: Condition, lastSampleS: number): void {
    let steady: SteadyWatch | null = null;
    if (condition.kind === "steady") {
      steady = new SteadyWatch(condition.maxRateKPerMin, condition.forS);
      const h = this.history;
      const n = h.length;
      const from = n === 0 ? 0 : h.firstAtOrAfter(h.timeS(n - 1) - condition.forS - 2);
      for (let i = from; i < n; i++)
        steady.push(h.timeS(i), h.value(SIGNAL_INDEX.t_hot_c, i), h.value(SIGNAL_INDEX.t_cold_c, i));
    }
    this.armed = { condition, sinceIndex: this.timeline.length, metAtS: Number.NaN, steady };
    if (steady?.steady) this.armed.metAtS = lastSampleS;
    this.onTimeline();
  }

  /** Disarms; returns when the condition held (NaN: it did not). */
  disarm(): number {
    const metAtS = this.armed?.metAtS ?? Number.NaN;
    this.armed = null;
    return metAtS;
  }

  /** A sample at scenario time tS, with its signal row (SignalHistory layout). */
  onSample(tS: number, s: RigSample, row: Float64Array): void {
    const a = this.armed;
    if (a === null) return;
    const c = a.condition;
    if (c.kind === "signal") {
      if (signalConditionHolds(c, row[1 + SIGNAL_INDEX[c.signal]] as number)) a.metAtS = tS;
    } else if (c.kind === "steady" && a.steady !== null) {
      a.steady.push(tS, s.tHotC, s.tColdC);
      if (a.steady.steady) a.metAtS = tS;
    }
  }

  /** Something was added to the timeline. */
  onTimeline(): void {
    const a = this.armed;
    if (a === null || Number.isFinite(a.metAtS)) return;
    a.metAtS = timelineConditionMetAt(a.condition, this.timeline, a.sinceIndex);
    a.sinceIndex = this.timeline.length;
  }

  /** What was last seen of the condition's signal, for a step that timed out. */
  lastValueText(c: Condition): string {
    if (c.kind === "signal") {
      const n = this.history.length;
      if (n === 0) return "no sample";
      return `last ${c.signal} = ${this.history.value(SIGNAL_INDEX[c.signal], n - 1).toFixed(3)} at ${fmtS(this.history.timeS(n - 1))}`;
    }
    return `${this.history.length} samples seen`;
  }
}
