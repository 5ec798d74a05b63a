/**
 * `looptwin simulate` (docs/design.md 5, a contract): an offline plant run written as CSV.
 * Argument and file handling only; the run is src/model/simulateRun.ts, the text
 * src/model/simulateCsv.ts.
 */
import { closeSync, openSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CsvWriter, textSink } from "../core/csvWriter.js";
import { ConfigError, InputFileError } from "../core/errors.js";
import { FAULT_KINDS, type FaultSpec, isLinkFault, parseFaultSpec } from "../model/faultSpec.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  parseInputSchedules,
  SEED_INPUT_CHANNELS,
} from "../model/inputSchedule.js";
import { LOOP_PARAM_NAMES, LOOP_PARAM_SPECS, makeLoopParams } from "../model/loopParams.js";
import { describeParams } from "../model/paramSpec.js";
import { makeSeedParams, SEED_PARAM_NAMES, SEED_PARAM_SPECS } from "../model/seedParams.js";
import {
  CsvRowFormatter,
  csvHeader,
  LOOP_SENSOR_COLUMNS,
  LOOP_TRUE_COLUMNS,
  SEED_COLUMNS,
} from "../model/simulateCsv.js";
import { type RunConfig, simulateRun } from "../model/simulateRun.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { fdSink } from "./fdSink.js";

const MODELS = ["loop", "seed"] as const;
type ModelName = (typeof MODELS)[number];

const HELP = `Usage: looptwin simulate [options]

Offline plant run written as CSV: one row per --dt from t = 0 to --duration, true (noise-free)
states; --dt is only the output spacing (the integrator sub-steps by the fastest time constant
and stops at every input change and fault boundary).

Options:
  --model loop|seed     loop (default): the two-node loop with heat rejection (docs/design.md 2.2);
                        seed: the earlier model kept verbatim (docs/design.md 2.1; no steady state:
                        the sum of the temperatures drifts for ever, by design)
  --config FILE         JSON object of parameters (same names as --set); an optional "model"
                        key ("loop" or "seed"); keys starting with "_" are comments
  --set NAME=VALUE      set a parameter (repeatable; overrides --config)
  --input CH=T:V,...    piecewise-constant input from each time T [s] (repeatable)
                          loop: pump, heater, fan (duty 0-255; defaults 200, 255, 255) and
                                t_amb (C; default the parameter T_amb, 25)
                          seed: q_in, q_out (W; defaults the parameters Q_in, Q_out)
  --duration S          simulated time [s] (default 3600)
  --dt S                output spacing [s] (default 1)
  --fault SPEC          KIND[:key=value,...] (repeatable; loop model only), keys start, end,
                        ramp, severity, value, channel; kinds:
                          ${FAULT_KINDS.filter((k) => !isLinkFault(k)).join(", ")}
                        e.g. pump_degradation:start=120,severity=0.3,ramp=20
  --seed N              seed of the sensor noise, 0-4294967295 (default 1)
  --sensors             add measured, setpoint, duty, raw and label columns (loop model only)
  --integrator rk4|dopri5
                        RK4 with sub-steps of 1/20 of the fastest time constant (default), or
                        adaptive Dormand-Prince 5(4)
  --out FILE            write the CSV to FILE (default: standard output)

Columns:
  loop:      ${LOOP_TRUE_COLUMNS.join(",")}
  --sensors: ${LOOP_SENSOR_COLUMNS.join(",")}
  seed:      ${SEED_COLUMNS.join(",")}
  Empty measured temperatures mean an open or shorted thermistor; fault lists the active
  fault kinds joined by "+".

Loop model parameters (--set NAME=VALUE):
${describeParams(LOOP_PARAM_SPECS)}
  Pump curve: no flow below pump_stall_duty, then
    m_dot = m_dot_max*(pump_min_frac + (1-pump_min_frac)*((d-stall)/(255-stall))^pump_exponent)
  Heater: Q_in = Q_heater_max*duty/255. Fan: UA_eff = UA*(f0 + (1-f0)*fan/255), f0 = UA_fan_off_frac.

Seed model parameters:
${describeParams(SEED_PARAM_SPECS)}

Example:
  looptwin simulate --duration 1800 --dt 10 --sensors --fault pump_failure:start=600
`;

