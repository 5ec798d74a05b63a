/**
 * Evaluation metrics of a detector's per-row decisions against labelled ground truth, as the SKAB
 * benchmark defines them (Katser & Kozitsin, "Skoltech Anomaly Benchmark (SKAB)", Kaggle 2020;
 * reference implementation `waico/SKAB` core/metrics.py, from the `tsad` library):
 *
 * - Point-wise, over every evaluated row of all files together: F1 = TP / (TP + (FP + FN) / 2),
 *   FAR = FP / (FP + TN), MAR = FN / (FN + TP). A ratio whose denominator is zero (no positives
 *   for MAR, no negatives for FAR, nothing to find and nothing flagged for F1) is `null`: it is
 *   undefined, and reporting 0 or 1 instead would flatter or punish the detector for free.
 * - Detection delay per labelled event (a run of consecutive anomalous rows): time from the
 *   event's first row to the first alarmed row inside it; events without an alarm are missed.
 * - NAB score (Lavin & Ahmad, "Evaluating real-time anomaly detection algorithms - the Numenta
 *   Anomaly Benchmark", ICMLA 2015) in SKAB's form: a window of `windowS` seconds to the right of
 *   each labelled changepoint; the detector's changepoint predictions are the rows where its
 *   alarm switches on or off (SKAB's `abs(prediction.diff())`); the first prediction inside a
 *   window earns the scaled score below, later ones in the same window nothing; each prediction
 *   outside every window costs A_fp; each window without one costs A_fn. Normalised over all
 *   files: 100 (S - S_null) / (S_perfect - S_null), S_null = windows x A_fn, S_perfect = windows
 *   x A_tp. Scale function (tsad's "improved" one, continuous form): at relative position r in
 *   [0, 1] of the window, A_fp + (A_tp - A_fp) (1 - tanh(pi (r - 1/2)) / tanh(pi / 2)) / 2, i.e.
 *   A_tp at the changepoint falling to A_fp at the window's end.
 */
import { ConfigError } from "../../core/errors.js";

export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

export const ZERO_COUNTS: ConfusionCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };

function checkRange(length: number, from: number, to: number): void {
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= length))
    throw new ConfigError("row range", `${from}..${to}`, `must lie within 0..${length}`);
}

/** Point-wise confusion counts over rows [from, to) (nonzero = positive). */
export function confusionCounts(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  from = 0,
  to = truth.length,
): ConfusionCounts {
  if (predicted.length !== truth.length)
    throw new ConfigError("predicted", predicted.length, `must be as long as truth (${truth.length})`);
  checkRange(truth.length, from, to);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = from; i < to; i++) {
    const t = truth[i] !== 0;
    const p = predicted[i] !== 0;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn };
}

export function addCounts(a: ConfusionCounts, b: ConfusionCounts): ConfusionCounts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

/** F1 = TP / (TP + (FP + FN) / 2); null when TP + FP + FN = 0. */
export function f1Score(c: ConfusionCounts): number | null {
  const d = c.tp + (c.fp + c.fn) / 2;
  return d > 0 ? c.tp / d : null;
}

/** False alarm rate FP / (FP + TN); null without negatives. */
export function falseAlarmRate(c: ConfusionCounts): number | null {
  const d = c.fp + c.tn;
  return d > 0 ? c.fp / d : null;
}

/** Missed alarm rate FN / (FN + TP); null without positives. */
export function missedAlarmRate(c: ConfusionCounts): number | null {
  const d = c.fn + c.tp;
  return d > 0 ? c.fn / d : null;
}

export interface EventDelays {
  /** Labelled events (runs of anomalous rows) starting or continuing in the evaluated rows. */
  readonly events: number;
  readonly detected: number;
  readonly missed: number;
  /** Delay of each detected event, seconds. */
  readonly delaysS: readonly number[];
}

/**
 * Detection delay per labelled event over rows [from, to): an event is a maximal run of rows with
 * truth != 0 (clipped to the range); its delay is timeS[first alarmed row in the run] -
 * timeS[run start].
 */
export function eventDelays(
  timeS: ArrayLike<number>,
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  from = 0,
  to = truth.length,
): EventDelays {
  if (predicted.length !== truth.length || timeS.length !== truth.length)
    throw new ConfigError("series", predicted.length, `time, truth and predicted must have the same length`);
  checkRange(truth.length, from, to);
  let events = 0;
  let detected = 0;
  const delaysS: number[] = [];
  let i = from;
  while (i < to) {
    if (truth[i] === 0) {
      i++;
      continue;
    }
    const start = i;
    let hit = -1;
    while (i < to && truth[i] !== 0) {
      if (hit < 0 && predicted[i] !== 0) hit = i;
      i++;
    }
    events++;
    if (hit >= 0) {
      detected++;
      delaysS.push((timeS[hit] as number) - (timeS[start] as number));
    }
  }
  return { events, detected, missed: events - detected, delaysS };
}

