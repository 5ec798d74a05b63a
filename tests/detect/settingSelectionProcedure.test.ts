import { describe, expect, it } from "vitest";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { parseSkabCsv } from "../../src/detect/data/skabCsv.js";
import { evaluateTable } from "../../src/detect/evaluation/evaluation.js";
import {
  chunkTable,
  describeCandidate,
  evaluateCandidates,
  gridCandidates,
  runSettingSelection,
  selectSettings,
} from "../../src/detect/evaluation/settingSelection.js";
import { fileWithCounts } from "./fileEvaluationCounts.js";
import { correlatedChannels, skabCsv } from "./syntheticData.js";

const file = fileWithCounts;

/** A small labelled table, rows 10 s apart. */
function table(anomaly: number[] | undefined, changepoint: number[] | undefined, n: number): LabelledTable {
  return {
    source: "t.csv",
    timeColumn: "t_s",
    timeText: Array.from({ length: n }, (_, i) => `r${i}`),
    timeS: Float64Array.from({ length: n }, (_, i) => 10 * i),
    channelNames: ["x", "y"],
    channels: [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => -i)],
    anomaly: anomaly ? Uint8Array.from(anomaly) : undefined,
    changepoint: changepoint ? Uint8Array.from(changepoint) : undefined,
    rowCount: n,
  };
}

describe("the grid's candidates and their one-line names", () => {
  it("a candidate is the fixed settings, the grid's values and a POT threshold at the grid's alpha", () => {
    const candidates = gridCandidates({
      windowRows: [3],
      persistenceRows: [2],
      holdRows: [10],
      alpha: [0.02],
      scaleBlocks: [4],
      baselineRows: [100],
    });
    expect(candidates).toEqual([
      {
        detector: "pca",
        pca: { varianceFraction: 0.9 },
        driftCutoff: 0.5,
        smoothingRows: 1,
        calibrationBlocks: 4,
        windowRows: 3,
        persistenceRows: 2,
        holdRows: 10,
        scaleBlocks: 4,
        baselineRows: 100,
        threshold: { kind: "pot", alpha: 0.02, initialQuantile: 0.9, margin: 1 },
      },
    ]);
    // The default grid: 4 windows x 5 persistences x 4 holds x 4 alphas x 2 scales x 3 baselines.
    expect(gridCandidates()).toHaveLength(1920);
  });

  it("names what a candidate leaves unset: no hold is 0, no alpha is undefined", () => {
    expect(describeCandidate({})).toBe(
      "window undefined, persistence undefined, hold 0, alpha undefined, scale sd, baseline training level",
    );
    expect(
      describeCandidate({ windowRows: 5, persistenceRows: 2, threshold: { kind: "max", margin: 1 } }),
    ).toBe("window 5, persistence 2, hold 0, alpha undefined, scale sd, baseline training level");
    expect(describeCandidate({ scaleBlocks: 4, baselineRows: 300 })).toBe(
      "window undefined, persistence undefined, hold 0, alpha undefined, scale leave-4-block-out spread, baseline followed (300 rows)",
    );
  });
});

describe("selectSettings on precomputed evaluations", () => {
  it("chooses on all files by the FAR limit (10 % by default) and pools the chosen candidate's files", () => {
    // Per file: A F1 0.8, FAR 2/12 (over 10 %); B F1 0.75, FAR 0; C F1 7/9, FAR 1/11: C at 10 %.
    const a = [file(8, 2, 2, 10), file(8, 2, 2, 10), file(8, 2, 2, 10)];
    const b = [file(6, 0, 4, 12), file(6, 0, 4, 12), file(6, 0, 4, 12)];
    const c = [file(7, 1, 3, 10), file(7, 1, 3, 10), file(7, 1, 3, 10)];
    const names = [{ windowRows: 1 }, { windowRows: 2 }, { windowRows: 3 }];
    const r = selectSettings(names, [a, b, c]);
    expect(r.candidates).toBe(names);
    expect(r.final.index).toBe(2);
    expect(r.final.files).toBe(c);
    expect(r.final.summary.files).toBe(3);
    expect(r.final.summary.counts).toEqual({ tp: 21, fp: 3, fn: 9, tn: 30 });
    expect(r.lofo.folds.map((f) => f.chosen)).toEqual([2, 2, 2]);
    // A looser limit lets A's higher F1 win.
    expect(selectSettings(names, [a, b, c], 0.2).final.index).toBe(0);
  });

  it("puts the limit on each kind of file when kinds are given", () => {
    // Files 0 and 1 labelled (kind 0), file 2 nominal (kind 1). Pooled, all are within 12 % and H
    // has the highest F1 (18/21 = 0.857); per kind, H has 2/12 = 16.7 % on kind 0 and E 15/100 on
    // kind 1: G (5 % on kind 1, pooled F1 16/20.5 = 0.780).
    const e = [file(9, 0, 1, 10), file(9, 0, 1, 10), file(0, 15, 0, 85)];
    const g = [file(8, 0, 2, 10), file(8, 0, 2, 10), file(0, 5, 0, 95)];
    const h = [file(9, 2, 1, 10), file(9, 2, 1, 10), file(0, 0, 0, 100)];
    const names = [{ windowRows: 1 }, { windowRows: 2 }, { windowRows: 3 }];
    expect(selectSettings(names, [e, g, h], 0.12).final.index).toBe(2);
    const r = selectSettings(names, [e, g, h], 0.12, [0, 0, 1]);
    expect(r.final.index).toBe(1);
    expect(r.final.summary.counts).toEqual({ tp: 16, fp: 5, fn: 4, tn: 115 });
  });
});

