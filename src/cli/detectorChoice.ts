/**
 * Which detector `looptwin detect` and `looptwin eval` run on a file: the learned detector
 * (`pca`, `iforest`; any format) or the twin's residual monitor (`twin`, or a residual detector
 * spec such as `cusum:k=0.5,h=8` that replaces the monitor's primary detector; the project's own
 * data only, `--format looptwin`). Without `--detector`, a looptwin file gets the twin and a SKAB
 * file the learned `pca` (docs/design.md 5).
 *
 * `--set KEY=VALUE` means what the chosen detector takes: the learned detector's settings
 * (labelledTableFiles.ts), or for the twin a loop parameter (`UA=12`, names as `looptwin simulate
 * --set`), a monitor detector option (`detectors.flowBandLpm=0.4`), an alarm option
 * (`alarm.clearDelayS=5`), `sensorNoiseK` or `rateHz`.
 *
 * `--config FILE` (a rig config as `looptwin calibrate` writes it, read by rigArgs.ts) gives the
 * twin's loop parameters on the rig that made the file, under any `--set` of the same name.
 */
import { ConfigError } from "../core/errors.js";
import type { LabelledTable, TableFormat } from "../detect/data/labelledTable.js";
import { type ThermistorOffsetsK, withThermistorOffsets } from "../detect/data/thermistorOffsets.js";
import { parseDetectorSpec } from "../detect/detectors/detector.js";
import { DETECTOR_KINDS } from "../detect/detectors/residualDetector.js";
import {
  LEARNED_DETECTORS,
  type LearnedDetectorOptions,
  type LearnedModel,
} from "../detect/learned/learnedDetector.js";
import {
  isLooptwinTable,
  LOOPTWIN_CHANNEL_SETS,
  LOOPTWIN_DEFAULT_TRAIN_S,
  type LooptwinChannelSet,
  learnedLooptwinTable,
  rowsWithinSeconds,
} from "../detect/learned/looptwinLearnedChannels.js";
import { DETECTOR_KEYS, type MonitorConfig, resolveMonitorConfig } from "../detect/monitor/monitorConfig.js";
import { LOOP_PARAM_NAMES } from "../model/loopParams.js";
import { parseNumberArg } from "./args.js";
import { parseDetectorArgs, parseTrainRowsArg } from "./labelledTableFiles.js";
import { rigFromArgs } from "./rigArgs.js";

/** The name of the twin's residual monitor on the command line. */
export const TWIN_DETECTOR = "twin";

export type DetectorChoice =
  | {
      readonly kind: "learned";
      readonly name: string;
      readonly options: LearnedDetectorOptions;
      /** Its channels on looptwin data (`--set channels=`; looptwinLearnedChannels.ts). */
      readonly looptwinChannels: LooptwinChannelSet;
      /** The twin whose residuals it reads on looptwin data (`--config` loop parameters). */
      readonly twinConfig: MonitorConfig;
    }
  | { readonly kind: "twin"; readonly name: string; readonly config: MonitorConfig };

/** The numeric detector options (`--set detectors.<name>=V`): all but `primary` (a kind) and `erratic` (an object). */
const DETECTOR_OPTION_KEYS: readonly string[] = DETECTOR_KEYS.filter(
  (k) => k !== "primary" && k !== "erratic",
);
const ALARM_KEYS = [
  "raiseLevel",
  "clearLevel",
  "criticalLevel",
  "raiseDelayS",
  "clearDelayS",
  "minHoldS",
] as const;

/** `--set` keys of the twin, for help texts. */
export function twinSetHelp(): string {
  return [
    `    <loop parameter>=V  the twin's model (${LOOP_PARAM_NAMES.slice(0, 5).join(", ")}, ...)`,
    `    detectors.<name>=V  ${DETECTOR_OPTION_KEYS.slice(0, 4).join(", ")}, ... (see src/detect/monitor/monitorConfig.ts)`,
    `    alarm.<name>=V      ${ALARM_KEYS.join(", ")}`,
    "    sensorNoiseK=V      thermistor noise [K rms] (default 0.05)",
  ].join("\n");
}

