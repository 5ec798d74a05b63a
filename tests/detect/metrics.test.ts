import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCounts,
  confusionCounts,
  eventDelays,
  f1Score,
  falseAlarmRate,
  meanDelayS,
  missedAlarmRate,
  NAB_PROFILES,
  nabScaledReward,
  nabScore,
  nabTally,
} from "../../src/detect/evaluation/metrics.js";

describe("point-wise metrics", () => {
  it("match a hand-computed confusion matrix", () => {
    const truth = [1, 1, 0, 0, 1, 0, 1, 0];
    const pred = [1, 0, 1, 0, 1, 0, 0, 0];
    const c = confusionCounts(truth, pred);
    expect(c).toEqual({ tp: 2, fp: 1, fn: 2, tn: 3 });
    // F1 = 2 / (2 + (1 + 2) / 2) = 2 / 3.5
    expect(f1Score(c)).toBeCloseTo(0.5714285714, 9);
    expect(falseAlarmRate(c)).toBeCloseTo(0.25, 12); // 1 / (1 + 3)
    expect(missedAlarmRate(c)).toBeCloseTo(0.5, 12); // 2 / (2 + 2)
  });

  it("count only the rows of the given range", () => {
    const truth = [1, 1, 0, 0, 1, 0];
    const pred = [0, 0, 1, 0, 1, 1];
    expect(confusionCounts(truth, pred, 2, 6)).toEqual({ tp: 1, fp: 2, fn: 0, tn: 1 });
  });

  it("no positives: MAR is undefined, F1 is 0 with a false alarm and undefined without", () => {
    const withFa = confusionCounts([0, 0, 0, 0], [0, 1, 0, 0]);
    expect(withFa).toEqual({ tp: 0, fp: 1, fn: 0, tn: 3 });
    expect(missedAlarmRate(withFa)).toBeNull();
    expect(f1Score(withFa)).toBe(0);
    expect(falseAlarmRate(withFa)).toBeCloseTo(0.25, 12);
    const quiet = confusionCounts([0, 0, 0], [0, 0, 0]);
    expect(f1Score(quiet)).toBeNull();
    expect(missedAlarmRate(quiet)).toBeNull();
    expect(falseAlarmRate(quiet)).toBe(0);
  });

  it("no negatives: FAR is undefined", () => {
    const c = confusionCounts([1, 1, 1], [1, 0, 1]);
    expect(c).toEqual({ tp: 2, fp: 0, fn: 1, tn: 0 });
    expect(falseAlarmRate(c)).toBeNull();
    expect(f1Score(c)).toBeCloseTo(0.8, 12); // 2 / (2 + 0.5)
    expect(missedAlarmRate(c)).toBeCloseTo(1 / 3, 12);
  });

  it("empty range: everything undefined", () => {
    const c = confusionCounts([1, 0], [1, 0], 1, 1);
    expect([f1Score(c), falseAlarmRate(c), missedAlarmRate(c)]).toEqual([null, null, null]);
  });

  it("counts of a split add up to the counts of the whole", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        (rows, cut) => {
          const truth = rows.map(([t]) => (t ? 1 : 0));
          const pred = rows.map(([, p]) => (p ? 1 : 0));
          const k = cut % (rows.length + 1);
          const whole = confusionCounts(truth, pred);
          expect(
            addCounts(confusionCounts(truth, pred, 0, k), confusionCounts(truth, pred, k, rows.length)),
          ).toEqual(whole);
          expect(whole.tp + whole.fp + whole.fn + whole.tn).toBe(rows.length);
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });
});

