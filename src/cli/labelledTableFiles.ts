/**
 * File-system side of `looptwin detect` and `looptwin eval`: expands file and directory arguments
 * into data files (CSV, and recordings for the looptwin format), reads a file into a
 * {@link LabelledTable}, and parses the learned detector's command-line settings. Parsing of the
 * text itself is pure and lives in src/detect (a recording's, which needs the recording reader,
 * in recordingTable.ts).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError, InputFileError } from "../core/errors.js";
import { type LabelledTable, TABLE_FORMATS, type TableFormat } from "../detect/data/labelledTable.js";
import { parseLabelledTable, sniffTableFormat } from "../detect/data/tableReaders.js";
import { DEFAULT_POT_INITIAL_QUANTILE } from "../detect/learned/extremeValue.js";
import { DEFAULT_ISOLATION_FOREST_OPTIONS } from "../detect/learned/isolationForest.js";
import {
  LEARNED_DETECTORS,
  type LearnedDetectorName,
  type LearnedDetectorOptions,
  resolveLearnedDetectorOptions,
} from "../detect/learned/learnedDetector.js";
import { THRESHOLD_RULE_KINDS, type ThresholdRule } from "../detect/learned/thresholds.js";
import { parseNumberArg } from "./args.js";
import { recordingToTable } from "./recordingTable.js";

/** One input file and, for files found below a directory argument, its path relative to it. */
export interface InputFile {
  readonly path: string;
  /** Path relative to the directory argument it was found under; the file name for a file argument. */
  readonly relativePath: string;
}

/** Every `*.csv` and `*.ndjson` (recording) below `dir`, sorted by path, recursively. */
function dataFilesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(csv|ndjson)$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Whether `path` is a directory (throws an InputFileError when it does not exist). */
export function isDirectory(path: string, shown: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    throw new InputFileError(shown, "cannot read: no such file or directory", {}, { cause: e });
  }
}

/** Expands one FILE|DIR argument (relative to `cwd`) into input files. */
export function expandInput(arg: string, cwd: string): InputFile[] {
  const path = resolve(cwd, arg);
  if (!isDirectory(path, arg)) return [{ path: arg, relativePath: arg.split(/[\\/]/).pop() ?? arg }];
  const files = dataFilesBelow(path);
  if (files.length === 0) throw new InputFileError(arg, "directory contains no .csv or .ndjson file");
  return files.map((p) => ({ path: join(arg, relative(path, p)), relativePath: relative(path, p) }));
}

/** Reads and parses one input file; the format comes from `--format` or is guessed from the header. */
export function readLabelledTable(file: string, cwd: string, format: TableFormat | undefined): LabelledTable {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputFileError(file, `cannot read${code ? ` (${code})` : ""}`, {}, { cause: e });
  }
  const chosen = format ?? sniffTableFormat(text);
  if (chosen === undefined)
    throw new ConfigError(
      "--format",
      undefined,
      `cannot tell the format of ${file} from its header; give --format skab or --format looptwin`,
    );
  if (chosen === "looptwin" && isRecordingText(text)) return recordingToTable(text, file);
  return parseLabelledTable(chosen, text, file);
}

