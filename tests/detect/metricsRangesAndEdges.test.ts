import { describe, expect, it } from "vitest";
import {
  addNab,
  combineDelays,
  confusionCounts,
  eventDelays,
  NAB_PROFILES,
  nabScore,
  nabTally,
} from "../../src/detect/evaluation/metrics.js";

describe("metrics: the row range and the series' lengths are checked, naming them", () => {
  it("refuses a range that is not whole, starts below 0, runs backwards or past the end", () => {
    const truth = [1, 0, 1];
    const pred = [0, 0, 0];
    for (const [from, to] of [
      [2, 1],
      [-1, 2],
      [0, 4],
      [0.5, 2],
      [0, 1.5],
    ] as const)
      expect(() => confusionCounts(truth, pred, from, to)).toThrow(
        `row range: must lie within 0..3 (got "${from}..${to}")`,
      );
    expect(() => eventDelays([0, 1], [0, 0], [0, 0], 0, 3)).toThrow(
      'row range: must lie within 0..2 (got "0..3")',
    );
    expect(() => nabTally([0, 1], [0, 0], [0, 0], 1, 3)).toThrow(
      'row range: must lie within 0..2 (got "1..3")',
    );
    // The whole range and an empty one at the end are fine.
    expect(confusionCounts(truth, pred, 0, 3)).toEqual({ tp: 0, fp: 0, fn: 2, tn: 1 });
    expect(confusionCounts(truth, pred, 3, 3)).toEqual({ tp: 0, fp: 0, fn: 0, tn: 0 });
  });

  it("refuses predictions, times or alarms of another length than the truth", () => {
    expect(() => confusionCounts([1, 0], [1])).toThrow("predicted: must be as long as truth (2) (got 1)");
    expect(() => eventDelays([0, 1], [1, 0], [1])).toThrow(
      "series: time, truth and predicted must have the same length (got 1)",
    );
    expect(() => eventDelays([0], [1, 0], [1, 0])).toThrow(
      "series: time, truth and predicted must have the same length (got 2)",
    );
    expect(() => nabTally([0, 1], [1, 0], [1])).toThrow(
      "series: time, changepoint and alarm must have the same length (got 1)",
    );
    expect(() => nabTally([0], [1, 0], [1, 0])).toThrow(
      "series: time, changepoint and alarm must have the same length (got 2)",
    );
  });

  it("refuses a NAB window that is not a positive finite number of seconds", () => {
    for (const [w, shown] of [
      [0, "0"],
      [-5, "-5"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
    ] as const)
      expect(() => nabTally([0, 1], [1, 0], [1, 0], 0, 2, NAB_PROFILES.standard, w)).toThrow(
        `windowS: must be > 0 (got ${shown})`,
      );
    // A tiny window is still a window: the alarm at the changepoint itself hits it.
    expect(nabTally([0, 1], [1, 0], [1, 0], 0, 2, NAB_PROFILES.standard, 1e-3)).toMatchObject({
      windows: 1,
      truePositives: 1,
    });
  });
});

describe("detection delays at the edges of an event and of the range", () => {
  it("an event at row 0 alarmed at once has delay 0, and a later alarm in it does not move it", () => {
    const t = [0, 1, 3, 6, 10, 15];
    const truth = [1, 1, 1, 0, 1, 1];
    const pred = [1, 0, 1, 0, 0, 1];
    // Events: rows 0-2 (first alarm row 0: 0 s; the alarm at row 2, 3 s, comes later) and rows
    // 4-5 (first alarm row 5: 15 - 10 = 5 s).
    expect(eventDelays(t, truth, pred)).toEqual({ events: 2, detected: 2, missed: 0, delaysS: [0, 5] });
  });

  it("an event running past the range's end is cut there: an alarm after the cut does not detect it", () => {
    expect(eventDelays([0, 1, 2, 3], [0, 1, 1, 1], [0, 0, 0, 1], 0, 3)).toEqual({
      events: 1,
      detected: 0,
      missed: 1,
      delaysS: [],
    });
    // The same event over the whole file is detected at row 3, 2 s after its start.
    expect(eventDelays([0, 1, 2, 3], [0, 1, 1, 1], [0, 0, 0, 1])).toEqual({
      events: 1,
      detected: 1,
      missed: 0,
      delaysS: [2],
    });
  });

  it("combining two files' delays adds their counts and keeps every delay in order", () => {
    const a = { events: 3, detected: 2, missed: 1, delaysS: [3, 0] };
    const b = { events: 2, detected: 1, missed: 1, delaysS: [5] };
    expect(combineDelays(a, b)).toEqual({ events: 5, detected: 3, missed: 2, delaysS: [3, 0, 5] });
  });
});

describe("NAB at the edges of a window, and its sums", () => {
  it("a switch exactly at the window's end is its first hit, earning A_fp", () => {
    // Window [0, 60]; the alarm switches on at 60 s: r = 1, reward A_fp = -0.11, no miss.
    const tally = nabTally([0, 60, 61], [1, 0, 0], [0, 1, 1]);
    expect(tally).toEqual({
      score: -0.11,
      windows: 1,
      truePositives: 1,
      falsePositives: 0,
      missedWindows: 0,
    });
  });

  it("a window too short to resolve (60 s past 1e20 s) rewards a hit at its start with A_tp", () => {
    // 1e20 + 60 rounds to 1e20 (the spacing of doubles there is 16384): the window has no width,
    // and a switch at its start is at r = 0.
    const tally = nabTally([1e20], [1], [1]);
    expect(tally.truePositives).toBe(1);
    expect(tally.score).toBeCloseTo(1, 12);
  });

  it("adds two tallies field by field", () => {
    const a = { score: 1.5, windows: 2, truePositives: 1, falsePositives: 3, missedWindows: 1 };
    const b = { score: -0.25, windows: 3, truePositives: 2, falsePositives: 1, missedWindows: 1 };
    expect(addNab(a, b)).toEqual({
      score: 1.25,
      windows: 5,
      truePositives: 3,
      falsePositives: 4,
      missedWindows: 2,
    });
  });

  it("normalises by the profile's own A_tp and A_fn", () => {
    // S_null = 2 x (-3) = -6, S_perfect = 2 x 2 = 4: 100 (1 + 6) / (4 + 6) = 70.
    const tally = { score: 1, windows: 2, truePositives: 1, falsePositives: 0, missedWindows: 1 };
    expect(nabScore(tally, { aTp: 2, aFp: -0.5, aFn: -3 })).toBeCloseTo(70, 10);
    // The low-FN profile: S_null = -4, S_perfect = 2: 100 (1 + 4) / 6.
    expect(nabScore(tally, NAB_PROFILES.lowFn)).toBeCloseTo(500 / 6, 10);
  });
});