export function combineDelays(a: EventDelays, b: EventDelays): EventDelays {
  return {
    events: a.events + b.events,
    detected: a.detected + b.detected,
    missed: a.missed + b.missed,
    delaysS: [...a.delaysS, ...b.delaysS],
  };
}

/** Mean of the delays, or null when no event was detected. */
export function meanDelayS(d: EventDelays): number | null {
  return d.delaysS.length > 0 ? d.delaysS.reduce((s, x) => s + x, 0) / d.delaysS.length : null;
}

/** NAB application profile weights (Lavin & Ahmad 2015, table 1). */
export interface NabProfile {
  readonly aTp: number;
  readonly aFp: number;
  readonly aFn: number;
}

export const NAB_PROFILES = {
  standard: { aTp: 1, aFp: -0.11, aFn: -1 },
  lowFp: { aTp: 1, aFp: -0.22, aFn: -1 },
  lowFn: { aTp: 1, aFp: -0.11, aFn: -2 },
} as const satisfies Record<string, NabProfile>;

/** The default NAB window: 60 s to the right of each changepoint. */
export const NAB_WINDOW_S = 60;

/** Raw NAB sums of one or more files, normalised by {@link nabScore}. */
export interface NabTally {
  readonly score: number;
  readonly windows: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly missedWindows: number;
}

export const ZERO_NAB: NabTally = {
  score: 0,
  windows: 0,
  truePositives: 0,
  falsePositives: 0,
  missedWindows: 0,
};

export function addNab(a: NabTally, b: NabTally): NabTally {
  return {
    score: a.score + b.score,
    windows: a.windows + b.windows,
    truePositives: a.truePositives + b.truePositives,
    falsePositives: a.falsePositives + b.falsePositives,
    missedWindows: a.missedWindows + b.missedWindows,
  };
}

/** The scaled reward of a first detection at relative position r in [0, 1] of its window. */
export function nabScaledReward(r: number, profile: NabProfile): number {
  const x = Math.PI * (Math.min(Math.max(r, 0), 1) - 0.5);
  const half = (profile.aTp - profile.aFp) / 2;
  return -half * (Math.tanh(x) / Math.tanh(Math.PI / 2)) + half + profile.aFp;
}

/**
 * NAB sums of one file over rows [from, to): windows open at each row with changepoint != 0 and
 * last `windowS` seconds (a window overlapping the previous one starts where that one ends);
 * predictions are the rows in the range where `alarm` differs from the row before (row 0 counts
 * when alarmed).
 */
export function nabTally(
  timeS: ArrayLike<number>,
  changepoint: ArrayLike<number>,
  alarm: ArrayLike<number>,
  from = 0,
  to = changepoint.length,
  profile: NabProfile = NAB_PROFILES.standard,
  windowS = NAB_WINDOW_S,
): NabTally {
  if (alarm.length !== changepoint.length || timeS.length !== changepoint.length)
    throw new ConfigError("series", alarm.length, "time, changepoint and alarm must have the same length");
  if (!(Number.isFinite(windowS) && windowS > 0)) throw new ConfigError("windowS", windowS, "must be > 0");
  checkRange(changepoint.length, from, to);
  const windows: [number, number][] = [];
  for (let i = from; i < to; i++) {
    if (changepoint[i] === 0) continue;
    const t0 = timeS[i] as number;
    const prev = windows[windows.length - 1];
    const start = prev && prev[1] >= t0 ? prev[1] : t0;
    windows.push([start, t0 + windowS]);
  }
  const predictions: number[] = [];
  for (let i = from; i < to; i++) {
    const before = i === 0 ? 0 : alarm[i - 1] !== 0 ? 1 : 0;
    const now = alarm[i] !== 0 ? 1 : 0;
    if (now !== before) predictions.push(timeS[i] as number);
  }
  let score = 0;
  let truePositives = 0;
  let falsePositives = 0;
  const firstHit: (number | undefined)[] = windows.map(() => undefined);
  for (const t of predictions) {
    const w = windows.findIndex(([a, b]) => t >= a && t <= b);
    if (w < 0) {
      falsePositives++;
      score += profile.aFp;
    } else if (firstHit[w] === undefined) {
      firstHit[w] = t;
    }
  }
  windows.forEach(([a, b], w) => {
    const t = firstHit[w];
    if (t === undefined) {
      score += profile.aFn;
      return;
    }
    truePositives++;
    score += nabScaledReward(b > a ? (t - a) / (b - a) : 0, profile);
  });
  return {
    score,
    windows: windows.length,
    truePositives,
    falsePositives,
    missedWindows: windows.length - truePositives,
  };
}

/** Normalised NAB score 100 (S - S_null) / (S_perfect - S_null); null without windows. */
export function nabScore(tally: NabTally, profile: NabProfile = NAB_PROFILES.standard): number | null {
  if (tally.windows === 0) return null;
  const nullScore = tally.windows * profile.aFn;
  const perfect = tally.windows * profile.aTp;
  return (100 * (tally.score - nullScore)) / (perfect - nullScore);
}
