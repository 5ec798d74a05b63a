/**
 * `looptwin dashboard`: the terminal dashboard on a rig (serial port or Firmata), the in-process
 * emulator, or a replayed recording, with the twin on the rig config of `--config`/`--set`.
 * Everything that can be wrong (arguments, a rig config, an unreadable port, a wrong protocol
 * version, a missing replay file) is found before the screen opens and is a one-line error with
 * exit code 2.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { runDashboard } from "../dashboard/runDashboard.js";
import { observeIntoViewModel } from "../dashboard/sessionView.js";
import { DashboardViewModel, WINDOWS_S } from "../dashboard/viewModel.js";
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
import { flagOpt, type ParsedArgs, parseCommandArgs, parseNumberArg, stringOpt, stringsOpt } from "./args.js";
import type { Command } from "./command.js";
import { type RigArgs, rigFromArgs } from "./rigArgs.js";

const HELP = `Usage: looptwin dashboard (--emulate | --port PATH | --replay FILE | --firmata PATH) [options]

The terminal dashboard: measured temperatures and flow beside the twin's prediction, residuals
with their alarm bands, alarms with their diagnosis, loop figures, and fault injection. Works in
80x24 and over SSH (see docs/dashboard.md); press ? for the keys. On q, Ctrl-C, SIGTERM or SIGHUP
it sends SAFE to the rig, closes the recording and restores the terminal.

Sources (exactly one):
  --emulate           an emulated rig in this process (no hardware)
  --port PATH         a rig running looptwin firmware on a serial port
  --replay FILE       a recording made with --record or 'r' (read-only)
  --firmata PATH      an Arduino running StandardFirmata (johnny-five)

Rig config:
  --config FILE       rig config (JSON) as looptwin calibrate writes it, or {"params": {"UA": 9.6}}:
                      the loop parameters go to the twin (and, with --emulate, to the emulated
                      plant as well; its sensors stay ideal); the thermistor offsets go to the
                      host conversion of a --port or --firmata rig. With --replay the twin takes
                      the loop parameters; the offsets do not apply (the recorded samples were
                      converted when they were recorded)
  --set K=V           one loop parameter, repeatable (after --config), e.g. --set UA=9.6
  The rig config in force is written into the header of every recording the dashboard makes.

Options:
  --record FILE       record from the start (NDJSON; 'r' starts and stops recordings too)
  --rate HZ           telemetry rate to ask the device for, 1-100 (default: the device's, 10)
  --pump DUTY         pump setpoint at start, 0-255 (default 200)
  --heater DUTY       heater setpoint at start, 0-255 (default 255 on --emulate, 0 on a real rig)
  --fan DUTY          fan setpoint at start, 0-255 (default 255)
  --window S          chart time window in seconds: ${WINDOWS_S.join(", ")} (default 60)
  --seed N            emulator seed (default 1)
  --fault SPEC        emulator fault from the start (repeatable), e.g. pump_degradation:start=60,severity=0.4
  --speed X           emulator or replay speed relative to the wall clock (default 1)
  --baud N            serial baud rate (default 115200)

Environment: NO_COLOR (any value) turns colour off; TERM selects the terminal description.
`;

const OPTIONS = {
  emulate: { type: "boolean" },
  port: { type: "string" },
  replay: { type: "string" },
  firmata: { type: "string" },
  record: { type: "string" },
  rate: { type: "string" },
  pump: { type: "string" },
  heater: { type: "string" },
  fan: { type: "string" },
  window: { type: "string" },
  seed: { type: "string" },
  fault: { type: "string", multiple: true },
  speed: { type: "string" },
  baud: { type: "string" },
  config: { type: "string" },
  set: { type: "string", multiple: true },
} as const;

/** A connected source and what the dashboard needs to know about it. */
export interface DashboardRig {
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
export interface DashboardDeps {
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
export async function openDashboardRig(
  args: ParsedArgs,
  records: SwitchableRecordSink,
  cwd: string,
  rig: RigArgs,
  deps: DashboardDeps = {},
): Promise<DashboardRig> {
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
 * Runs the in-process emulator in step with the wall clock (`speed` times faster): every 20 ms
 * it runs virtual time up to where the wall clock says. (Ticking from a timer instead of a
 * continuous loop keeps the emulator from spinning the CPU between samples.)
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
  }, 20);
  return {
    stop: async () => {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

/** A dashboard ready to run: the source open, the session built (not started). */
export interface PreparedDashboard {
  readonly rig: DashboardRig;
  readonly session: LiveSession;
  readonly viewModel: DashboardViewModel;
  /** The rig of `--config`/`--set`. */
  readonly rigArgs: RigArgs;
}

/**
 * Parses the arguments, reads the rig config, opens the source and builds the session (the
 * twin on the configured loop parameters). Everything that can be wrong is a ConfigError or an
 * InputFileError (exit 2) thrown before anything runs, or after the source is closed again.
 */
export async function prepareDashboard(
  argv: readonly string[],
  cwd: string,
  deps: DashboardDeps = {},
): Promise<PreparedDashboard> {
  const args = parseCommandArgs(argv, OPTIONS, false);
  const windowText = stringOpt(args, "window");
  const windowS = windowText === undefined ? 60 : parseNumberArg("--window", windowText, { min: 1 });
  if (!(WINDOWS_S as readonly number[]).includes(windowS))
    throw new ConfigError("--window", windowText, `must be one of ${WINDOWS_S.join(", ")}`);
  const setpoints: OperatorSetpoints = {
    pumpDuty: dutyOpt(args, "pump", 200),
    heaterDuty: dutyOpt(args, "heater", flagOpt(args, "emulate") ? 255 : 0),
    fanDuty: dutyOpt(args, "fan", 255),
  };
  const rigArgs = rigFromArgs(stringOpt(args, "config"), stringsOpt(args, "set"), cwd);
  const recordPath = stringOpt(args, "record");
  const records = new SwitchableRecordSink();
  const rig = await openDashboardRig(args, records, cwd, rigArgs, deps);
  const viewModel = new DashboardViewModel({ windowS });
  try {
    const session = new LiveSession({
      source: rig.source,
      sourceLabel: rig.label,
      recordedSource: rig.recorded,
      emulator: rig.emulator,
      readOnly: rig.readOnly,
      sourceRecordsSamples: rig.sourceRecordsSamples,
      createMonitor: (tuning: MonitorTuning) =>
        createMonitor({
          params: tuning.params,
          alarm: tuning.alarm,
          // Names checked by the t form; values validated by the monitor's own configuration.
          detectors: tuning.detectors as MonitorDetectorOptions,
          ...(rig.rateHz !== null ? { rateHz: rig.rateHz } : {}),
        }),
      // The twin starts on the configured rig; the t form changes it from there.
      tuning: defaultTuning(rigArgs.loopParams),
      rigConfig: rigArgs.config,
      setpoints,
      scheduler: rig.scheduler,
      records,
      openRecording: (path, header) => new RecordingWriter(resolve(cwd, path), header),
      ...(recordPath !== undefined ? { recordPath } : {}),
    });
    observeIntoViewModel(session, viewModel);
    return { rig, session, viewModel, rigArgs };
  } catch (e) {
    await rig.source.close();
    await rig.stop();
    throw e;
  }
}

export const dashboardCommand: Command = {
  name: "dashboard",
  help: HELP,
  async run(argv, io) {
    const { rig, session, viewModel } = await prepareDashboard(argv, io.cwd);
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      await rig.source.close();
      await rig.stop();
      throw new ConfigError(
        "terminal",
        "not a tty",
        "the dashboard needs a terminal (run it in a terminal, tmux, or ssh -t)",
      );
    }
    const exit = await runDashboard({
      session,
      viewModel,
      signals: process,
      input: process.stdin,
      output: process.stdout,
    });
    await rig.stop();
    io.stderr.write(`${exit.message}\n`);
    if (exit.report.reason === "SIGHUP") {
      // The terminal is gone: at exit Node would try to restore its mode and abort on the EIO
      // (node 20's ResetStdio). The rig is safe and the files closed, so end as a hung-up
      // process does: by the signal itself.
      process.removeAllListeners("SIGHUP");
      process.kill(process.pid, "SIGHUP");
    }
    return exit.code;
  },
};