/** Parses `NAME=VALUE` arguments of `--set` for a model with parameter names `known`. */
export function parseSetArgs(
  texts: readonly string[],
  known: readonly string[],
  model: ModelName,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of texts) {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", text, "expected NAME=VALUE");
    const name = text.slice(0, eq).trim();
    const raw = text.slice(eq + 1).trim();
    if (!known.includes(name))
      throw new ConfigError(
        `--set ${name}`,
        raw,
        `unknown parameter of the ${model} model (known: ${known.join(", ")})`,
      );
    if (Object.hasOwn(out, name)) throw new ConfigError(`--set ${name}`, raw, "given twice");
    const value = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new ConfigError(`--set ${name}`, raw, "must be a finite number");
    out[name] = value;
  }
  return out;
}

interface ConfigFile {
  readonly model: ModelName | undefined;
  readonly params: Record<string, unknown>;
}

/** Reads a `--config` JSON file: parameters, an optional "model", "_" comment keys. */
export function readConfigFile(path: string, display: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputFileError(display, `cannot read: ${(e as Error).message}`, {}, { cause: e });
  }
  return parseConfigText(text, display);
}

/** Parses the text of a `--config` file (see {@link readConfigFile}). */
export function parseConfigText(text: string, display: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputFileError(display, `not valid JSON: ${(e as Error).message}`, {}, { cause: e });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new InputFileError(display, "must be a JSON object of parameter names and values");
  let model: ModelName | undefined;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith("_")) continue;
    if (key === "model") {
      if (!(MODELS as readonly unknown[]).includes(value))
        throw new ConfigError(`${display}: model`, value, `must be one of ${MODELS.join(", ")}`);
      model = value as ModelName;
      continue;
    }
    params[key] = value;
  }
  return { model, params };
}

function parseModel(text: string | undefined): ModelName | undefined {
  if (text === undefined) return undefined;
  if (!(MODELS as readonly string[]).includes(text))
    throw new ConfigError("--model", text, `must be one of ${MODELS.join(", ")}`);
  return text as ModelName;
}

