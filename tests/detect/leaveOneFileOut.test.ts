import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { FileEvaluation } from "../../src/detect/evaluation/evaluation.js";
import {
  leaveOneFileOut,
  leaveOneFileOutSplits,
  selectCandidate,
} from "../../src/detect/evaluation/leaveOneFileOut.js";
import { ZERO_NAB } from "../../src/detect/evaluation/metrics.js";

/** A file's evaluation with the given counts (delays and NAB do not enter the choice). */
function file(tp: number, fp: number, fn: number, tn: number): FileEvaluation {
  return {
    source: "f.csv",
    rows: tp + fp + fn + tn,
    testRows: tp + fp + fn + tn,
    anomalousTrainRows: 0,
    changepointSource: "column",
    counts: { tp, fp, fn, tn },
    delays: { events: 0, detected: 0, missed: 0, delaysS: [] },
    nab: ZERO_NAB,
  };
}

describe("leave-one-file-out splits", () => {
  it("holds each file out once and trains on all the others, in order", () => {
    expect(leaveOneFileOutSplits(3)).toEqual([
      { heldOut: 0, training: [1, 2] },
      { heldOut: 1, training: [0, 2] },
      { heldOut: 2, training: [0, 1] },
    ]);
    for (const { heldOut, training } of leaveOneFileOutSplits(16)) {
      expect(training).toHaveLength(15);
      expect(training).not.toContain(heldOut);
      expect(new Set([...training, heldOut]).size).toBe(16);
    }
  });

  it("needs two files", () => {
    expect(() => leaveOneFileOutSplits(1)).toThrow(ConfigError);
    expect(() => leaveOneFileOutSplits(2.5)).toThrow(/files/);
  });
});

describe("choice of a candidate", () => {
  // Per file, F1 = tp / (tp + (fp + fn) / 2) and FAR = fp / (fp + tn):
  // A: F1 8/10 = 0.8, FAR 2/12 = 16.7 % (over a 10 % limit); B: F1 6/8 = 0.75, FAR 0;
  // C: F1 7/9 = 0.778, FAR 1/11 = 9.1 %.
  const a = [file(8, 2, 2, 10), file(8, 2, 2, 10), file(8, 2, 2, 10)];
  const b = [file(6, 0, 4, 12), file(6, 0, 4, 12), file(6, 0, 4, 12)];
  const c = [file(7, 1, 3, 10), file(7, 1, 3, 10), file(7, 1, 3, 10)];

  it("takes the highest F1 among candidates within the FAR limit", () => {
    const pick = selectCandidate([a, b, c], [0, 1, 2], 0.1);
    expect(pick.index).toBe(2);
    expect(pick.summary.counts).toEqual({ tp: 21, fp: 3, fn: 9, tn: 30 });
    // With a looser limit the higher-F1 candidate A wins.
    expect(selectCandidate([a, b, c], [0, 1, 2], 0.2).index).toBe(0);
  });

  it("breaks an F1 tie by the lower FAR, and takes the lowest FAR when none meets the limit", () => {
    const sameF1MoreFar = [file(7, 2, 2, 9), file(7, 2, 2, 9), file(7, 2, 2, 9)];
    const sameF1LessFar = [file(7, 2, 2, 20), file(7, 2, 2, 20), file(7, 2, 2, 20)];
    expect(selectCandidate([sameF1MoreFar, sameF1LessFar], [0, 1, 2], 0.5).index).toBe(1);
    expect(selectCandidate([a, c], [0, 1, 2], 0.01).index).toBe(1);
  });

  it("reads only the files it is given", () => {
    // Candidate D is perfect on file 2 and useless on 0 and 1: chosen only where file 2 counts.
    const d = [file(0, 0, 10, 12), file(0, 0, 10, 12), file(1000, 0, 0, 12)];
    expect(selectCandidate([c, d], [0, 1], 0.1).index).toBe(0);
    expect(selectCandidate([c, d], [2], 0.1).index).toBe(1);
  });

  it("rejects candidates that do not cover the same files, and bad indices", () => {
    expect(() => selectCandidate([a, [file(1, 0, 0, 1)]], [0], 0.1)).toThrow(/candidates\[1\]/);
    expect(() => selectCandidate([a], [3], 0.1)).toThrow(/fileIndices/);
    expect(() => selectCandidate([], [0], 0.1)).toThrow(ConfigError);
  });
});

describe("leave-one-file-out", () => {
  it("scores each file with the candidate chosen on the others and pools those evaluations", () => {
    // File 2 alone favours D; held out, it is scored with C, chosen on files 0 and 1.
    const c = [file(7, 1, 3, 10), file(7, 1, 3, 10), file(5, 0, 5, 10)];
    const d = [file(0, 0, 10, 12), file(0, 0, 10, 12), file(10, 0, 0, 10)];
    const r = leaveOneFileOut([c, d], 0.1);
    // Holding out file 0 leaves files 1 (C F1 0.78, D 0) and 2 (C 0.67, D 1.0): pooled C 12/(12+4.5)
    // = 0.727, D 10/(10+5) = 0.667, so C; the same for file 1; file 2 held out: C.
    expect(r.folds.map((f) => f.chosen)).toEqual([0, 0, 0]);
    expect(r.folds.map((f) => f.heldOut)).toEqual([0, 1, 2]);
    expect(r.pooled.counts).toEqual({ tp: 19, fp: 2, fn: 11, tn: 30 });
    expect(r.pooled.files).toBe(3);
  });
});
