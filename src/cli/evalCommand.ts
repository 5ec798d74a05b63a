/**
 * `looptwin eval FILE|DIR... [--format skab|looptwin] [--detector NAME] [--train-rows N] [--config FILE] [--json]`:
 * runs a detector over labelled files and reports point-wise F1 / FAR / MAR over the test parts
 * of all files together (as SKAB defines them), the mean detection delay per labelled event and
 * the NAB standard-profile score. The learned detector trains on the first `--train-rows` rows of
 * each file (default 400) and is scored on the rest; the twin's residual monitor (the default on
 * the project's own data, e.g. `simulate --sensors` runs with faults) needs no training and is
 * scored on every row unless `--train-rows` says otherwise.
 */
import { ConfigError, InputFileError } from "../core/errors.js";
import type { LabelledTable, TableFormat } from "../detect/data/labelledTable.js";
import {
  type EvaluationSummary,
  evaluateScoredTable,
  evaluateTable,
  type FileEvaluation,
  summarise,
} from "../detect/evaluation/evaluation.js";
import {
  f1Score,
  falseAlarmRate,
  meanDelayS,
  missedAlarmRate,
  nabScore,
} from "../detect/evaluation/metrics.js";
import { runMonitorOnTable } from "../detect/monitor/monitorTable.js";
import { flagOpt, parseCommandArgs, stringOpt, stringsOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  chooseDetector,
  type DetectorChoice,
  learnedInputTable,
  learnedLooptwinSetHelp,
  learnedTrainRows,
  readDetectRig,
  tableOnRig,
  twinSetHelp,
} from "./detectorChoice.js";
import {
  detectorSetHelp,
  expandInput,
  parseFormatArg,
  parseTrainRowsArg,
  readLabelledTable,
} from "./labelledTableFiles.js";

const HELP = `Usage: looptwin eval FILE|DIR... [options]

Evaluates a detector on labelled files (an "anomaly" column, or label records in a recording, is
required; changepoints come from a "changepoint" column, else from the anomaly labels' edges).
The learned detector (pca, iforest; default on SKAB files): per file, train on the first
--train-rows rows, score every row online, count only the rows after the training rows. On
looptwin data it reads the twin's residuals (res_t_hot_k, res_t_cold_k, res_flow_lpm: the rig's
measurements minus the twin at the operator's setpoints; never the simulator's ground truth or
raw counts), missing values carried from the last finite one, and trains by default on the
first hour of rows. The twin's residual monitor (twin; default on --format looptwin: simulate
--sensors CSVs with faults, recordings with labels): no training, every row counts (unless
--train-rows is given).

Reports, over the test parts of all files together:
  F1 = TP/(TP+(FP+FN)/2), FAR = FP/(FP+TN), MAR = FN/(FN+TP)   point-wise (SKAB's definitions)
  mean detection delay                                          per labelled anomaly event
  NAB standard-profile score                                    60 s window right of each changepoint
A ratio with a zero denominator is n/a (null in JSON).

Options:
  --format skab|looptwin  input format (default: guessed from the header)
  --train-rows N          rows of each file not counted (learned: trained on; default 400 on
                          skab, the first hour of rows (t_s < first + 3600) on looptwin; twin 0)
  --detector NAME         twin (default for looptwin), pca (default for skab), iforest, or a
                          residual detector spec for the twin, e.g. cusum:k=0.5,h=8
  --config FILE           looptwin data: the rig config of the rig that made the files (as
                          "looptwin calibrate --out" writes it): the twin's loop parameters, and
                          its thermistor offsets added to the measured temperatures; --set of a
                          loop parameter wins
  --set KEY=VALUE         detector setting (repeatable); learned detector:
${detectorSetHelp()}
${learnedLooptwinSetHelp()}
                          twin:
${twinSetHelp()}
  --per-file              also print one line per file
  --json                  print one JSON object instead of the table
`;

/** A ratio as a percentage with one decimal, or n/a. */
function pct(x: number | null): string {
  return x === null ? "n/a" : `${(100 * x).toFixed(1)} %`;
}

function fixed(x: number | null, digits: number): string {
  return x === null ? "n/a" : x.toFixed(digits);
}

/** The end of a long path, so file names stay visible in a fixed-width column. */
function shortName(path: string, width: number): string {
  return path.length <= width ? path : `...${path.slice(path.length - width + 3)}`;
}

/** Evaluates one file; a training failure (too few rows) names the file. */
function evaluateFile(table: LabelledTable, trainRows: number, choice: DetectorChoice): FileEvaluation {
  if (choice.kind === "twin") {
    const result = runMonitorOnTable(table, choice.config);
    return evaluateScoredTable(table, trainRows, result.anomaly);
  }
  try {
    return evaluateTable(learnedInputTable(table, choice), trainRows, choice.options).evaluation;
  } catch (e) {
    if (e instanceof ConfigError && e.field === "trainRows")
      throw new InputFileError(table.source, `cannot train: ${e.message}`, {}, { cause: e });
    throw e;
  }
}

