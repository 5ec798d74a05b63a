/**
 * `looptwin calibrate FILE [--out CONFIG]` (docs/design.md 5): fits the loop model to a nominal
 * run (a recording or a `simulate --sensors` CSV), prints each parameter with its uncertainty and
 * the fit RMSE per channel, warns about what the run does not excite, and writes a rig config.
 * Argument and file handling only: the fit is src/model/calibration/calibrateLoop.ts, the config
 * file src/model/calibration/rigConfigFile.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { type CalibrationResult, calibrateLoop } from "../model/calibration/calibrateLoop.js";
import {
  CALIBRATION_PARAM_NAMES,
  CALIBRATION_PARAM_SPECS,
  type CalibrationParamName,
  DEFAULT_FIT_PARAMS,
} from "../model/calibration/calibrationParams.js";
import {
  formatRigConfig,
  parseRigConfig,
  rigConfigFromCalibration,
} from "../model/calibration/rigConfigFile.js";
import { LOOP_PARAM_NAMES, makeLoopParams } from "../model/loopParams.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import { CALIBRATION_FORMATS, type CalibrationFormat, readCalibrationInput } from "./calibrationInput.js";
import type { CliIo, Command } from "./command.js";
import { parseSetArgs } from "./simulateCommand.js";

const width = Math.max(...CALIBRATION_PARAM_NAMES.map((n) => n.length));
const PARAM_HELP = CALIBRATION_PARAM_NAMES.map(
  (n) =>
    `  ${n.padEnd(width)}  [${CALIBRATION_PARAM_SPECS[n].unit}]${" ".repeat(Math.max(1, 7 - CALIBRATION_PARAM_SPECS[n].unit.length))}${CALIBRATION_PARAM_SPECS[n].doc}${DEFAULT_FIT_PARAMS.includes(n) ? "" : " (not fitted by default)"}`,
).join("\n");

const HELP = `Usage: looptwin calibrate FILE [options]

Fits the loop model to a nominal run: a recording (NDJSON from the dashboard, record or
hil run --out) or a CSV from looptwin simulate --sensors. Nonlinear least squares
(Levenberg-Marquardt) on the simulated versus measured hot and cold temperatures and flow,
with the run's applied duties and ambient as inputs. Prints each parameter with its standard
deviation (from the Jacobian at the optimum) and the fit RMSE per channel, warns about
parameters the run does not excite, and with --out writes a rig config that
simulate --config and hil run --config load.

The run should start near ambient or at rest, step the heater between two or more powers,
step the pump between two or more running duties (and through the stall duty, if the pump
curve's stall matters), vary the fan once, and hold each level for several minutes; 2-3 h
at 1 Hz is plenty. Q_heater_max, cp, T_sink, pump_min_frac and pump_exponent are held at
their configured values (temperatures alone cannot tell the energy scale or the sink).

Options:
  --format recording|csv  input format (default: guessed from the first line)
  --config FILE           starting and held parameters (rig config JSON, as simulate --config;
                          _sensors.offsetsK gives the starting offsets)
  --set NAME=VALUE        a starting or held loop parameter (repeatable; overrides --config)
  --fit NAME,...          parameters to fit (default: ${DEFAULT_FIT_PARAMS.join(",")})
  --fix NAME,...          hold these at their configured values (repeatable)
  --no-flow               leave the flow meter out of the fit
  --initial-state fit|measured
                          fit (default): estimate each segment's initial temperatures;
                          measured: take the first readings as they are
  --bin S                 average readings into bins of at most S seconds (default 1)
  --out CONFIG            write the calibrated rig config (JSON) to CONFIG
  --json                  print the result as one JSON object

Parameters:
${PARAM_HELP}

Offsets are added to the readings to give the true temperatures (as the telemetry
converter applies them); they are relative to the readings in FILE.

Example:
  looptwin simulate --sensors --duration 10800 --seed 7 \\
    --input pump=0:200,1200:80,2400:255,3600:60 --input heater=0:255,1800:100,3000:200 \\
    --input fan=0:255,3300:0,5100:255 --out run.csv
  looptwin calibrate run.csv --out rig.json
`;

function parseNameList(texts: readonly string[], option: string): CalibrationParamName[] {
  const out: CalibrationParamName[] = [];
  for (const text of texts)
    for (const raw of text.split(",")) {
      const name = raw.trim();
      if (name === "") continue;
      if (!(CALIBRATION_PARAM_NAMES as readonly string[]).includes(name))
        throw new ConfigError(
          option,
          name,
          `unknown parameter (one of ${CALIBRATION_PARAM_NAMES.join(", ")})`,
        );
      if (!out.includes(name as CalibrationParamName)) out.push(name as CalibrationParamName);
    }
  return out;
}

function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The `--json` object of a calibration. */
export function calibrationJson(
  result: CalibrationResult,
  meta: {
    source: string;
    format: string;
    samples: number;
    out: string | null;
    config: Record<string, unknown>;
  },
): Record<string, unknown> {
  const rmse: Record<string, number | null> = {};
  for (const c of result.channels)
    rmse[`${c.channel}_${c.unit === "K" ? "k" : "lpm"}`] = c.used ? num(c.rmse) : null;
  return {
    source: meta.source,
    format: meta.format,
    samples: meta.samples,
    observations: result.observations,
    duration_s: result.durationS,
    segments: result.segments,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    stop_reason: result.stopReason,
    parameters: result.fitted.map((f) => ({
      name: f.name,
      value: f.value,
      std: num(f.std),
      rel_std: num(f.relStd),
      unit: f.unit,
      initial: f.initial,
      at_bound: f.atBound,
    })),
    held: result.held,
    offsets_k: { hot: result.offsetsK.hot, cold: result.offsetsK.cold },
    rmse,
    channels: result.channels.map((c) => ({
      channel: c.channel,
      unit: c.unit,
      rmse: num(c.rmse),
      noise: num(c.noise),
      count: c.count,
      used: c.used,
    })),
    warnings: result.warnings,
    out: meta.out,
    config: meta.config,
  };
}