/** Whether text is an NDJSON recording (its first line is a JSON object) rather than CSV. */
function isRecordingText(text: string): boolean {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return /^\s*\{/.test(body);
}

export function parseFormatArg(value: string | undefined): TableFormat | undefined {
  if (value === undefined) return undefined;
  if (!(TABLE_FORMATS as readonly string[]).includes(value))
    throw new ConfigError("--format", value, `must be one of ${TABLE_FORMATS.join(", ")}`);
  return value as TableFormat;
}

export function parseTrainRowsArg(value: string | undefined): number {
  return value === undefined ? 400 : parseNumberArg("--train-rows", value, { integer: true, min: 1 });
}

/** `--set` keys of the learned detector and what each sets. */
export const DETECTOR_SET_KEYS = {
  window_rows: "feature window length, rows (default 5)",
  drift_cutoff:
    "slow-variance fraction above which a channel is watched by its slope (default 0.5; 1 disables)",
  variance_fraction: "PCA: fraction of training variance the retained components explain (default 0.9)",
  threshold_rule: `how the threshold is set from training scores: ${THRESHOLD_RULE_KINDS.join(" | ")} (default max)`,
  threshold_q: "quantile for threshold_rule=quantile (default 0.99)",
  threshold_alpha:
    "stated exceedance probability per nominal row for threshold_rule=conformal or pot, in (0, 0.5] (default 0.01)",
  calibration_blocks:
    "threshold from the training rows cut into this many blocks, each scored by a model fitted without it (default 1 = in-sample)",
  baseline_rows:
    "level channels read against a baseline following slow wander (time constant, rows) that holds still while the score exceeds the threshold (default 0 = the training level)",
  scale_blocks:
    "channel scale: 1 = training standard deviation, K = leave-K-block-out spread, which counts slow wander (default 1)",
  threshold_margin: "multiplier on the training threshold (default 1)",
  smoothing_rows: "moving mean of the score over this many rows (default 1 = none)",
  persistence_rows: "consecutive exceedances needed for an alarm (default 5)",
  hold_rows: "rows an alarm stays on after its exceedances stop (off-delay; default 0)",
  trees: "iforest: number of trees (default 100)",
  sample_rows: "iforest: rows drawn for each tree (default 256)",
  seed: "iforest: seed of the random draws (default 1)",
} as const;

/** Builds detector options from `--detector` and `--set K=V` arguments. */
export function parseDetectorArgs(
  detector: string | undefined,
  sets: readonly string[],
): LearnedDetectorOptions {
  const name = detector ?? "pca";
  if (!(LEARNED_DETECTORS as readonly string[]).includes(name))
    throw new ConfigError("--detector", name, `must be one of ${LEARNED_DETECTORS.join(", ")}`);
  const partial: { -readonly [K in keyof LearnedDetectorOptions]?: LearnedDetectorOptions[K] } = {
    detector: name as LearnedDetectorName,
  };
  let ruleKind: ThresholdRule["kind"] = "max";
  let q = 0.99;
  let alpha = 0.01;
  let margin = 1;
  let varianceFraction: number | undefined;
  let iforest = DEFAULT_ISOLATION_FOREST_OPTIONS;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", s, "must be KEY=VALUE");
    const key = s.slice(0, eq).trim();
    const value = s.slice(eq + 1).trim();
    const field = `--set ${key}`;
    switch (key) {
      case "window_rows":
        partial.windowRows = parseNumberArg(field, value, { integer: true, min: 1 });
        break;
      case "drift_cutoff":
        partial.driftCutoff = parseNumberArg(field, value, { min: 0 });
        break;
      case "variance_fraction":
        varianceFraction = parseNumberArg(field, value, { min: 0, minExclusive: true, max: 1 });
        break;
      case "threshold_rule":
        if (!(THRESHOLD_RULE_KINDS as readonly string[]).includes(value))
          throw new ConfigError(field, value, `must be one of ${THRESHOLD_RULE_KINDS.join(", ")}`);
        ruleKind = value as ThresholdRule["kind"];
        break;
      case "threshold_q":
        q = parseNumberArg(field, value, { min: 0, minExclusive: true, max: 1 });
        break;
      case "threshold_alpha":
        alpha = parseNumberArg(field, value, { min: 0, minExclusive: true, max: 0.5 });
        break;
      case "calibration_blocks":
        partial.calibrationBlocks = parseNumberArg(field, value, { integer: true, min: 1 });
        break;
      case "baseline_rows":
        partial.baselineRows = parseNumberArg(field, value, { integer: true, min: 0 });
        break;
      case "scale_blocks":
        partial.scaleBlocks = parseNumberArg(field, value, { integer: true, min: 1 });
        break;
      case "threshold_margin":
        margin = parseNumberArg(field, value, { min: 0, minExclusive: true });
        break;
      case "smoothing_rows":
        partial.smoothingRows = parseNumberArg(field, value, { integer: true, min: 1 });
        break;
      case "persistence_rows":
        partial.persistenceRows = parseNumberArg(field, value, { integer: true, min: 1 });
        break;
      case "hold_rows":
        partial.holdRows = parseNumberArg(field, value, { integer: true, min: 0 });
        break;
      case "trees":
        iforest = { ...iforest, trees: parseNumberArg(field, value, { integer: true, min: 1 }) };
        break;
      case "sample_rows":
        iforest = { ...iforest, sampleRows: parseNumberArg(field, value, { integer: true, min: 2 }) };
        break;
      case "seed":
        iforest = { ...iforest, seed: parseNumberArg(field, value, { integer: true }) };
        break;
      default:
        throw new ConfigError(
          "--set",
          key,
          `unknown key (known: ${Object.keys(DETECTOR_SET_KEYS).join(", ")})`,
        );
    }
  }
  partial.threshold = thresholdRuleOf(ruleKind, { q, alpha, margin });
  if (varianceFraction !== undefined) partial.pca = { varianceFraction };
  partial.iforest = iforest;
  return resolveLearnedDetectorOptions(partial);
}

function thresholdRuleOf(
  kind: ThresholdRule["kind"],
  v: { readonly q: number; readonly alpha: number; readonly margin: number },
): ThresholdRule {
  switch (kind) {
    case "max":
      return { kind, margin: v.margin };
    case "quantile":
      return { kind, q: v.q, margin: v.margin };
    case "conformal":
      return { kind, alpha: v.alpha, margin: v.margin };
    case "pot":
      return { kind, alpha: v.alpha, initialQuantile: DEFAULT_POT_INITIAL_QUANTILE, margin: v.margin };
    default: {
      const never: never = kind;
      throw new ConfigError(
        "--set threshold_rule",
        never,
        `must be one of ${THRESHOLD_RULE_KINDS.join(", ")}`,
      );
    }
  }
}

/** The `--set` part of a help text. */
export function detectorSetHelp(): string {
  return Object.entries(DETECTOR_SET_KEYS)
    .map(([k, v]) => `    ${k.padEnd(18)} ${v}`)
    .join("\n");
}
