/**
 * `looptwin detect FILE|DIR [--format skab|looptwin] [--train-rows N] [--detector NAME] [--config FILE] [--out FILE|DIR]`
 * (docs/design.md 5): per-row anomaly scores and decisions, one row per input row.
 *
 * - The learned detector (`pca`, `iforest`; the default on SKAB files) trains on the first
 *   `--train-rows` rows of each file only and writes `<time column>,score,anomaly`.
 * - The twin's residual monitor (`twin`; the default on the project's own data, a `simulate
 *   --sensors` CSV or a recording) runs the twin beside the recorded rig and writes
 *   `t_s,score,anomaly,diagnosis` (detectorChoice.ts, monitorTable.ts).
 *
 * A directory argument processes every data file below it into a mirrored output directory.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { CsvWriter, textSink } from "../core/csvWriter.js";
import { ConfigError, InputFileError } from "../core/errors.js";
import type { LabelledTable, TableFormat } from "../detect/data/labelledTable.js";
import { fitLearnedDetector, type LearnedModel, scoreChannels } from "../detect/learned/learnedDetector.js";
import { learnedModelToJson } from "../detect/learned/learnedModelFile.js";
import { type MonitorTableResult, runMonitorOnTable } from "../detect/monitor/monitorTable.js";
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
  isDirectory,
  parseFormatArg,
  parseTrainRowsArg,
  readLabelledTable,
} from "./labelledTableFiles.js";
import { readLearnedModelArg } from "./learnedModelArg.js";

const HELP = `Usage: looptwin detect FILE|DIR [options]

Per-row anomaly scores and decisions, exactly one output row per input row.

On the project's own data (--format looptwin: a "simulate --sensors" CSV or a recording) the
default is the twin's residual monitor: the loop model runs beside the rig at the operator's
setpoints, its residuals feed the detectors and the fault isolation. Writes CSV
"t_s,score,anomaly,diagnosis" (score >= 1 is alarm level; anomaly 1 while an alarm condition is
active; the diagnosis of the active alarm, e.g. "pump failure", empty when none).

On SKAB-layout data (--format skab) the default is the learned detector, trained on nominal rows
only. Writes CSV "datetime,score,anomaly" (the input's time column, the score normalised so that
1 is the training threshold, and the 0/1 alarm). The learned detector on looptwin data reads the
twin's residuals (res_t_hot_k, res_t_cold_k, res_flow_lpm; never the simulator's ground truth or
raw counts; missing values carried from the last finite one) and writes "t_s,score,anomaly".

Options:
  --format skab|looptwin  input format (default: guessed from the header)
  --detector NAME         twin (default for looptwin), pca (default for skab) or iforest; or a
                          residual detector spec replacing the twin's primary detector, e.g.
                          cusum:k=0.5,h=8 (threshold|ewma|cusum|chi_square; inputs in band units)
  --train-rows N          learned detector: train on the first N rows of each file (default 400
                          on skab; on looptwin the first hour of rows, t_s < first + 3600)
  --config FILE           looptwin data: the rig config of the rig that made the file (as
                          "looptwin calibrate --out" writes it): the twin's loop parameters, and
                          its thermistor offsets added to the file's measured temperatures;
                          --set of a loop parameter wins
  --set KEY=VALUE         detector setting (repeatable); learned detector:
${detectorSetHelp()}
${learnedLooptwinSetHelp()}
                          twin:
${twinSetHelp()}
  --out FILE|DIR          output file (default stdout); required for a directory, which is
                          mirrored: every CSV below DIR gets an output at the same relative path
  --save-model FILE       learned detector: write the fitted model as JSON (single input file only)
  --model FILE            learned detector: score with a saved model instead of training
  --quiet                 no summary on stderr
`;

/** Formats a score compactly (6 significant digits). */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? String(Number(score.toPrecision(6))) : String(score);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Text written through a {@link CsvWriter} (the chunks joined once at the end). */
function csvText(write: (out: CsvWriter) => void): string {
  const chunks: string[] = [];
  const out = new CsvWriter(textSink((chunk) => chunks.push(chunk)));
  write(out);
  out.flush();
  return chunks.join("");
}

/** The detect output CSV for a scored table. */
export function detectOutputCsv(table: LabelledTable, score: Float64Array, anomaly: Uint8Array): string {
  return csvText((out) => {
    out.text(`${csvCell(table.timeColumn)},score,anomaly\n`);
    for (let i = 0; i < table.rowCount; i++) {
      out.text(csvCell(table.timeText[i] as string));
      out.comma();
      out.text(formatScore(score[i] as number));
      out.comma();
      out.int(anomaly[i] as number);
      out.newline();
    }
  });
}

/** The table's channels in the model's order; an InputFileError when one is missing. */
export function channelsForModel(table: LabelledTable, model: LearnedModel): Float64Array[] {
  return model.channelNames.map((name) => {
    const i = table.channelNames.indexOf(name);
    if (i < 0)
      throw new InputFileError(
        table.source,
        `missing column ${JSON.stringify(name)} that the model was trained on`,
        {
          line: 1,
          column: name,
        },
      );
    return table.channels[i] as Float64Array;
  });
}

/** The twin's detect output CSV: `t_s,score,anomaly,diagnosis`, one row per input row. */
export function twinDetectOutputCsv(table: LabelledTable, result: MonitorTableResult): string {
  return csvText((out) => {
    out.text(`${csvCell(table.timeColumn)},score,anomaly,diagnosis\n`);
    for (let i = 0; i < table.rowCount; i++) {
      out.text(csvCell(table.timeText[i] as string));
      out.comma();
      out.text(formatScore(result.score[i] as number));
      out.comma();
      out.int(result.anomaly[i] as number);
      out.comma();
      out.text(csvCell(result.diagnosis[i] ?? ""));
      out.newline();
    }
  });
}

