/**
 * Evaluation of the learned detector on labelled tables, the SKAB way: per file, train on the
 * first `trainRows` rows, score every row online, and count only the test part (rows from
 * `trainRows` on); point-wise metrics over the test parts of all files together, detection delay
 * per labelled event, NAB score over the changepoints (see metrics.ts).
 */
import { ConfigError, InputFileError } from "../../core/errors.js";
import type { LabelledTable } from "../data/labelledTable.js";
import {
  fitLearnedDetector,
  type LearnedDetectorOptions,
  type LearnedModel,
  scoreChannels,
} from "../learned/learnedDetector.js";
import {
  addCounts,
  addNab,
  type ConfusionCounts,
  combineDelays,
  confusionCounts,
  type EventDelays,
  eventDelays,
  f1Score,
  falseAlarmRate,
  meanDelayS,
  missedAlarmRate,
  NAB_PROFILES,
  NAB_WINDOW_S,
  type NabTally,
  nabScore,
  nabTally,
  ZERO_COUNTS,
  ZERO_NAB,
} from "./metrics.js";

export interface FileEvaluation {
  readonly source: string;
  readonly rows: number;
  readonly testRows: number;
  /** Rows labelled anomalous inside the training part (the detector is trained on them anyway). */
  readonly anomalousTrainRows: number;
  /** Whether changepoints came from the file or were derived from the anomaly labels' edges. */
  readonly changepointSource: "column" | "anomaly edges";
  readonly counts: ConfusionCounts;
  readonly delays: EventDelays;
  readonly nab: NabTally;
}

export interface EvaluationSummary {
  readonly files: number;
  readonly testRows: number;
  readonly counts: ConfusionCounts;
  readonly f1: number | null;
  readonly far: number | null;
  readonly mar: number | null;
  readonly events: number;
  readonly eventsDetected: number;
  readonly meanDelayS: number | null;
  readonly nabStandard: number | null;
  readonly nabWindowS: number;
  readonly nab: NabTally;
}

/** Changepoints derived from the anomaly labels: every row where the label switches. */
export function changepointsFromAnomaly(anomaly: Uint8Array): Uint8Array {
  const cp = new Uint8Array(anomaly.length);
  for (let i = 0; i < anomaly.length; i++) {
    const before = i === 0 ? 0 : (anomaly[i - 1] as number);
    if ((anomaly[i] as number) !== before) cp[i] = 1;
  }
  return cp;
}

/** Evaluates one scored table's test part (rows from trainRows on). */
export function evaluateScoredTable(
  table: LabelledTable,
  trainRows: number,
  alarm: Uint8Array,
): FileEvaluation {
  const anomaly = table.anomaly;
  if (!anomaly) throw new InputFileError(table.source, "no anomaly column: eval needs labelled data");
  if (alarm.length !== table.rowCount)
    throw new ConfigError("alarm", alarm.length, `must have one entry per row (${table.rowCount})`);
  if (trainRows >= table.rowCount)
    throw new InputFileError(
      table.source,
      `no test rows: the file has ${table.rowCount} rows and --train-rows is ${trainRows}`,
    );
  let anomalousTrainRows = 0;
  for (let i = 0; i < trainRows; i++) anomalousTrainRows += anomaly[i] as number;
  const changepoint = table.changepoint ?? changepointsFromAnomaly(anomaly);
  return {
    source: table.source,
    rows: table.rowCount,
    testRows: table.rowCount - trainRows,
    anomalousTrainRows,
    changepointSource: table.changepoint ? "column" : "anomaly edges",
    counts: confusionCounts(anomaly, alarm, trainRows, table.rowCount),
    delays: eventDelays(table.timeS, anomaly, alarm, trainRows, table.rowCount),
    nab: nabTally(
      table.timeS,
      changepoint,
      alarm,
      trainRows,
      table.rowCount,
      NAB_PROFILES.standard,
      NAB_WINDOW_S,
    ),
  };
}

/** Trains on the table's first trainRows rows and scores all rows (scores and alarm decisions). */
export function scoreTable(
  table: LabelledTable,
  trainRows: number,
  options: Partial<LearnedDetectorOptions> = {},
): { readonly model: LearnedModel; readonly score: Float64Array; readonly anomaly: Uint8Array } {
  if (trainRows >= table.rowCount)
    throw new InputFileError(
      table.source,
      `no test rows: the file has ${table.rowCount} rows and --train-rows is ${trainRows}`,
    );
  const model = fitLearnedDetector(table.channelNames, table.channels, trainRows, options);
  return { model, ...scoreChannels(model, table.channels, table.rowCount) };
}

/** Trains on the table's first trainRows rows, scores all rows, and evaluates the test part. */
export function evaluateTable(
  table: LabelledTable,
  trainRows: number,
  options: Partial<LearnedDetectorOptions> = {},
): { readonly model: LearnedModel; readonly evaluation: FileEvaluation } {
  const { model, anomaly } = scoreTable(table, trainRows, options);
  return { model, evaluation: evaluateScoredTable(table, trainRows, anomaly) };
}

/** Totals over files: point-wise metrics over all test rows together, delays and NAB summed. */
export function summarise(files: readonly FileEvaluation[]): EvaluationSummary {
  let counts = ZERO_COUNTS;
  let delays: EventDelays = { events: 0, detected: 0, missed: 0, delaysS: [] };
  let nab: NabTally = ZERO_NAB;
  let testRows = 0;
  for (const f of files) {
    counts = addCounts(counts, f.counts);
    delays = combineDelays(delays, f.delays);
    nab = addNab(nab, f.nab);
    testRows += f.testRows;
  }
  return {
    files: files.length,
    testRows,
    counts,
    f1: f1Score(counts),
    far: falseAlarmRate(counts),
    mar: missedAlarmRate(counts),
    events: delays.events,
    eventsDetected: delays.detected,
    meanDelayS: meanDelayS(delays),
    nabStandard: nabScore(nab, NAB_PROFILES.standard),
    nabWindowS: NAB_WINDOW_S,
    nab,
  };
}