describe("detection delay per event", () => {
  it("measures from each event's start to its first alarm, in seconds, and counts misses", () => {
    const t = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10];
    const truth = [0, 1, 1, 1, 0, 0, 1, 1, 0, 1];
    const pred = [1, 0, 0, 1, 0, 1, 0, 0, 0, 1];
    const d = eventDelays(t, truth, pred);
    // events: rows 1-3 (first alarm row 3: 4 - 1 = 3 s), rows 6-7 (missed), row 9 (0 s)
    expect(d).toEqual({ events: 3, detected: 2, missed: 1, delaysS: [3, 0] });
    expect(meanDelayS(d)).toBeCloseTo(1.5, 12);
  });

  it("clips events to the evaluated range and has no mean without detections", () => {
    const d = eventDelays([0, 1, 2, 3], [1, 1, 1, 0], [0, 0, 0, 0], 1, 4);
    expect(d).toEqual({ events: 1, detected: 0, missed: 1, delaysS: [] });
    expect(meanDelayS(d)).toBeNull();
  });
});

describe("NAB score", () => {
  it("scaled reward falls from A_tp at the changepoint to A_fp at the window's end", () => {
    const p = NAB_PROFILES.standard;
    expect(nabScaledReward(0, p)).toBeCloseTo(1, 12);
    expect(nabScaledReward(1, p)).toBeCloseTo(-0.11, 12);
    expect(nabScaledReward(0.5, p)).toBeCloseTo(0.445, 12); // midpoint (1 - 0.11) / 2
  });

  it("matches a hand-computed small case", () => {
    // 200 rows 1 s apart; changepoints at 50 s and 150 s, windows [50, 110] and [150, 210].
    const n = 200;
    const t = Array.from({ length: n }, (_, i) => i);
    const cp = t.map((i) => (i === 50 || i === 150 ? 1 : 0));
    // Alarm on rows 65-79 and 120-124: predictions (switches) at 65, 80, 120, 125.
    const alarm = t.map((i) => ((i >= 65 && i < 80) || (i >= 120 && i < 125) ? 1 : 0));
    const tally = nabTally(t, cp, alarm);
    // 65 s: first in window 1 at r = 15/60 = 0.25; 80 s: second in window 1, ignored;
    // 120 s and 125 s: outside every window, A_fp = -0.11 each; window 2: missed, A_fn = -1.
    expect(tally).toMatchObject({ windows: 2, truePositives: 1, falsePositives: 2, missedWindows: 1 });
    // reward(0.25) = -0.11 + 1.11 * (1 + tanh(pi/4) / tanh(pi/2)) / 2
    //             = -0.11 + 1.11 * (1 + 0.6557942 / 0.9171523) / 2 = 0.8418420
    expect(tally.score).toBeCloseTo(0.841842 - 0.22 - 1, 5);
    // 100 * (S - S_null) / (S_perfect - S_null) with S_null = -2, S_perfect = 2
    expect(nabScore(tally)).toBeCloseTo((100 * (-0.378158 + 2)) / 4, 3);
  });

  it("a perfect detector scores 100, a silent one 0, and the first row counts when alarmed", () => {
    const t = [0, 10, 20, 30, 40, 50, 100, 200];
    const cp = [0, 0, 1, 0, 0, 0, 0, 0];
    expect(nabScore(nabTally(t, cp, [0, 0, 1, 1, 1, 1, 1, 1]))).toBeCloseTo(100, 9);
    expect(nabScore(nabTally(t, cp, [0, 0, 0, 0, 0, 0, 0, 0]))).toBeCloseTo(0, 9);
    expect(nabTally(t, cp, [1, 1, 1, 1, 1, 1, 1, 1]).falsePositives).toBe(1);
  });

  it("an overlapping window starts where the previous one ends", () => {
    const t = [0, 30, 70, 95];
    const cp = [1, 1, 0, 0];
    // Windows [0, 60] and [60, 90]; a switch at 70 s is the first hit of window 2 at r = 10/30.
    const tally = nabTally(t, cp, [0, 0, 1, 1]);
    expect(tally).toMatchObject({ windows: 2, truePositives: 1, falsePositives: 0, missedWindows: 1 });
    expect(tally.score).toBeCloseTo(nabScaledReward(1 / 3, NAB_PROFILES.standard) - 1, 12);
  });

  it("is undefined without changepoints", () => {
    expect(nabScore(nabTally([0, 1], [0, 0], [1, 0]))).toBeNull();
  });
});
