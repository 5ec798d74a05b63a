/**
 * What a scenario run observed, in scenario time (seconds from the start of the run): the
 * timeline of discrete happenings (alarms, diagnoses, device events, gaps, link changes, steps,
 * ground-truth labels) and the sampled signals ({@link SignalHistory}). Expectations are judged
 * on these after the run; the reports print them.
 */
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import { SIGNALS } from "./signals.js";

/** An open alarm as seen when the diagnosis changed. */
export interface OpenAlarmView {
  readonly alarmId: number;
  readonly cause: string;
  readonly severity: "warning" | "critical";
  readonly diagnosis: string;
  readonly raisedAtS: number;
}

export type Observation =
  | { readonly kind: "alarm"; readonly tS: number; readonly event: AlarmEvent }
  /** The monitor's diagnosis text changed (and the open alarms with their diagnoses then). */
  | {
      readonly kind: "diagnosis";
      readonly tS: number;
      readonly text: string;
      readonly open: readonly OpenAlarmView[];
    }
  | { readonly kind: "device_event"; readonly tS: number; readonly code: string; readonly detail: string }
  | {
      readonly kind: "gap";
      readonly tS: number;
      readonly toS: number;
      readonly reason: "disconnect" | "seq" | "reboot";
      readonly lostSamples: number;
    }
  | { readonly kind: "link"; readonly tS: number; readonly state: string; readonly reason: string }
  | { readonly kind: "hello"; readonly tS: number; readonly reboot: boolean; readonly text: string }
  | {
      readonly kind: "step";
      readonly tS: number;
      readonly name: string;
      readonly status: StepStatus;
      readonly text: string;
    }
  | { readonly kind: "label"; readonly tS: number; readonly action: "start" | "end"; readonly fault: string }
  | { readonly kind: "note"; readonly tS: number; readonly text: string };

export type StepStatus = "done" | "skipped" | "failed" | "not_reached";

/** One step's outcome. */
export interface StepOutcome {
  readonly name: string;
  readonly line: number;
  readonly status: StepStatus;
  /** When it ran [scenario s] (NaN when it did not). */
  readonly tS: number;
  /** What was done, why it was skipped, or what went wrong. */
  readonly detail: string;
}

/** Ground truth of one injected fault over scenario time [startS, endS). */
export interface FaultInterval {
  /** Fault kind, e.g. `pump_failure`. */
  readonly kind: string;
  /** Spec or injection text, e.g. `pump PWM 0 hold 20000 ms`. */
  readonly text: string;
  readonly startS: number;
  endS: number;
}

const INITIAL_ROWS = 4096;

/**
 * The sampled signals of a run, row-major in one growable Float64Array: column 0 is scenario time
 * [s], then one column per {@link SIGNALS} entry. Appending allocates only when it doubles.
 */
export class SignalHistory {
  /** Values per row: time plus every signal. */
  static readonly STRIDE = 1 + SIGNALS.length;
  private data = new Float64Array(INITIAL_ROWS * SignalHistory.STRIDE);
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  /** Appends one row: `row[0]` is the time, `row[1 + i]` signal i. */
  append(row: Float64Array): void {
    const stride = SignalHistory.STRIDE;
    if ((this.rows + 1) * stride > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    if (row.length === stride) this.data.set(row, this.rows * stride);
    else this.data.set(row.subarray(0, stride), this.rows * stride);
    this.rows++;
  }

  timeS(i: number): number {
    return this.data[i * SignalHistory.STRIDE] as number;
  }

  /** Value of signal column `signal` (an index into SIGNALS) at row `i`. */
  value(signal: number, i: number): number {
    return this.data[i * SignalHistory.STRIDE + 1 + signal] as number;
  }

  /** First row with time >= `tS` (length when none). */
  firstAtOrAfter(tS: number): number {
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeS(mid) < tS) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
