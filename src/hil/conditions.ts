/**
 * `wait_until` conditions: when each kind holds, on a sample (a signal beyond a level, the loop
 * steady) or on the timeline (a device event, an alarm, a gap's end), and their text.
 */
import { alarmFromDetector, diagnosisMatches } from "./expectations.js";
import type { Observation } from "./observations.js";
import type { Condition } from "./scenario.js";

/** `t_hot_c > 80`, `EVT OVERTEMP hot`, `alarm pump_failure`, ... */
export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case "signal":
      return [
        c.above !== undefined ? `${c.signal} > ${c.above}` : "",
        c.below !== undefined ? `${c.signal} < ${c.below}` : "",
      ]
        .filter((s) => s !== "")
        .join(" and ");
    case "event":
      return `EVT ${c.code}${c.detail !== undefined ? ` ${c.detail}` : ""}`;
    case "alarm":
      return `${c.match.detector !== undefined ? `${c.match.detector} ` : ""}alarm ${c.match.diagnosis ?? c.match.cause ?? "any"}`;
    case "steady":
      return `steady (< ${c.maxRateKPerMin} K/min over ${c.forS} s)`;
    case "gap":
      return `samples back after a ${c.reason !== undefined ? `${c.reason} ` : ""}gap`;
  }
}

/** Whether a signal condition holds for `value` (NaN never does). */
export function signalConditionHolds(c: Extract<Condition, { kind: "signal" }>, value: number): boolean {
  return (c.above === undefined || value > c.above) && (c.below === undefined || value < c.below);
}

/**
 * The first observation from `timeline[from]` on that meets an event, alarm or gap condition:
 * its time (a gap: when the samples came back), or NaN when none does (yet).
 */
export function timelineConditionMetAt(c: Condition, timeline: readonly Observation[], from: number): number {
  for (let i = from; i < timeline.length; i++) {
    const o = timeline[i] as Observation;
    switch (c.kind) {
      case "event":
        if (
          o.kind === "device_event" &&
          o.code === c.code &&
          (c.detail === undefined || c.detail === o.detail)
        )
          return o.tS;
        break;
      case "gap":
        if (o.kind === "gap" && (c.reason === undefined || c.reason === o.reason)) return o.toS;
        break;
      case "alarm": {
        const m = c.match;
        if (o.kind === "alarm" && o.event.type === "raised") {
          if (m.cause !== undefined && o.event.cause !== m.cause) break;
          if (!alarmFromDetector(o.event.cause, m.detector)) break;
          if (m.diagnosis !== undefined && !diagnosisMatches(o.event.diagnosis, m.diagnosis)) break;
          return o.tS;
        }
        const want = m.diagnosis;
        if (
          o.kind === "diagnosis" &&
          want !== undefined &&
          o.open.some((x) => diagnosisMatches(x.diagnosis, want) && alarmFromDetector(x.cause, m.detector))
        )
          return o.tS;
        break;
      }
      case "signal":
      case "steady":
        return Number.NaN;
    }
  }
  return Number.NaN;
}

/**
 * Whether T_hot and T_cold have settled: both moved less than `rateKPerMin` between the mean of
 * the latest whole second and that of the second `forS` before it. Keeps one mean per second in a
 * ring buffer (allocated once), so it costs nothing per sample.
 */
export class SteadyWatch {
  readonly rateKPerMin: number;
  readonly forS: number;
  private readonly hot: Float64Array;
  private readonly cold: Float64Array;
  private readonly second: Float64Array;
  private count = 0;
  private bucket = Number.NaN;
  private sumHot = 0;
  private sumCold = 0;
  private n = 0;
  /** The latest rate [K/min] (NaN until `forS` seconds are covered). */
  lastRateKPerMin = Number.NaN;

  constructor(rateKPerMin: number, forS: number) {
    this.rateKPerMin = rateKPerMin;
    this.forS = Math.max(1, Math.round(forS));
    const size = this.forS + 2;
    this.hot = new Float64Array(size);
    this.cold = new Float64Array(size);
    this.second = new Float64Array(size);
  }

  get steady(): boolean {
    return this.lastRateKPerMin <= this.rateKPerMin;
  }

  /** Forgets everything (a gap: the loop may have changed meanwhile). */
  reset(): void {
    this.count = 0;
    this.bucket = Number.NaN;
    this.n = 0;
    this.sumHot = 0;
    this.sumCold = 0;
    this.lastRateKPerMin = Number.NaN;
  }

  push(tS: number, tHotC: number, tColdC: number): void {
    if (!Number.isFinite(tHotC) || !Number.isFinite(tColdC)) return;
    const sec = Math.floor(tS);
    if (sec !== this.bucket) {
      if (this.n > 0) this.close();
      this.bucket = sec;
      this.sumHot = 0;
      this.sumCold = 0;
      this.n = 0;
    }
    this.sumHot += tHotC;
    this.sumCold += tColdC;
    this.n++;
  }

  private close(): void {
    const size = this.hot.length;
    const at = this.count % size;
    this.hot[at] = this.sumHot / this.n;
    this.cold[at] = this.sumCold / this.n;
    this.second[at] = this.bucket;
    this.count++;
    if (this.count <= this.forS) return;
    const then = (this.count - 1 - this.forS) % size;
    const spanMin = ((this.second[at] as number) - (this.second[then] as number)) / 60;
    const dHot = Math.abs((this.hot[at] as number) - (this.hot[then] as number));
    const dCold = Math.abs((this.cold[at] as number) - (this.cold[then] as number));
    this.lastRateKPerMin = Math.max(dHot, dCold) / spanMin;
  }

  describe(): string {
    return Number.isFinite(this.lastRateKPerMin)
      ? `still moving ${this.lastRateKPerMin.toFixed(3)} K/min`
      : "not enough samples yet";
  }
}