/** Turns the command line into a run configuration (and where to write). Throws ConfigError/InputFileError. */
export function parseSimulateArgs(
  argv: readonly string[],
  cwd: string,
): { config: RunConfig; sensors: boolean; out: string | undefined } {
  const args = parseCommandArgs(
    argv,
    {
      model: { type: "string" },
      config: { type: "string" },
      set: { type: "string", multiple: true },
      input: { type: "string", multiple: true },
      duration: { type: "string" },
      dt: { type: "string" },
      fault: { type: "string", multiple: true },
      seed: { type: "string" },
      sensors: { type: "boolean" },
      integrator: { type: "string" },
      out: { type: "string" },
    },
    false,
  );
  const configPath = stringOpt(args, "config");
  const file = configPath === undefined ? undefined : readConfigFile(resolve(cwd, configPath), configPath);
  const cliModel = parseModel(stringOpt(args, "model"));
  if (cliModel !== undefined && file?.model !== undefined && file.model !== cliModel)
    throw new ConfigError("--model", cliModel, `disagrees with "model": "${file.model}" in ${configPath}`);
  const model: ModelName = cliModel ?? file?.model ?? "loop";
  const durationText = stringOpt(args, "duration");
  const dtText = stringOpt(args, "dt");
  const durationS =
    durationText === undefined ? 3600 : parseNumberArg("--duration", durationText, { min: 0 });
  const dtS = dtText === undefined ? 1 : parseNumberArg("--dt", dtText, { min: 0, minExclusive: true });
  const integratorText = stringOpt(args, "integrator") ?? "rk4";
  if (integratorText !== "rk4" && integratorText !== "dopri5")
    throw new ConfigError("--integrator", integratorText, "must be rk4 or dopri5");
  const integrator = integratorText;
  const sensors = flagOpt(args, "sensors");
  const faults: FaultSpec[] = stringsOpt(args, "fault").map((t) => parseFaultSpec(t, "--fault"));
  const out = stringOpt(args, "out");
  const filePrefix = configPath === undefined ? "" : `${configPath}: `;
  const fileParams = file?.params ?? {};

  if (model === "seed") {
    const set = parseSetArgs(stringsOpt(args, "set"), SEED_PARAM_NAMES, "seed");
    makeSeedParams(fileParams, filePrefix);
    makeSeedParams(set, "--set ");
    const params = makeSeedParams({ ...fileParams, ...set });
    if (sensors) throw new ConfigError("--sensors", true, "the seed model has no sensors (use --model loop)");
    const first = faults[0];
    if (first !== undefined)
      throw new ConfigError("--fault", first.kind, "the seed model takes no faults (use --model loop)");
    if (stringOpt(args, "seed") !== undefined) parseSeed(stringOpt(args, "seed") as string);
    const inputs = parseInputSchedules(stringsOpt(args, "input"), SEED_INPUT_CHANNELS, {
      q_in: params.Q_in,
      q_out: params.Q_out,
    });
    return { config: { model, params, inputs, durationS, dtS, integrator }, sensors: false, out };
  }

  const set = parseSetArgs(stringsOpt(args, "set"), LOOP_PARAM_NAMES, "loop");
  makeLoopParams(fileParams, filePrefix);
  makeLoopParams(set, "--set ");
  const params = makeLoopParams({ ...fileParams, ...set });
  for (const f of faults) {
    if (isLinkFault(f.kind))
      throw new ConfigError("--fault", f.kind, "a link fault needs a serial link (use looptwin emulate)");
  }
  const seedText = stringOpt(args, "seed");
  const seed = seedText === undefined ? 1 : parseSeed(seedText);
  const inputs = parseInputSchedules(stringsOpt(args, "input"), LOOP_INPUT_CHANNELS, {
    ...DEFAULT_LOOP_INPUTS,
    t_amb: params.T_amb,
  });
  return {
    config: { model, params, inputs, faults, seed, sensors, durationS, dtS, integrator },
    sensors,
    out,
  };
}

function parseSeed(text: string): number {
  return parseNumberArg("--seed", text, { integer: true, min: 0, max: 4294967295 });
}

/** Runs the simulation and writes the CSV, header included, into `out` (flushed at the end). */
export function writeSimulationRows(config: RunConfig, sensors: boolean, out: CsvWriter): void {
  const formatter = new CsvRowFormatter(config.dtS, sensors);
  out.text(csvHeader(config.model, sensors));
  out.newline();
  simulateRun(config, (row) => formatter.write(row, out));
  out.flush();
}

/** Runs the simulation and hands the CSV to `write` in chunks of text. */
export function writeSimulationCsv(
  config: RunConfig,
  sensors: boolean,
  write: (chunk: string) => void,
): void {
  writeSimulationRows(config, sensors, new CsvWriter(textSink(write)));
}

export const simulateCommand: Command = {
  name: "simulate",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { config, sensors, out } = parseSimulateArgs(argv, io.cwd);
    if (out === undefined) {
      writeSimulationCsv(config, sensors, (chunk) => io.stdout.write(chunk));
      return 0;
    }
    let fd: number;
    try {
      fd = openSync(resolve(io.cwd, out), "w");
    } catch (e) {
      throw new ConfigError("--out", out, `cannot write: ${(e as Error).message}`, { cause: e });
    }
    try {
      writeSimulationRows(config, sensors, new CsvWriter(fdSink(fd)));
    } finally {
      closeSync(fd);
    }
    return 0;
  },
};