function fmtStd(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toPrecision(3) : x.toExponential(2);
}

function fmt(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 || x === 0
    ? Number(x.toPrecision(digits)).toString()
    : x.toExponential(digits - 1);
}

/** The human-readable report. */
export function calibrationText(result: CalibrationResult, source: string, samples: number): string {
  const lines: string[] = [];
  const hours = result.durationS / 3600;
  lines.push(
    `${source}: ${samples} samples, ${result.observations} observations over ${hours >= 1 ? `${hours.toFixed(2)} h` : `${result.durationS.toFixed(0)} s`}` +
      `${result.segments > 1 ? ` in ${result.segments} segments` : ""}; ${result.fitted.length} parameters fitted` +
      ` (${result.iterations} iterations, ${result.converged ? "converged" : `stopped: ${result.stopReason}`})`,
  );
  lines.push("");
  lines.push(
    `${"parameter".padEnd(16)} ${"value".padStart(12)}  ${"+- std".padStart(12)}  ${"rel".padStart(8)}  unit      start`,
  );
  for (const f of result.fitted) {
    const rel = Number.isFinite(f.relStd) ? `${(100 * f.relStd).toFixed(2)} %` : "-";
    lines.push(
      `${f.name.padEnd(16)} ${fmt(f.value).padStart(12)}  ${`+- ${fmtStd(f.std)}`.padStart(12)}  ${rel.padStart(8)}  ${f.unit.padEnd(8)}  ${fmt(f.initial, 4)}${f.atBound ? "  (at a bound)" : ""}`,
    );
  }
  if (result.held.length > 0) lines.push(`held (not excited): ${result.held.join(", ")}`);
  lines.push("");
  lines.push(
    `fit RMSE: ${result.channels
      .filter((c) => c.used)
      .map(
        (c) =>
          `${c.channel} ${fmt(c.rmse, 3)} ${c.unit}${Number.isFinite(c.noise) && c.noise > 0 ? ` (noise ${fmt(c.noise, 2)})` : ""}`,
      )
      .join(", ")}`,
  );
  lines.push(
    `thermistor offsets (add to readings): hot ${fmt(result.offsetsK.hot, 4)} K, cold ${fmt(result.offsetsK.cold, 4)} K`,
  );
  return `${lines.join("\n")}\n`;
}

