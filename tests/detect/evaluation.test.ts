import { describe, expect, it } from "vitest";
import { InputFileError } from "../../src/core/errors.js";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import {
  changepointsFromAnomaly,
  evaluateScoredTable,
  summarise,
} from "../../src/detect/evaluation/evaluation.js";

function table(anomaly: number[], changepoint?: number[]): LabelledTable {
  const n = anomaly.length;
  return {
    source: "t.csv",
    timeColumn: "datetime",
    timeText: anomaly.map((_, i) => String(i)),
    timeS: Float64Array.from(anomaly, (_, i) => 10 * i),
    channelNames: ["x"],
    channels: [new Float64Array(n)],
    anomaly: Uint8Array.from(anomaly),
    changepoint: changepoint ? Uint8Array.from(changepoint) : undefined,
    rowCount: n,
  };
}

describe("evaluation of a scored table", () => {
  it("counts only rows after the training rows and notes anomalies inside the training part", () => {
    const t = table([1, 0, 0, 1, 1, 0, 0, 1]);
    const alarm = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 1]);
    const e = evaluateScoredTable(t, 2, alarm);
    expect(e.counts).toEqual({ tp: 2, fp: 1, fn: 1, tn: 2 });
    expect(e.testRows).toBe(6);
    expect(e.anomalousTrainRows).toBe(1);
    // Events in the test part: rows 3-4 (alarm at row 4: 10 s late) and row 7 (on time).
    expect(e.delays).toEqual({ events: 2, detected: 2, missed: 0, delaysS: [10, 0] });
    expect(e.changepointSource).toBe("anomaly edges");
  });

  it("derives changepoints from the anomaly labels' edges when the file has none", () => {
    expect(Array.from(changepointsFromAnomaly(Uint8Array.from([1, 1, 0, 0, 1, 0])))).toEqual([
      1, 0, 1, 0, 1, 1,
    ]);
  });

  it("uses the file's changepoint column when present", () => {
    const t = table([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 0, 0]);
    const e = evaluateScoredTable(t, 1, Uint8Array.from([0, 0, 0, 0, 1, 1]));
    expect(e.nab.windows).toBe(1);
    expect(e.changepointSource).toBe("column");
  });

  it("sums files: point-wise metrics over all test rows together", () => {
    const a = evaluateScoredTable(table([0, 0, 1, 1]), 1, Uint8Array.from([0, 1, 1, 0]));
    const b = evaluateScoredTable(table([0, 1, 1, 0]), 1, Uint8Array.from([0, 1, 1, 0]));
    const s = summarise([a, b]);
    expect(s.counts).toEqual({ tp: 3, fp: 1, fn: 1, tn: 1 });
    expect(s.f1).toBeCloseTo(3 / 4, 12);
    expect(s.testRows).toBe(6);
  });

  it("needs an anomaly column and at least one test row", () => {
    const unlabelled = { ...table([0, 0]), anomaly: undefined };
    expect(() => evaluateScoredTable(unlabelled, 1, new Uint8Array(2))).toThrow(InputFileError);
    expect(() => evaluateScoredTable(table([0, 0]), 2, new Uint8Array(2))).toThrow(/no test rows/);
  });
});