function isTwinName(name: string): boolean {
  if (name === TWIN_DETECTOR) return true;
  const kind = name.split(":", 1)[0] ?? "";
  return (DETECTOR_KINDS as readonly string[]).includes(kind);
}

/**
 * Builds the twin's monitor configuration from `--detector`, the loop parameters of `--config`
 * (`rigParams`) and `--set`, which wins; errors name the field.
 */
export function parseTwinArgs(
  detector: string,
  sets: readonly string[],
  rigParams: Readonly<Record<string, number>> = {},
): MonitorConfig {
  const params: Record<string, number> = { ...rigParams };
  const detectors: Record<string, unknown> = {};
  const alarm: Record<string, number> = {};
  const config: { -readonly [K in keyof MonitorConfig]: MonitorConfig[K] } = {};
  if (detector !== TWIN_DETECTOR) detectors.primary = parseDetectorSpec(detector);
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", s, "must be KEY=VALUE");
    const key = s.slice(0, eq).trim();
    const field = `--set ${key}`;
    const value = parseNumberArg(field, s.slice(eq + 1).trim());
    if ((LOOP_PARAM_NAMES as readonly string[]).includes(key)) params[key] = value;
    else if (key.startsWith("detectors.") && DETECTOR_OPTION_KEYS.includes(key.slice(10)))
      detectors[key.slice(10)] = value;
    else if (key.startsWith("alarm.") && (ALARM_KEYS as readonly string[]).includes(key.slice(6)))
      alarm[key.slice(6)] = value;
    else if (key === "sensorNoiseK") config.sensorNoiseK = value;
    else if (key === "rateHz") config.rateHz = value;
    else
      throw new ConfigError(
        "--set",
        key,
        "unknown key for the twin (a loop parameter, detectors.<option>, alarm.<option>, sensorNoiseK or rateHz)",
      );
  }
  if (Object.keys(params).length > 0) config.params = params;
  if (Object.keys(detectors).length > 0) config.detectors = detectors;
  if (Object.keys(alarm).length > 0) config.alarm = alarm;
  try {
    resolveMonitorConfig(config);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(`--set ${e.field}`, e.value, "is invalid", { cause: e });
    throw e;
  }
  return config;
}

/**
 * The detector for a file of `format`, from `--detector` (undefined: the format's default),
 * `--set` and the loop parameters of `--config` (`rigParams`). A twin detector on a SKAB file is
 * an error naming `--detector`.
 */
export function chooseDetector(
  format: TableFormat,
  detector: string | undefined,
  sets: readonly string[],
  rigParams: Readonly<Record<string, number>> = {},
): DetectorChoice {
  const name = detector ?? (format === "looptwin" ? TWIN_DETECTOR : "pca");
  if ((LEARNED_DETECTORS as readonly string[]).includes(name)) {
    let looptwinChannels: LooptwinChannelSet = "residuals";
    const rest: string[] = [];
    for (const s of sets) {
      const eq = s.indexOf("=");
      if (eq > 0 && s.slice(0, eq).trim() === "channels") {
        const v = s.slice(eq + 1).trim();
        if (!(LOOPTWIN_CHANNEL_SETS as readonly string[]).includes(v))
          throw new ConfigError("--set channels", v, `must be one of ${LOOPTWIN_CHANNEL_SETS.join(", ")}`);
        looptwinChannels = v as LooptwinChannelSet;
      } else rest.push(s);
    }
    const twinConfig: MonitorConfig = Object.keys(rigParams).length > 0 ? { params: rigParams } : {};
    return { kind: "learned", name, options: parseDetectorArgs(name, rest), looptwinChannels, twinConfig };
  }
  if (!isTwinName(name))
    throw new ConfigError(
      "--detector",
      name,
      `must be one of ${[...LEARNED_DETECTORS, TWIN_DETECTOR].join(", ")} or a residual detector spec (${DETECTOR_KINDS.join("|")}[:key=value,...])`,
    );
  if (format !== "looptwin")
    throw new ConfigError(
      "--detector",
      name,
      "the twin's residual detectors need the project's own data (--format looptwin: a simulate --sensors CSV or a recording)",
    );
  return { kind: "twin", name, config: parseTwinArgs(name, sets, rigParams) };
}

