/**
 * The rig config a calibration writes (`looptwin calibrate --out CONFIG`), and its reader.
 *
 * One flat JSON object, so that every loader of rig configs takes it as it is:
 *
 * ```json
 * {
 *   "C_hot": 2498.1, "C_cold": 3002.6, "UA": 9.997, ... every loop parameter by its --set name,
 *   "_sensors": { "offsetsK": { "hot": -0.398, "cold": 0.302 } },
 *   "_calibration": { "source": "run.csv", "fitted": { "C_hot": { "value": 2498.1, "std": 5.0 } }, ... }
 * }
 * ```
 *
 * - Top level: every loop parameter (loopParams.ts) with its value, numbers only. This is what
 *   `looptwin simulate --config` reads (keys starting with `_` are comments to it) and what
 *   `looptwin hil run --config` reads (it takes the numbers and skips objects).
 * - `_sensors.offsetsK`: thermistor offsets [K] in the telemetry converter's convention
 *   (`SensorCalibration.offsetsK` in telemetryConverter.ts: added to a converted reading to give
 *   the true temperature); `amb` is carried over from the input config when it had one.
 * - `_calibration`: what was fitted, with uncertainties, the fit's RMSE per channel and the
 *   warnings; informative only, never read back.
 */
import { InputFileError } from "../../core/errors.js";
import { LOOP_PARAM_NAMES, type LoopParamName, type LoopParams, makeLoopParams } from "../loopParams.js";
import type { CalibrationResult } from "./calibrateLoop.js";

/** Thermistor offsets of a rig config [K]. */
export interface RigOffsetsK {
  readonly hot: number;
  readonly cold: number;
  readonly amb: number;
}

/** A rig config as read back: loop parameters and thermistor offsets. */
export interface RigConfig {
  readonly params: LoopParams;
  readonly offsetsK: RigOffsetsK;
  /** The loop parameters the file gives (the others are defaults). */
  readonly given: readonly LoopParamName[];
}

/** Significant digits written for fitted values (far below any uncertainty a run gives). */
const DIGITS = 7;

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(DIGITS)) : x;
}

/** The rig config object of a calibration (see the module comment); `source` names the input. */
export function rigConfigFromCalibration(
  result: CalibrationResult,
  source: string,
  ambOffsetK = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of LOOP_PARAM_NAMES) out[name] = round(result.params[name]);
  out._sensors = {
    offsetsK: { hot: round(result.offsetsK.hot), cold: round(result.offsetsK.cold), amb: ambOffsetK },
  };
  const fitted: Record<string, { value: number; std: number | null; unit: string }> = {};
  for (const f of result.fitted)
    fitted[f.name] = {
      value: round(f.value),
      std: Number.isFinite(f.std) ? round(f.std) : null,
      unit: f.unit,
    };
  const rmse: Record<string, number | null> = {};
  for (const c of result.channels)
    if (c.used) rmse[c.channel] = Number.isFinite(c.rmse) ? round(c.rmse) : null;
  out._calibration = {
    about: "written by looptwin calibrate; the loop parameters above and _sensors are the rig config",
    source,
    observations: result.observations,
    duration_s: round(result.durationS),
    fitted,
    held: result.held,
    rmse,
    warnings: result.warnings.map((w) => w.message),
  };
  return out;
}

/** The text of a rig config file (pretty JSON with a final newline). */
export function formatRigConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses a rig config: this module's shape (a `simulate --config` file is one without
 * `_sensors`), or the loop parameters under a `params` object as `hil run --config` also
 * accepts (other top-level keys are then comments). Missing loop parameters take their
 * defaults, missing offsets are 0. Throws an
 * InputFileError naming the file and the field for anything else: not JSON, not an object, an
 * unknown or non-numeric parameter, an offset that is not a finite number.
 */
export function parseRigConfig(text: string, file: string): RigConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the start of the text, newlines and all: one line for the error.
    throw new InputFileError(
      file,
      `not valid JSON: ${(e as Error).message.replace(/\s+/g, " ")}`,
      {},
      { cause: e },
    );
  }
  if (!isObject(json)) throw new InputFileError(file, "a rig config must be a JSON object");
  const values: Record<string, unknown> = {};
  if (json.model !== undefined && json.model !== "loop")
    throw new InputFileError(
      file,
      `model: a rig config is for the loop model (got ${JSON.stringify(json.model)})`,
    );
  // As `hil run --config` reads it: a `params` object when there is one, else the top level.
  const nested = isObject(json.params);
  const section = nested ? (json.params as Record<string, unknown>) : json;
  const prefix = nested ? "params." : "";
  for (const [key, value] of Object.entries(section)) {
    if (!nested && (key.startsWith("_") || key === "model")) continue;
    values[key] = value;
  }
  let params: LoopParams;
  try {
    params = makeLoopParams(values, prefix);
  } catch (e) {
    throw new InputFileError(file, (e as Error).message, {}, { cause: e });
  }
  const offsets = { hot: 0, cold: 0, amb: 0 };
  const sensors = json._sensors;
  if (sensors !== undefined) {
    if (!isObject(sensors)) throw new InputFileError(file, "_sensors: must be an object");
    const o = sensors.offsetsK;
    if (o !== undefined) {
      if (!isObject(o)) throw new InputFileError(file, "_sensors.offsetsK: must be an object");
      for (const [k, v] of Object.entries(o)) {
        if (k !== "hot" && k !== "cold" && k !== "amb")
          throw new InputFileError(file, `_sensors.offsetsK.${k}: unknown channel (hot, cold, amb)`);
        if (typeof v !== "number" || !Number.isFinite(v))
          throw new InputFileError(
            file,
            `_sensors.offsetsK.${k}: must be a finite number in K (got ${JSON.stringify(v)})`,
          );
        offsets[k] = v;
      }
    }
  }
  const given = LOOP_PARAM_NAMES.filter((n) => Object.hasOwn(values, n));
  return { params, offsetsK: offsets, given };
}