export const calibrateCommand: Command = {
  name: "calibrate",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCommandArgs(
      argv,
      {
        format: { type: "string" },
        config: { type: "string" },
        set: { type: "string", multiple: true },
        fit: { type: "string" },
        fix: { type: "string", multiple: true },
        "no-flow": { type: "boolean" },
        "initial-state": { type: "string" },
        bin: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean" },
      },
      true,
    );
    const [file, ...extra] = args.positionals;
    if (file === undefined)
      throw new ConfigError("FILE", undefined, "give the recording or CSV to calibrate");
    if (extra.length > 0) throw new ConfigError("argument", extra[0], "one input file only");
    const formatText = stringOpt(args, "format");
    if (formatText !== undefined && !(CALIBRATION_FORMATS as readonly string[]).includes(formatText))
      throw new ConfigError("--format", formatText, `must be one of ${CALIBRATION_FORMATS.join(", ")}`);
    const initialState = stringOpt(args, "initial-state") ?? "fit";
    if (initialState !== "fit" && initialState !== "measured")
      throw new ConfigError("--initial-state", initialState, "must be fit or measured");
    const binText = stringOpt(args, "bin");
    const binS = binText === undefined ? 1 : parseNumberArg("--bin", binText, { min: 0, minExclusive: true });
    const fitText = stringOpt(args, "fit");
    const fix = parseNameList(stringsOpt(args, "fix"), "--fix");
    const fit = (fitText === undefined ? [...DEFAULT_FIT_PARAMS] : parseNameList([fitText], "--fit")).filter(
      (n) => !fix.includes(n),
    );
    const set = parseSetArgs(stringsOpt(args, "set"), LOOP_PARAM_NAMES, "loop");
    makeLoopParams(set, "--set ");
    const configPath = stringOpt(args, "config");
    let configParams: Record<string, number> = {};
    let configOffsets = { hot: 0, cold: 0, amb: 0 };
    if (configPath !== undefined) {
      let text: string;
      try {
        text = readFileSync(resolve(io.cwd, configPath), "utf8");
      } catch (e) {
        throw new ConfigError("--config", configPath, `cannot read: ${(e as Error).message}`, { cause: e });
      }
      const rig = parseRigConfig(text, configPath);
      // Only what the file names overrides a recording header's values.
      configParams = Object.fromEntries(rig.given.map((n) => [n, rig.params[n]]));
      configOffsets = { ...rig.offsetsK };
    }
    const out = stringOpt(args, "out");
    const json = flagOpt(args, "json");

    const input = await readCalibrationInput(
      resolve(io.cwd, file),
      file,
      formatText as CalibrationFormat | undefined,
      {
        binS,
      },
    );
    for (const note of input.notes) io.stderr.write(`looptwin calibrate: ${note}\n`);
    if (input.headerOffsetsK !== undefined && (input.headerOffsetsK.hot || input.headerOffsetsK.cold))
      io.stderr.write(
        `looptwin calibrate: the recording's rig config carries thermistor offsets; the fitted offsets are relative to the readings as recorded\n`,
      );
    const base = makeLoopParams({ ...input.headerParams, ...configParams, ...set });
    const result = calibrateLoop(input.data, {
      base,
      offsetsK: { hot: configOffsets.hot, cold: configOffsets.cold },
      fit,
      useFlow: !flagOpt(args, "no-flow"),
      initialState,
    });
    const config = rigConfigFromCalibration(result, file, configOffsets.amb);
    if (out !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, out), formatRigConfig(config));
      } catch (e) {
        throw new ConfigError("--out", out, `cannot write: ${(e as Error).message}`, { cause: e });
      }
    }
    if (json) {
      const obj = calibrationJson(result, {
        source: file,
        format: input.format,
        samples: input.data.sampleCount,
        out: out ?? null,
        config,
      });
      io.stdout.write(
        `${JSON.stringify(obj, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v))}\n`,
      );
    } else {
      io.stdout.write(calibrationText(result, file, input.data.sampleCount));
      if (out !== undefined) io.stdout.write(`wrote rig config ${out}\n`);
    }
    // After the report, so that on a terminal they come last.
    for (const w of result.warnings) io.stderr.write(`looptwin calibrate: warning: ${w.message}\n`);
    return 0;
  },
};
