import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  leaveOneFileOut,
  leaveOneFileOutSplits,
  selectCandidate,
} from "../../src/detect/evaluation/leaveOneFileOut.js";
import { fileWithCounts } from "./fileEvaluationCounts.js";

const file = fileWithCounts;

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

  it("accepts exactly two files: each is the other's only training file", () => {
    expect(leaveOneFileOutSplits(2)).toEqual([
      { heldOut: 0, training: [1] },
      { heldOut: 1, training: [0] },
    ]);
  });

  it("needs two files, a whole number of them", () => {
    expect(() => leaveOneFileOutSplits(1)).toThrow(ConfigError);
    expect(() => leaveOneFileOutSplits(1)).toThrow(
      "files: leave-one-file-out needs at least 2 files (got 1)",
    );
    expect(() => leaveOneFileOutSplits(2.5)).toThrow(
      "files: leave-one-file-out needs at least 2 files (got 2.5)",
    );
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

  it("skips a higher-F1 candidate over the limit even when it comes after the chosen one", () => {
    // C (FAR 9.1 %) is within 10 %, A (F1 0.8 > 0.778, FAR 16.7 %) is not: C, the first.
    expect(selectCandidate([c, a], [0, 1, 2], 0.1).index).toBe(0);
  });

  it("accepts a candidate whose FAR equals the limit exactly", () => {
    // P: F1 8/10 = 0.8, FAR 1/4 = 0.25 exactly (pooled 3/12); Q: F1 6/8 = 0.75, FAR 0.
    const p = [file(8, 1, 3, 3), file(8, 1, 3, 3), file(8, 1, 3, 3)];
    const q = [file(6, 0, 4, 4), file(6, 0, 4, 4), file(6, 0, 4, 4)];
    expect(selectCandidate([p, q], [0, 1, 2], 0.25).index).toBe(0);
    expect(selectCandidate([p, q], [0, 1, 2], 0.24).index).toBe(1);
  });

  it("when none meets the limit, takes the lowest FAR wherever it stands, and the earlier on a tie", () => {
    // C FAR 1/11 = 9.1 % < A 16.7 %, both over a 1 % limit.
    expect(selectCandidate([c, a], [0, 1, 2], 0.01).index).toBe(0);
    // C and C2 both have FAR 1/11 (C2 fewer true positives): the earlier one, whichever it is.
    const c2 = [file(5, 1, 5, 10), file(5, 1, 5, 10), file(5, 1, 5, 10)];
    expect(selectCandidate([c, c2], [0, 1, 2], 0.01).index).toBe(0);
    expect(selectCandidate([c2, c], [0, 1, 2], 0.01).index).toBe(0);
    expect(selectCandidate([c2, c], [0, 1, 2], 0.01).summary.counts).toEqual({
      tp: 15,
      fp: 3,
      fn: 15,
      tn: 30,
    });
  });

  it("accepts FAR limits of exactly 0 and 1", () => {
    // Limit 0: only B (FAR 0) qualifies. Limit 1: every candidate does, and A has the highest F1.
    expect(selectCandidate([a, b, c], [0, 1, 2], 0).index).toBe(1);
    expect(selectCandidate([a, b, c], [0, 1, 2], 1).index).toBe(0);
  });

  it("rejects a FAR limit outside [0, 1], naming it", () => {
    for (const [limit, shown] of [
      [-0.5, "-0.5"],
      [-0.01, "-0.01"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [Number.NEGATIVE_INFINITY, "-Infinity"],
    ] as const)
      expect(() => selectCandidate([a, b], [0, 1], limit)).toThrow(
        `farLimit: must be in [0, 1] (got ${shown})`,
      );
  });

  it("rejects candidates that do not cover the same files, and bad indices, naming them", () => {
    expect(() => selectCandidate([a, [file(1, 0, 0, 1)]], [0], 0.1)).toThrow(
      'candidates[1]: must evaluate all 3 files (got "1 files")',
    );
    expect(() => selectCandidate([], [0], 0.1)).toThrow(ConfigError);
    expect(() => selectCandidate([], [0], 0.1)).toThrow("candidates: need at least one candidate (got 0)");
    expect(() => selectCandidate([], [], 0.1)).toThrow("candidates: need at least one candidate (got 0)");
    for (const [index, shown] of [
      [3, "3"],
      [-1, "-1"],
      [0.5, "0.5"],
      [1.5, "1.5"],
    ] as const)
      expect(() => selectCandidate([a], [0, index], 0.1)).toThrow(
        `fileIndices: must be a file index in 0..2 (got ${shown})`,
      );
    // The last file is a valid index.
    expect(selectCandidate([a], [2], 0.1).summary.counts).toEqual({ tp: 8, fp: 2, fn: 2, tn: 10 });
  });
});

describe("choice with a FAR limit on each kind of file", () => {
  // Files 0 and 1 labelled (kind 0), file 2 a nominal run (kind 1: no anomalies).
  // E: labelled F1 9/10 = 0.9, FAR 0/20 = 0 on kind 0; kind 1 FAR 15/100 = 15 %. Pooled FAR
  //    15/135 = 11.1 %, pooled F1 18/(18 + (15 + 2)/2) = 18/26.5 = 0.679.
  // G: labelled F1 8/9 = 0.889 per file, FAR 0; kind 1 FAR 5/100 = 5 %. Pooled FAR 5/125 = 4 %,
  //    pooled F1 16/(16 + (5 + 4)/2) = 16/20.5 = 0.780.
  // H: like E on kind 0 with 2 false alarms per labelled file (FAR 2/12 = 16.7 % on kind 0),
  //    kind 1 FAR 0: pooled FAR 4/124 = 3.2 %, pooled F1 18/(18 + 3) = 0.857.
  const e = [file(9, 0, 1, 10), file(9, 0, 1, 10), file(0, 15, 0, 85)];
  const g = [file(8, 0, 2, 10), file(8, 0, 2, 10), file(0, 5, 0, 95)];
  const h = [file(9, 2, 1, 10), file(9, 2, 1, 10), file(0, 0, 0, 100)];
  const kinds = [0, 0, 1];

  it("refuses a candidate within the limit pooled but over it on one kind", () => {
    // Pooled, all three are within 12 %, and H has the highest pooled F1.
    expect(selectCandidate([e, g, h], [0, 1, 2], 0.12).index).toBe(2);
    // Per kind, H (16.7 % on kind 0) and E (15 % on kind 1) are over 12 %: G.
    expect(selectCandidate([e, g, h], [0, 1, 2], 0.12, kinds).index).toBe(1);
    // At 15 % exactly E is within on both kinds, and its pooled F1 0.679 < G's 0.780: still G.
    expect(selectCandidate([e, g], [0, 1, 2], 0.15, kinds).index).toBe(1);
  });

  it("only the kinds among the files it is given count", () => {
    // Without file 2 only kind 0 counts: E and G have FAR 0, E the higher F1.
    expect(selectCandidate([e, g, h], [0, 1], 0.12, kinds).index).toBe(0);
  });

  it("with none within the limit, takes the lowest worst-kind FAR", () => {
    // Worst kind: E 15 %, G 5 %, H 16.7 %; pooled H 3.2 % would win on the pool.
    expect(selectCandidate([e, g, h], [0, 1, 2], 0.01).index).toBe(2);
    expect(selectCandidate([e, g, h], [0, 1, 2], 0.01, kinds).index).toBe(1);
    expect(selectCandidate([h, e], [0, 1, 2], 0.01, kinds).index).toBe(1);
  });

  it("a kind exactly at the limit is within it; a kind without nominal rows has FAR 0", () => {
    // K: no false alarm anywhere, pooled F1 2/(2 + 9) = 0.18. E's kind 1 FAR is 15/100 = 0.15.
    const k = [file(1, 0, 9, 10), file(1, 0, 9, 10), file(0, 0, 0, 100)];
    expect(selectCandidate([e, k], [0, 1, 2], 0.15, kinds).index).toBe(0);
    expect(selectCandidate([e, k], [0, 1, 2], 0.149, kinds).index).toBe(1);
    // File 3 is all anomalous (no nominal rows): its kind's FAR counts as 0, so at a 0 limit both
    // candidates stay in and E (F1 23/26.5 = 0.868 on files 0, 1, 3) beats G (21/25.5 = 0.824).
    const allAnomalous = file(5, 0, 5, 0);
    const withKind = [g, e].map((c) => [...c, allAnomalous]);
    expect(selectCandidate(withKind, [0, 1, 3], 0, [0, 0, 1, 2]).index).toBe(1);
  });

  it("one kind for all files is the pooled rule", () => {
    expect(selectCandidate([e, g, h], [0, 1, 2], 0.12, [3, 3, 3]).index).toBe(2);
  });

  it("needs a kind for every file", () => {
    expect(() => selectCandidate([e, g], [0, 1], 0.1, [0, 1])).toThrow(
      "fileKinds: must give the kind of each of the 3 files (got 2)",
    );
    expect(() => leaveOneFileOut([e, g], 0.1, [0])).toThrow(ConfigError);
  });

  it("leave-one-file-out applies it in every fold", () => {
    // Fold 2 (the nominal run held out) sees kind 0 only and picks E (FAR 0, F1 0.9), which then
    // scores file 2 with its 15 false alarms; folds 0 and 1 see both kinds and pick G.
    const r = leaveOneFileOut([e, g, h], 0.12, kinds);
    expect(r.folds.map((f) => f.chosen)).toEqual([1, 1, 0]);
    expect(r.pooled.counts).toEqual({ tp: 16, fp: 15, fn: 4, tn: 105 });
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

  it("runs over exactly two files", () => {
    // Each file is scored with the candidate the other file picks: file 1 picks C (F1 0.78
    // against 0) to score file 0; file 0 picks D (F1 1.0 against 0.78) to score file 1.
    const c = [file(7, 1, 3, 10), file(7, 1, 3, 10)];
    const d = [file(10, 0, 0, 10), file(0, 0, 10, 12)];
    const r = leaveOneFileOut([c, d], 0.1);
    expect(r.folds.map((f) => f.chosen)).toEqual([0, 1]);
    expect(r.pooled.counts).toEqual({ tp: 7, fp: 1, fn: 13, tn: 22 });
  });
});