/** The report's JSON object. */
export function evaluationJson(
  summary: EvaluationSummary,
  files: readonly FileEvaluation[],
  trainRows: number,
  choice: DetectorChoice,
): Record<string, unknown> {
  return {
    detector: choice.kind === "learned" ? choice.options.detector : choice.name,
    options: choice.kind === "learned" ? choice.options : choice.config,
    trainRows,
    files: summary.files,
    testRows: summary.testRows,
    tp: summary.counts.tp,
    fp: summary.counts.fp,
    fn: summary.counts.fn,
    tn: summary.counts.tn,
    f1: summary.f1,
    far: summary.far,
    mar: summary.mar,
    events: summary.events,
    eventsDetected: summary.eventsDetected,
    meanDelayS: summary.meanDelayS,
    nabStandard: summary.nabStandard,
    nabWindowS: summary.nabWindowS,
    nabWindows: summary.nab.windows,
    nabFalsePositives: summary.nab.falsePositives,
    perFile: files.map((f) => ({
      file: f.source,
      rows: f.rows,
      trainRows: f.rows - f.testRows,
      testRows: f.testRows,
      anomalousTrainRows: f.anomalousTrainRows,
      changepoints: f.changepointSource,
      ...f.counts,
      f1: f1Score(f.counts),
      far: falseAlarmRate(f.counts),
      mar: missedAlarmRate(f.counts),
      events: f.delays.events,
      eventsDetected: f.delays.detected,
      meanDelayS: meanDelayS(f.delays),
      nabStandard: nabScore(f.nab),
    })),
  };
}

/** The report as a text table. */
export function evaluationTable(
  summary: EvaluationSummary,
  files: readonly FileEvaluation[],
  trainRows: number,
  choice: DetectorChoice,
  perFile: boolean,
): string {
  const c = summary.counts;
  const head =
    choice.kind === "learned"
      ? `detector ${choice.options.detector}, trained on the first ${trainRows} rows of each file`
      : `detector ${choice.name} (the twin's residual monitor)${trainRows > 0 ? `, the first ${trainRows} rows of each file not counted` : ""}`;
  const lines = [
    `${head}; ${summary.files} files, ${summary.testRows} test rows`,
    "",
    `  F1            ${fixed(summary.f1, 3)}`,
    `  FAR           ${pct(summary.far)}`,
    `  MAR           ${pct(summary.mar)}`,
    `  TP FP FN TN   ${c.tp} ${c.fp} ${c.fn} ${c.tn}`,
    `  events        ${summary.eventsDetected} of ${summary.events} detected, mean delay ${fixed(summary.meanDelayS, 1)} s`,
    `  NAB standard  ${fixed(summary.nabStandard, 2)} (${summary.nab.windows} windows of ${summary.nabWindowS} s, ${summary.nab.falsePositives} predictions outside them)`,
  ];
  if (perFile) {
    lines.push("", "  file                               F1      FAR      MAR  events  delay s      NAB");
    for (const f of files) {
      lines.push(
        `  ${shortName(f.source, 32).padEnd(32)} ${fixed(f1Score(f.counts), 3).padStart(5)} ${pct(falseAlarmRate(f.counts)).padStart(8)} ${pct(missedAlarmRate(f.counts)).padStart(8)} ${`${f.delays.detected}/${f.delays.events}`.padStart(7)} ${fixed(meanDelayS(f.delays), 1).padStart(8)} ${fixed(nabScore(f.nab), 2).padStart(8)}`,
      );
    }
  }
  const warned = files.filter((f) => f.anomalousTrainRows > 0);
  if (warned.length > 0)
    lines.push(
      "",
      `warning: ${warned.length} file(s) have rows labelled anomalous inside the training rows (${warned.map((f) => f.source).join(", ")})`,
    );
  return `${lines.join("\n")}\n`;
}

export const evalCommand: Command = {
  name: "eval",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCommandArgs(
      argv,
      {
        format: { type: "string" },
        "train-rows": { type: "string" },
        detector: { type: "string" },
        set: { type: "string", multiple: true },
        config: { type: "string" },
        "per-file": { type: "boolean" },
        json: { type: "boolean" },
      },
      true,
    );
    if (args.positionals.length === 0)
      throw new ConfigError("FILE|DIR", undefined, "give at least one input file or directory");
    const format = parseFormatArg(stringOpt(args, "format"));
    const trainText = stringOpt(args, "train-rows");
    const detector = stringOpt(args, "detector");
    const sets = stringsOpt(args, "set");
    const rig = readDetectRig(stringOpt(args, "config"), io.cwd);
    if (format !== undefined) chooseDetector(format, detector, sets, rig?.params);
    const inputs = args.positionals.flatMap((p) => expandInput(p, io.cwd));
    const formatOf = (t: LabelledTable): TableFormat =>
      format ?? (t.timeColumn === "t_s" ? "looptwin" : "skab");
    const tables = inputs.map((f) => {
      const table = readLabelledTable(f.path, io.cwd, format);
      return tableOnRig(table, formatOf(table), rig);
    });
    const choices = tables.map((t) => chooseDetector(formatOf(t), detector, sets, rig?.params));
    const choice = choices[0] as DetectorChoice;
    const mixed = choices.findIndex((c) => c.name !== choice.name);
    if (mixed >= 0)
      throw new ConfigError(
        "--format",
        format,
        `${tables[0]?.source} and ${tables[mixed]?.source} are of different formats (one detector evaluates all files: give --format)`,
      );
    const trainRowsOf = (t: LabelledTable): number =>
      choice.kind === "learned"
        ? learnedTrainRows(t, trainText)
        : trainText === undefined
          ? 0
          : parseTrainRowsArg(trainText);
    const perFileTrainRows = tables.map(trainRowsOf);
    // Reported as one number: the first file's (looptwin files at other rates differ, see perFile).
    const trainRows = perFileTrainRows[0] as number;
    const files = tables.map((t, k) => evaluateFile(t, perFileTrainRows[k] as number, choice));
    const summary = summarise(files);
    if (flagOpt(args, "json"))
      io.stdout.write(`${JSON.stringify(evaluationJson(summary, files, trainRows, choice))}\n`);
    else io.stdout.write(evaluationTable(summary, files, trainRows, choice, flagOpt(args, "per-file")));
    return 0;
  },
};