describe("evaluateCandidates and runSettingSelection on synthetic files", () => {
  it("candidates of different windows do not share scores: each is evaluated as a detector of its own", () => {
    const t = parseSkabCsv(
      skabCsv(
        correlatedChannels({
          rows: 800,
          channels: 3,
          seed: 51,
          fault: { from: 500, to: 650, channel: 1, shift: 3 },
        }),
      ),
      "w.csv",
    );
    const candidates = gridCandidates({
      windowRows: [3, 20],
      persistenceRows: [1],
      holdRows: [0],
      alpha: [0.01],
      scaleBlocks: [1],
      baselineRows: [0],
    });
    const shared = evaluateCandidates([t], 300, candidates);
    const own = candidates.map((c) => evaluateTable(t, 300, c).evaluation);
    // The premise: the two windows give different evaluations of this file.
    expect(own[0]).not.toEqual(own[1]);
    expect(shared.map((row) => row[0])).toEqual(own);
  });

  it("runSettingSelection is selectSettings over evaluateCandidates, with the limit and kinds passed on", () => {
    const tables = [51, 52].map((seed) =>
      parseSkabCsv(
        skabCsv(
          correlatedChannels({
            rows: 600,
            channels: 3,
            seed,
            fault: { from: 400, to: 500, channel: 0, shift: 3 },
          }),
        ),
        `s${seed}.csv`,
      ),
    );
    const candidates = gridCandidates({
      windowRows: [3],
      persistenceRows: [1, 3],
      holdRows: [0],
      alpha: [0.01],
      scaleBlocks: [1],
      baselineRows: [0],
    });
    const evaluations = evaluateCandidates(tables, 300, candidates);
    expect(runSettingSelection(tables, 300, candidates)).toEqual(selectSettings(candidates, evaluations));
    expect(runSettingSelection(tables, 300, candidates, 0, [0, 1])).toEqual(
      selectSettings(candidates, evaluations, 0, [0, 1]),
    );
  });
});

describe("chunkTable", () => {
  it("needs a whole number of rows per piece, at least 2, naming the value", () => {
    const t = table([0, 0, 0, 0, 0, 0], undefined, 6);
    for (const [rows, shown] of [
      [1, "1"],
      [2.5, "2.5"],
      [0, "0"],
    ] as const)
      expect(() => chunkTable(t, rows)).toThrow(`chunkRows: must be a whole number >= 2 (got ${shown})`);
    expect(chunkTable(t, 2)).toHaveLength(3);
  });

  it("keeps a last piece that ends exactly at the last row, and cuts labels and changepoints with the rows", () => {
    const t = table([0, 1, 1, 0, 0, 1], [0, 1, 0, 1, 0, 1], 6);
    const pieces = chunkTable(t, 3);
    expect(pieces).toHaveLength(2);
    const last = pieces[1] as LabelledTable;
    expect(last.source).toBe("t.csv rows 4-6");
    expect(Array.from(last.timeS)).toEqual([30, 40, 50]);
    expect(last.timeText).toEqual(["r3", "r4", "r5"]);
    expect(Array.from(last.anomaly ?? [])).toEqual([0, 0, 1]);
    expect(Array.from(last.changepoint ?? [])).toEqual([1, 0, 1]);
    expect(Array.from(last.channels[1] ?? [])).toEqual([-3, -4, -5]);
    expect(last.rowCount).toBe(3);
    // Without labels: every row nominal, and no changepoints.
    const free = chunkTable(table(undefined, undefined, 5), 2);
    expect(free).toHaveLength(2);
    expect(Array.from(free[1]?.anomaly ?? [1])).toEqual([0, 0]);
    expect(free[1]?.changepoint).toBeUndefined();
  });
});