/** `--set channels=` of the learned detector on looptwin data, for help texts. */
export function learnedLooptwinSetHelp(): string {
  return [
    `    channels=SET       looptwin data: ${LOOPTWIN_CHANNEL_SETS.join(" | ")} (default residuals: the`,
    "                       twin's residuals res_t_hot_k, res_t_cold_k, res_flow_lpm; measured+residuals",
    "                       adds meas_t_hot_c, meas_t_cold_c, meas_flow_lpm, meas_t_amb_c)",
  ].join("\n");
}

/**
 * The table the learned detector reads. On the project's own data (time column `t_s`): the
 * twin's residuals, and the measured channels for `measured+residuals`, never the simulator's
 * ground truth or raw counts, with NaNs carried (looptwinLearnedChannels.ts); with a loaded
 * `model`, the set its channel names need. Other tables are read as they are.
 */
export function learnedInputTable(
  table: LabelledTable,
  choice: Extract<DetectorChoice, { kind: "learned" }>,
  model?: LearnedModel,
): LabelledTable {
  if (!isLooptwinTable(table)) return table;
  const set: LooptwinChannelSet =
    model === undefined
      ? choice.looptwinChannels
      : model.channelNames.includes("meas_t_hot_c")
        ? "measured+residuals"
        : "residuals";
  return learnedLooptwinTable(table, set, choice.twinConfig).table;
}

/**
 * The learned detector's training rows for a table: `--train-rows` when given; else on looptwin
 * data the rows of the first hour (LOOPTWIN_DEFAULT_TRAIN_S of rig time), on other data 400.
 */
export function learnedTrainRows(table: LabelledTable, trainText: string | undefined): number {
  if (trainText === undefined && isLooptwinTable(table))
    return rowsWithinSeconds(table, LOOPTWIN_DEFAULT_TRAIN_S);
  return parseTrainRowsArg(trainText);
}

/** The rig a file was recorded on, from `looptwin detect|eval --config FILE`. */
export interface DetectRig {
  /** `--config` as given, for messages. */
  readonly file: string;
  /** The loop parameters the file gives (the others keep their defaults). */
  readonly params: Readonly<Record<string, number>>;
  /** Its thermistor offsets, added to the file's measured temperatures. */
  readonly offsetsK: ThermistorOffsetsK;
}

/**
 * Reads `--config FILE` (relative to `cwd`) as `simulate`, `dashboard` and `hil run` do
 * (rigArgs.ts: a calibration's rig config or `{"params": {...}}`); undefined without it. Errors
 * name `--config` or the file and field (exit 2).
 */
export function readDetectRig(configPath: string | undefined, cwd: string): DetectRig | undefined {
  if (configPath === undefined) return undefined;
  const rig = rigFromArgs(configPath, [], cwd);
  const offsets = rig.calibration?.offsetsK; // always set when a file was read
  return {
    file: configPath,
    params: rig.params,
    offsetsK: { hot: offsets?.hot ?? 0, cold: offsets?.cold ?? 0, amb: offsets?.amb ?? 0 },
  };
}

/**
 * The table as the twin should read it on `rig`: its thermistor offsets added to the measured
 * temperatures, as a live session's converter adds them (the calibration fitted them against these
 * readings). A `--config` on SKAB data, which has no loop, is a ConfigError naming `--config`.
 */
export function tableOnRig(
  table: LabelledTable,
  format: TableFormat,
  rig: DetectRig | undefined,
): LabelledTable {
  if (rig === undefined) return table;
  if (format !== "looptwin")
    throw new ConfigError(
      "--config",
      rig.file,
      `applies to the project's own data (--format looptwin); ${table.source} is ${format}`,
    );
  return withThermistorOffsets(table, rig.offsetsK);
}
