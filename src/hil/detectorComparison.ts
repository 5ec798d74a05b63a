/**
 * What each detector caught in a HIL run, for the comparison of the residual monitor and the
 * learned detector over the suite (issue 17 part 2; `npm run compare:detectors`). Pure: a run's
 * alarm timeline and fault labels in, one row out.
 *
 * A detector *caught* the run's fault when it raised an alarm from the first fault's start to
 * {@link CATCH_GRACE_S} after the last fault's end (an alarm may need longer than a short fault
 * lasts: a 1 s reboot, a hold that reverts); its *delay* is from the fault's start to that alarm.
 * An alarm raised before the first fault (or anywhere in a run without a fault) is a *false
 * alarm*. Alarms raised after the grace (the loop settling back, a later step) are counted
 * apart, as *after*: neither a catch nor a false alarm.
 */
import { LEARNED_CAUSE } from "../detect/learned/learnedBesideMonitor.js";
import type { FaultInterval, Observation } from "./observations.js";

/** Seconds after the last fault's end in which an alarm still counts as catching it. */
export const CATCH_GRACE_S = 30;

/** One detector in one run. */
export interface DetectorOutcome {
  /** The first alarm in the catch window: when, its delay from the fault's start, its diagnosis. */
  readonly caught: { readonly tS: number; readonly delayS: number; readonly diagnosis: string } | null;
  /** Alarms raised before the first fault (or in a run without a fault). */
  readonly falseAlarms: number;
  /** Alarms raised after the catch window. */
  readonly after: number;
}

export interface DetectorComparisonRow {
  readonly scenario: string;
  /** The faults' kinds in order (empty: a run without a fault). */
  readonly faults: readonly string[];
  /** First fault start and last fault end + grace [s] (NaN without a fault). */
  readonly windowFromS: number;
  readonly windowToS: number;
  readonly residual: DetectorOutcome;
  readonly learned: DetectorOutcome;
}

/** The comparison row of one run (see the module comment). */
export function compareDetectors(
  scenario: string,
  timeline: readonly Observation[],
  faults: readonly FaultInterval[],
): DetectorComparisonRow {
  const fromS = faults.length === 0 ? Number.NaN : Math.min(...faults.map((f) => f.startS));
  const toS = faults.length === 0 ? Number.NaN : Math.max(...faults.map((f) => f.endS)) + CATCH_GRACE_S;
  const raised = timeline.flatMap((o) => (o.kind === "alarm" && o.event.type === "raised" ? [o.event] : []));
  const outcome = (learned: boolean): DetectorOutcome => {
    let caught: DetectorOutcome["caught"] = null;
    let falseAlarms = 0;
    let after = 0;
    for (const e of raised) {
      if ((e.cause === LEARNED_CAUSE) !== learned) continue;
      if (!(e.tS >= fromS)) falseAlarms++;
      else if (e.tS > toS) after++;
      else if (caught === null) caught = { tS: e.tS, delayS: e.tS - fromS, diagnosis: e.diagnosis };
    }
    return { caught, falseAlarms, after };
  };
  const kinds = [...faults].sort((a, b) => a.startS - b.startS).map((f) => f.kind);
  return {
    scenario,
    faults: kinds.filter((k, i) => kinds.indexOf(k) === i),
    windowFromS: fromS,
    windowToS: toS,
    residual: outcome(false),
    learned: outcome(true),
  };
}

/** Which detector alone caught the fault: `residual`, `learned`, `both`, `neither`, or `-` without a fault. */
export function whoCaught(row: DetectorComparisonRow): "residual" | "learned" | "both" | "neither" | "-" {
  if (row.faults.length === 0) return "-";
  const r = row.residual.caught !== null;
  const l = row.learned.caught !== null;
  return r && l ? "both" : r ? "residual" : l ? "learned" : "neither";
}
