/**
 * The wiring of a live session from command-line options, shared by `dashboard` and `serve`: the
 * source (`--emulate`, `--port`, `--replay`, `--firmata`), the rig config (`--config`, `--set`;
 * a replay's own), the operating point at start and the recording. Everything that can be wrong
 * is a one-line ConfigError or InputFileError (exit 2) thrown before the session runs.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { LearnedBesideMonitor, learnedForSession } from "../detect/learned/learnedBesideMonitor.js";
import { createMonitor } from "../detect/monitor/monitor.js";
import type { MonitorDetectorOptions } from "../detect/monitor/monitorConfig.js";
import type { OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import { parseFaultSpec } from "../model/faultSpec.js";
import { InProcessEmulator } from "../rig/emulator/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../rig/emulator/plantAdapter.js";
import { FirmataSource } from "../rig/hardware/firmataSource.js";
import { SerialSource } from "../rig/hardware/serialSource.js";
import type { RecordedSource } from "../rig/recording/recording.js";
import { RecordingWriter } from "../rig/recording/recordingWriter.js";
import { ReplaySource } from "../rig/recording/replaySource.js";
import type { SerialBinding } from "../rig/source/bindingTypes.js";
import type { RigSource } from "../rig/source/rigSource.js";
import { type Scheduler, wallScheduler } from "../rig/source/scheduler.js";
import { LiveSession } from "../session/liveSession.js";
import { SwitchableRecordSink } from "../session/recordSwitch.js";
import { defaultTuning, type MonitorTuning } from "../session/tuning.js";
import { flagOpt, type ParsedArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import { LIVE_LEARNED_OPTIONS, liveLearnedFromArgs } from "./learnedModelArg.js";
import { type RigArgs, rigFromArgs, rigFromRecordingHeader } from "./rigArgs.js";

/** A connected source and what the session needs to know about it. */
export interface SessionRig {
  readonly source: RigSource;
  readonly label: string;
  readonly recorded: RecordedSource;
  readonly emulator: boolean;
  readonly readOnly: boolean;
  readonly sourceRecordsSamples: boolean;
  readonly scheduler: Scheduler;
  /** Telemetry rate asked of the device (`--rate`), or null for the device's own. */
  readonly rateHz: number | null;
  /** Stops what runs behind the source (the emulator), after the source is closed. */
  stop(): Promise<void>;
}

/** How sources are reached; the defaults are the real ones (tests pass mock ones). */
export interface SessionDeps {
  /** serialport binding of `--port`. @default the OS's (serialport's autoDetect) */
  readonly serialBinding?: SerialBinding;
  /** Clock and timers of a `--port` source. @default wallScheduler */
  readonly serialScheduler?: Scheduler;
  /**
   * Runs the `--emulate` emulator from before the handshake until `stop`.
   * @default {@link paceEmulator} (in step with the wall clock, `--speed` times faster)
   */
  readonly runEmulator?: (emu: InProcessEmulator, speed: number) => { stop(): Promise<void> };
}

/**
 * The options every command that runs a live session takes (`dashboard`, `serve`): the source,
 * the rig config, the operating point at start, the recording.
 */
export const SESSION_OPTIONS = {
  emulate: { type: "boolean" },
  port: { type: "string" },
  replay: { type: "string" },
  firmata: { type: "string" },
  record: { type: "string" },
  rate: { type: "string" },
  pump: { type: "string" },
  heater: { type: "string" },
  fan: { type: "string" },
  seed: { type: "string" },
  fault: { type: "string", multiple: true },
  speed: { type: "string" },
  baud: { type: "string" },
  "any-unit": { type: "boolean" },
  config: { type: "string" },
  set: { type: "string", multiple: true },
  ...LIVE_LEARNED_OPTIONS,
} as const;

function dutyOpt(args: ParsedArgs, name: string, fallback: number): number {
  const t = stringOpt(args, name);
  return t === undefined ? fallback : parseNumberArg(`--${name}`, t, { min: 0, max: 255, integer: true });
}

function openError(option: string, value: string, e: unknown): ConfigError {
  const message = e instanceof Error ? e.message : String(e);
  return new ConfigError(option, value, `cannot open: ${message}`, { cause: e });
}

/**
 * Opens the chosen source on the rig of `--config`/`--set` (`rig`: the loop parameters go to an
 * emulated plant, the thermistor offsets to the host conversion of a serial or Firmata rig);
 * every failure is a ConfigError naming the option (exit 2).
 */
