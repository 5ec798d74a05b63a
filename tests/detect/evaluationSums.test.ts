import { describe, expect, it } from "vitest";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import {
  changepointsFromAnomaly,
  evaluateScoredTable,
  type FileEvaluation,
  scoreTable,
  summarise,
} from "../../src/detect/evaluation/evaluation.js";

/** A labelled table, rows 10 s apart, one channel. */
function table(anomaly: number[], changepoint?: number[]): LabelledTable {
  const n = anomaly.length;
  return {
    source: "t.csv",
    timeColumn: "datetime",
    timeText: anomaly.map((_, i) => String(i)),
    timeS: Float64Array.from(anomaly, (_, i) => 10 * i),
    channelNames: ["x"],
    channels: [Float64Array.from(anomaly, (_, i) => Math.sin(i))],
    anomaly: Uint8Array.from(anomaly),
    changepoint: changepoint ? Uint8Array.from(changepoint) : undefined,
    rowCount: n,
  };
}

describe("evaluateScoredTable's checks and counts", () => {
  it("refuses an unlabelled table, an alarm of another length and a table without test rows, naming them", () => {
    const unlabelled = { ...table([0, 0, 0]), anomaly: undefined };
    expect(() => evaluateScoredTable(unlabelled, 1, new Uint8Array(3))).toThrow(
      "t.csv: no anomaly column: eval needs labelled data",
    );
    expect(() => evaluateScoredTable(table([0, 0, 0]), 1, new Uint8Array(2))).toThrow(
      "alarm: must have one entry per row (3) (got 2)",
    );
    expect(() => evaluateScoredTable(table([0, 0, 0]), 3, new Uint8Array(3))).toThrow(
      "t.csv: no test rows: the file has 3 rows and --train-rows is 3",
    );
    expect(() => evaluateScoredTable(table([0, 0, 0]), 4, new Uint8Array(3))).toThrow(
      "t.csv: no test rows: the file has 3 rows and --train-rows is 4",
    );
    // One test row is enough.
    expect(evaluateScoredTable(table([0, 0, 1]), 2, Uint8Array.from([0, 0, 1])).counts).toEqual({
      tp: 1,
      fp: 0,
      fn: 0,
      tn: 0,
    });
  });

  it("counts anomalous training rows over the training rows only", () => {
    // Training rows 0-1 hold one anomalous row; row 2, the first test row, is anomalous too.
    const e = evaluateScoredTable(table([0, 1, 1, 1, 0]), 2, new Uint8Array(5));
    expect(e.anomalousTrainRows).toBe(1);
    expect(e.testRows).toBe(3);
  });

  it("takes the file's changepoints even where the anomaly edges would give others", () => {
    // Edges would be rows 3 and 5 (two windows); the column marks row 3 only.
    const e = evaluateScoredTable(table([0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 0, 0]), 1, new Uint8Array(6));
    expect(e.changepointSource).toBe("column");
    expect(e.nab).toEqual({ score: -1, windows: 1, truePositives: 0, falsePositives: 0, missedWindows: 1 });
    // Without the column: both edges.
    const edges = evaluateScoredTable(table([0, 0, 0, 1, 1, 0]), 1, new Uint8Array(6));
    expect(edges.nab.windows).toBe(2);
  });

  it("derives changepoints from a label that starts nominal", () => {
    expect(Array.from(changepointsFromAnomaly(Uint8Array.from([0, 1, 1, 0])))).toEqual([0, 1, 0, 1]);
    expect(Array.from(changepointsFromAnomaly(Uint8Array.from([0, 0])))).toEqual([0, 0]);
  });
});

describe("scoreTable", () => {
  it("refuses a table without test rows, naming the file and the counts", () => {
    expect(() => scoreTable(table([0, 0, 0, 0]), 4)).toThrow(
      "t.csv: no test rows: the file has 4 rows and --train-rows is 4",
    );
    expect(() => scoreTable(table([0, 0, 0, 0]), 5)).toThrow(
      "t.csv: no test rows: the file has 4 rows and --train-rows is 5",
    );
  });
});

describe("summarise", () => {
  it("pools counts, delays and NAB sums of the files, and derives the ratios from the pool", () => {
    const a: FileEvaluation = {
      source: "a.csv",
      rows: 15,
      testRows: 10,
      anomalousTrainRows: 0,
      changepointSource: "column",
      counts: { tp: 3, fp: 1, fn: 1, tn: 5 },
      delays: { events: 2, detected: 1, missed: 1, delaysS: [4] },
      nab: { score: 0.5, windows: 2, truePositives: 1, falsePositives: 1, missedWindows: 1 },
    };
    const b: FileEvaluation = {
      ...a,
      source: "b.csv",
      testRows: 10,
      counts: { tp: 2, fp: 0, fn: 2, tn: 6 },
      delays: { events: 1, detected: 1, missed: 0, delaysS: [10] },
      nab: { score: -1, windows: 1, truePositives: 0, falsePositives: 0, missedWindows: 1 },
    };
    const s = summarise([a, b]);
    expect(s).toMatchObject({
      files: 2,
      testRows: 20,
      counts: { tp: 5, fp: 1, fn: 3, tn: 11 },
      events: 3,
      eventsDetected: 2,
      nabWindowS: 60,
      nab: { score: -0.5, windows: 3, truePositives: 1, falsePositives: 1, missedWindows: 2 },
    });
    expect(s.f1).toBeCloseTo(5 / 7, 12); // 5 / (5 + (1 + 3) / 2)
    expect(s.far).toBeCloseTo(1 / 12, 12);
    expect(s.mar).toBeCloseTo(3 / 8, 12);
    expect(s.meanDelayS).toBeCloseTo(7, 12); // (4 + 10) / 2
    // 100 (S - S_null) / (S_perfect - S_null), S_null = -3, S_perfect = 3.
    expect(s.nabStandard).toBeCloseTo((100 * 2.5) / 6, 10);
  });

  it("of no files: zero counts and every ratio undefined", () => {
    expect(summarise([])).toEqual({
      files: 0,
      testRows: 0,
      counts: { tp: 0, fp: 0, fn: 0, tn: 0 },
      f1: null,
      far: null,
      mar: null,
      events: 0,
      eventsDetected: 0,
      meanDelayS: null,
      nabStandard: null,
      nabWindowS: 60,
      nab: { score: 0, windows: 0, truePositives: 0, falsePositives: 0, missedWindows: 0 },
    });
  });
});