interface DetectOneResult {
  readonly model: LearnedModel | undefined;
  readonly csv: string;
  readonly rows: number;
  readonly alarms: number;
}

function detectOne(
  table: LabelledTable,
  trainText: string | undefined,
  choice: DetectorChoice,
  loaded: LearnedModel | undefined,
): DetectOneResult {
  if (choice.kind === "twin") {
    const result = runMonitorOnTable(table, choice.config);
    let alarms = 0;
    for (const a of result.anomaly) alarms += a;
    return { model: undefined, csv: twinDetectOutputCsv(table, result), rows: table.rowCount, alarms };
  }
  const options = choice.options;
  const input = learnedInputTable(table, choice, loaded);
  let model: LearnedModel;
  if (loaded) {
    model = loaded;
  } else {
    const trainRows = learnedTrainRows(table, trainText);
    if (trainRows > table.rowCount)
      throw new InputFileError(
        table.source,
        `--train-rows ${trainRows} exceeds the file's ${table.rowCount} rows`,
      );
    try {
      model = fitLearnedDetector(input.channelNames, input.channels, trainRows, options);
    } catch (e) {
      if (e instanceof ConfigError && e.field === "trainRows")
        throw new InputFileError(table.source, `cannot train: ${e.message}`, {}, { cause: e });
      throw e;
    }
  }
  const { score, anomaly } = scoreChannels(model, channelsForModel(input, model), table.rowCount);
  let alarms = 0;
  for (const a of anomaly) alarms += a;
  return { model, csv: detectOutputCsv(table, score, anomaly), rows: table.rowCount, alarms };
}

function writeText(path: string, text: string, shown: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new InputFileError(shown, "cannot write output", {}, { cause: e });
  }
}

export const detectCommand: Command = {
  name: "detect",
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
        out: { type: "string" },
        "save-model": { type: "string" },
        model: { type: "string" },
        quiet: { type: "boolean" },
      },
      true,
    );
    if (args.positionals.length !== 1)
      throw new ConfigError(
        "FILE|DIR",
        args.positionals.join(" "),
        "give exactly one input file or directory",
      );
    const input = args.positionals[0] as string;
    const format = parseFormatArg(stringOpt(args, "format"));
    const trainText = stringOpt(args, "train-rows");
    if (trainText !== undefined) parseTrainRowsArg(trainText);
    const modelFile = stringOpt(args, "model");
    const loaded = modelFile !== undefined ? readLearnedModelArg(modelFile, io.cwd) : undefined;
    // A saved model names its detector, so --model needs no --detector (on looptwin data too).
    const detector = stringOpt(args, "detector") ?? loaded?.model.kind;
    const sets = stringsOpt(args, "set");
    const rig = readDetectRig(stringOpt(args, "config"), io.cwd);
    // With the format given, a bad --detector or --set fails before any file is read.
    if (format !== undefined) chooseDetector(format, detector, sets, rig?.params);
    const formatOf = (table: LabelledTable): TableFormat =>
      format ?? (table.timeColumn === "t_s" ? "looptwin" : "skab");
    const choose = (table: LabelledTable): DetectorChoice =>
      chooseDetector(formatOf(table), detector, sets, rig?.params);
    const read = (file: string): LabelledTable => {
      const table = readLabelledTable(file, io.cwd, format);
      return tableOnRig(table, formatOf(table), rig);
    };
    const out = stringOpt(args, "out");
    const saveModel = stringOpt(args, "save-model");
    const quiet = flagOpt(args, "quiet");

    const inputIsDir = isDirectory(resolve(io.cwd, input), input);
    if (!inputIsDir) {
      const table = read(input);
      const choice = choose(table);
      if (choice.kind === "twin" && (saveModel !== undefined || modelFile !== undefined))
        throw new ConfigError(
          saveModel !== undefined ? "--save-model" : "--model",
          saveModel ?? modelFile,
          "only the learned detectors (pca, iforest) have a model file",
        );
      const result = detectOne(table, trainText, choice, loaded);
      if (out !== undefined) writeText(resolve(io.cwd, out), result.csv, out);
      else io.stdout.write(result.csv);
      if (saveModel !== undefined && result.model !== undefined)
        writeText(resolve(io.cwd, saveModel), learnedModelToJson(result.model), saveModel);
      if (!quiet) io.stderr.write(`${input}: ${result.rows} rows, ${result.alarms} alarmed\n`);
      return 0;
    }

    if (out === undefined) throw new ConfigError("--out", out, "is required when the input is a directory");
    if (saveModel !== undefined)
      throw new ConfigError("--save-model", saveModel, "needs a single input file (one model per file)");
    const inAbs = resolve(io.cwd, input);
    const outAbs = resolve(io.cwd, out);
    const rel = relative(inAbs, outAbs);
    const outside = rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    if (!outside) throw new ConfigError("--out", out, "must not be the input directory or inside it");
    const files = expandInput(input, io.cwd);
    // Read and score every file before writing anything, so a bad file leaves no partial output.
    const results = files.map((f) => {
      const table = read(f.path);
      return { f, r: detectOne(table, trainText, choose(table), loaded) };
    });
    for (const { f, r } of results) {
      writeText(join(outAbs, f.relativePath), r.csv, join(out, f.relativePath));
      if (!quiet)
        io.stderr.write(
          `${f.path} -> ${join(out, f.relativePath.split(sep).join("/"))}: ${r.rows} rows, ${r.alarms} alarmed\n`,
        );
    }
    return 0;
  },
};