export async function openSessionRig(
  args: ParsedArgs,
  records: SwitchableRecordSink,
  cwd: string,
  rig: RigArgs,
  deps: SessionDeps = {},
): Promise<SessionRig> {
  const chosen = ["emulate", "port", "replay", "firmata"].filter(
    (k) => args.values[k] !== undefined && args.values[k] !== false,
  );
  if (chosen.length !== 1) {
    throw new ConfigError(
      "source",
      chosen.map((c) => `--${c}`).join(" ") || "none",
      "choose exactly one of --emulate, --port PATH, --replay FILE, --firmata PATH",
    );
  }
  const rateText = stringOpt(args, "rate");
  const rateHz =
    rateText === undefined ? null : parseNumberArg("--rate", rateText, { min: 1, max: 100, integer: true });
  if (flagOpt(args, "emulate")) {
    const seedText = stringOpt(args, "seed");
    const seed = seedText === undefined ? 1 : parseNumberArg("--seed", seedText, { min: 0, integer: true });
    const speedText = stringOpt(args, "speed");
    const speed =
      speedText === undefined
        ? 1
        : parseNumberArg("--speed", speedText, { min: 0, minExclusive: true, max: 1000 });
    const faults = stringsOpt(args, "fault").map((f) => parseFaultSpec(f, "--fault"));
    // The emulated plant is the configured rig with the default parts: its readings need no
    // offsets, so the host conversion keeps the default calibration (as hil run's emulator).
    const plant = new PlantDeviceAdapter({ seed, params: rig.loopParams });
    const emu = new InProcessEmulator({ device: { plant, seed, faults } });
    const source = new SerialSource({
      path: emu.path,
      binding: emu.binding,
      scheduler: emu.scheduler,
      record: records,
      rateHz,
    });
    const pacer = (deps.runEmulator ?? paceEmulator)(emu, speed);
    try {
      await source.open();
    } catch (e) {
      await pacer.stop();
      throw openError("--emulate", "emulator", e);
    }
    return {
      source,
      label: "emulator",
      recorded: { kind: "emulator", path: emu.path },
      emulator: true,
      readOnly: false,
      sourceRecordsSamples: true,
      scheduler: emu.scheduler,
      rateHz,
      stop: () => pacer.stop(),
    };
  }
  const port = stringOpt(args, "port");
  if (port !== undefined) {
    const baudText = stringOpt(args, "baud");
    const baudRate =
      baudText === undefined ? 115_200 : parseNumberArg("--baud", baudText, { min: 1, integer: true });
    const scheduler = deps.serialScheduler ?? wallScheduler;
    const source = new SerialSource({
      path: port,
      baudRate,
      record: records,
      rateHz,
      scheduler,
      anyUnit: flagOpt(args, "any-unit"),
      ...(deps.serialBinding !== undefined ? { binding: deps.serialBinding } : {}),
      ...(rig.calibration !== undefined ? { calibration: rig.calibration } : {}),
    });
    try {
      await source.open();
    } catch (e) {
      await source.close();
      throw openError("--port", port, e);
    }
    return {
      source,
      label: port,
      recorded: { kind: "serial", path: port },
      emulator: false,
      readOnly: false,
      sourceRecordsSamples: true,
      scheduler,
      rateHz,
      stop: async () => {},
    };
  }
  const replay = stringOpt(args, "replay");
  if (replay !== undefined) {
    const file = resolve(cwd, replay);
    if (!existsSync(file)) throw new ConfigError("--replay", replay, "no such file");
    const speedText = stringOpt(args, "speed");
    const speed =
      speedText === undefined
        ? 1
        : parseNumberArg("--speed", speedText, { min: 0, minExclusive: true, max: 1000 });
    const source = new ReplaySource({ path: file, speed });
    await source.open(); // an unreadable or foreign file is an InputFileError (exit 2)
    return {
      source,
      label: replay,
      recorded: { kind: "replay", path: file },
      emulator: false,
      readOnly: true,
      sourceRecordsSamples: false,
      scheduler: wallScheduler,
      rateHz: null,
      stop: async () => {},
    };
  }
  const firmata = stringOpt(args, "firmata") ?? "";
  const firmataRateHz = 10;
  const board = new FirmataSource({
    path: firmata,
    record: records,
    rateHz: firmataRateHz,
    ...(rig.calibration !== undefined ? { calibration: rig.calibration } : {}),
  });
  try {
    await board.open();
  } catch (e) {
    await board.close();
    throw openError("--firmata", firmata, e);
  }
  return {
    source: board,
    label: `firmata ${firmata}`,
    recorded: { kind: "firmata", path: firmata },
    emulator: false,
    readOnly: false,
    sourceRecordsSamples: true,
    scheduler: wallScheduler,
    rateHz: firmataRateHz,
    stop: async () => {},
  };
}

