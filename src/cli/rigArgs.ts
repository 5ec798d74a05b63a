/**
 * The rig a command runs on, from `--config FILE` and `--set K=V` (shared by `hil run` and
 * `dashboard`): a rig config as `looptwin calibrate` writes it (rigConfigFile.ts), or loop
 * parameters under `params`, then single loop parameters. Every problem is a one-line error
 * naming `--config` or `--set`, the file and the field (exit 2).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { parseRigConfig } from "../model/calibration/rigConfigFile.js";
import { type LoopParams, makeLoopParams } from "../model/loopParams.js";
import type { SensorCalibration } from "../model/telemetryConverter.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../model/telemetryConverter.js";
import { parseNumberArg } from "./args.js";

/** The rig as `--config` and `--set` give it. */
export interface RigArgs {
  /** The loop parameters given (by the file or `--set`, which wins); the others keep their defaults. */
  readonly params: Readonly<Record<string, number>>;
  /** Every loop parameter: the defaults with {@link RigArgs.params} over them. */
  readonly loopParams: LoopParams;
  /**
   * The host conversion of a real rig: the default parts with the file's thermistor offsets;
   * undefined without `--config` (the source's default then applies).
   */
  readonly calibration: SensorCalibration | undefined;
  /**
   * The rig config in force, for a recording header: the file's JSON with the `--set` values
   * written into it (into `params` when the file uses that shape), `{K: V, ...}` with `--set`
   * only, null with neither. It loads back with `--config` to the same rig.
   */
  readonly config: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads `--config FILE` (relative to `cwd`) and applies `--set K=V` (in order; the last of a name
 * wins). Throws a ConfigError naming `--config` or `--set NAME` and the value, or an
 * InputFileError naming the file and the field.
 */
export function rigFromArgs(configPath: string | undefined, sets: readonly string[], cwd: string): RigArgs {
  if (configPath === undefined) return rigFromConfigText(null, "", sets);
  const abs = isAbsolute(configPath) ? configPath : join(cwd, configPath);
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    throw new ConfigError("--config", configPath, `cannot read (${(e as Error).message})`, { cause: e });
  }
  return rigFromConfigText(text, configPath, sets);
}

/**
 * The rig a recording was made on (its header's `rig.config`, else the twin parameters of its
 * `rig.tuning`), with `--set` over it; the defaults when the header names neither. `label` names
 * the recording in errors.
 */
export function rigFromRecordingHeader(headerRig: unknown, label: string, sets: readonly string[]): RigArgs {
  let config: unknown = null;
  if (isObject(headerRig)) {
    if (isObject(headerRig.config)) config = headerRig.config;
    else if (isObject(headerRig.tuning) && isObject(headerRig.tuning.params))
      config = { params: headerRig.tuning.params };
  }
  return rigFromConfigText(config === null ? null : JSON.stringify(config), `${label} (header rig)`, sets);
}

function rigFromConfigText(text: string | null, label: string, sets: readonly string[]): RigArgs {
  const params: Record<string, number> = {};
  let calibration: SensorCalibration | undefined;
  let fileJson: Record<string, unknown> | null = null;
  if (text !== null) {
    const rig = parseRigConfig(text, label);
    for (const name of rig.given) params[name] = rig.params[name];
    calibration = { ...DEFAULT_SENSOR_CALIBRATION, offsetsK: rig.offsetsK };
    fileJson = JSON.parse(text) as Record<string, unknown>; // an object: parseRigConfig checked it
  }
  const setValues: Record<string, number> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq < 1) throw new ConfigError("--set", s, "expected K=V");
    const name = s.slice(0, eq);
    setValues[name] = parseNumberArg(`--set ${name}`, s.slice(eq + 1));
  }
  Object.assign(params, setValues);
  const loopParams = makeLoopParams(params, "--set ");
  return { params, loopParams, calibration, config: configInForce(fileJson, setValues) };
}

function configInForce(file: Record<string, unknown> | null, sets: Record<string, number>): unknown {
  const anySet = Object.keys(sets).length > 0;
  if (file === null) return anySet ? { ...sets } : null;
  if (!anySet) return file;
  return isObject(file.params) ? { ...file, params: { ...file.params, ...sets } } : { ...file, ...sets };
}
