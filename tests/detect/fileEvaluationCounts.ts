/** A file's evaluation with only its confusion counts set, for the tests of the setting choice. */
import type { FileEvaluation } from "../../src/detect/evaluation/evaluation.js";
import { ZERO_NAB } from "../../src/detect/evaluation/metrics.js";

/** A file's evaluation with the given counts (the choice reads only the counts; delays and NAB are empty). */
export function fileWithCounts(tp: number, fp: number, fn: number, tn: number): FileEvaluation {
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