/**
 * How often the in-process emulator catches up with the wall clock [ms]: once per dashboard frame
 * (10 a second). Each catch-up carries a fixed cost (timers, the serial stream's promises, the
 * line parser's chunk), which at every 20 ms was most of the dashboard's CPU with the screen idle
 * (issue 16: 2.7 % of a core at 50 Hz against 1.2-1.4 % at 100 ms). The host sees the same samples
 * at the same device times, 5 per catch-up at 50 Hz; its timeouts run on the emulator's virtual
 * time, so an answer is never late, and the screen draws at most every 100 ms anyway.
 */
const EMULATOR_PACE_MS = 100;

/**
 * Runs the in-process emulator in step with the wall clock (`speed` times faster): every
 * {@link EMULATOR_PACE_MS} it runs virtual time up to where the wall clock says. (Ticking from a
 * timer instead of a continuous loop keeps the emulator from spinning the CPU between samples.)
 */
function paceEmulator(emu: InProcessEmulator, speed: number): { stop(): Promise<void> } {
  const wall0 = performance.now();
  const virt0 = emu.nowMs;
  let running: Promise<void> | null = null;
  const abort = new AbortController();
  const timer = setInterval(() => {
    if (running !== null) return;
    running = emu.runUntil(virt0 + (performance.now() - wall0) * speed, abort.signal).finally(() => {
      running = null;
    });
  }, EMULATOR_PACE_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

/** A live session ready to run: the source open, the session built (not started). */
export interface PreparedSession {
  readonly rig: SessionRig;
  readonly session: LiveSession;
  /** The rig in force: `--config`/`--set`, or for a replay the recording's own with `--set`. */
  readonly rigArgs: RigArgs;
}

/**
 * Reads the rig config, opens the source of the parsed `args` ({@link SESSION_OPTIONS}) and builds
 * the session (the twin on the configured loop parameters; a replay without `--config` on the
 * recording's own rig). Everything that can be wrong is a ConfigError or an InputFileError
 * (exit 2) thrown before anything runs, or after the source is closed again.
 */
export async function prepareSession(
  args: ParsedArgs,
  cwd: string,
  writerName: string,
  deps: SessionDeps = {},
): Promise<PreparedSession> {
  const setpoints: OperatorSetpoints = {
    pumpDuty: dutyOpt(args, "pump", 200),
    heaterDuty: dutyOpt(args, "heater", flagOpt(args, "emulate") ? 255 : 0),
    fanDuty: dutyOpt(args, "fan", 255),
  };
  const configPath = stringOpt(args, "config");
  const sets = stringsOpt(args, "set");
  let rigArgs = rigFromArgs(configPath, sets, cwd);
  const choice = liveLearnedFromArgs(args, cwd);
  // One model, or one trainer, for the session: a monitor re-made by the t form keeps what it learned.
  const learned = choice === undefined ? undefined : learnedForSession(choice);
  const recordPath = stringOpt(args, "record");
  const records = new SwitchableRecordSink();
  const rig = await openSessionRig(args, records, cwd, rigArgs, deps);
  try {
    if (rig.source instanceof ReplaySource && configPath === undefined) {
      rigArgs = rigFromRecordingHeader(rig.source.header?.rig ?? null, rig.label, sets);
    }
    const session = new LiveSession({
      source: rig.source,
      sourceLabel: rig.label,
      recordedSource: rig.recorded,
      emulator: rig.emulator,
      readOnly: rig.readOnly,
      sourceRecordsSamples: rig.sourceRecordsSamples,
      createMonitor: (tuning: MonitorTuning) => {
        const monitor = createMonitor({
          params: tuning.params,
          alarm: tuning.alarm,
          // Names checked by the t form; values validated by the monitor's own configuration.
          detectors: tuning.detectors as MonitorDetectorOptions,
          ...(rig.rateHz !== null ? { rateHz: rig.rateHz } : {}),
        });
        // --learned / --learn-first: the learned detector beside it, its alarms in the same list (issue 17 part 2).
        return learned === undefined ? monitor : new LearnedBesideMonitor(monitor, learned);
      },
      // The twin starts on the configured rig; the t form changes it from there.
      tuning: defaultTuning(rigArgs.loopParams),
      rigConfig: rigArgs.config,
      setpoints,
      scheduler: rig.scheduler,
      records,
      openRecording: (path, header) => new RecordingWriter(resolve(cwd, path), header),
      ...(recordPath !== undefined ? { recordPath } : {}),
      writerName,
    });
    return { rig, session, rigArgs };
  } catch (e) {
    await closeRig(rig);
    throw e;
  }
}

/** Closes the source, then stops what runs behind it (the emulator). */
export async function closeRig(rig: SessionRig): Promise<void> {
  await rig.source.close();
  await rig.stop();
}

/** Runs `start`; when it fails, closes the rig first, so a refused start leaves nothing open. */
export async function orCloseRig<T>(rig: SessionRig, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    await closeRig(rig);
    throw e;
  }
}
