/**
 * `looptwin dashboard`: the terminal dashboard on a rig (serial port or Firmata), the in-process
 * emulator, or a replayed recording, with the twin on the rig config of `--config`/`--set`.
 * Everything that can be wrong (arguments, a rig config, an unreadable port, a wrong protocol
 * version, a missing replay file) is found before the screen opens and is a one-line error with
 * exit code 2.
 */
import { ConfigError } from "../core/errors.js";
import { runDashboard } from "../dashboard/runDashboard.js";
import { observeIntoViewModel } from "../dashboard/sessionView.js";
import { DashboardViewModel, WINDOWS_S } from "../dashboard/viewModel.js";
import { type ListenAddress, parseListenAddress } from "../web/listenAddress.js";
import { type LiveWeb, startLiveWeb } from "../web/liveWeb.js";
import { parseCommandArgs, parseNumberArg, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { endByHangUpIf } from "./hangUp.js";
import {
  brokerFromArgs,
  MQTT_PUBLISH_HELP,
  MQTT_PUBLISH_OPTIONS,
  type MqttPublishArgs,
  mqttPublishFromArgs,
} from "./mqttArgs.js";
import { publishLiveSession } from "./mqttPublishing.js";
import {
  closeRig,
  orCloseRig,
  type PreparedSession,
  prepareSession,
  SESSION_OPTIONS,
  type SessionDeps,
} from "./sessionWiring.js";

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
  --learned MODEL     a learned model (looptwin detect --save-model on this rig's data) run beside
                      the twin; its alarms are listed as "learned: <channels>"
  --learn-first S     the learned detector trained on the session's first S seconds (>= 10; they
                      must be nominal), then run beside the twin; the Residuals legend shows
                      "learning 12/60 s", then its score against its threshold. Not with --learned
  --config FILE       rig config (JSON) as looptwin calibrate writes it, or {"params": {"UA": 9.6}}:
                      the loop parameters go to the twin (and, with --emulate, to the emulated
                      plant as well; its sensors stay ideal); the thermistor offsets go to the
                      host conversion of a --port or --firmata rig. With --replay the twin takes
                      the loop parameters; the offsets do not apply (the recorded samples were
                      converted when they were recorded). Without --config a replay's twin runs
                      on the recording's own rig config (its header)
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
  --any-unit          accept another unit (uid) on the port after a reconnect (boards swapped
                      on the bench; the recording marks the change). Without it, another unit
                      is named on the status line and not recorded
  --serve [HOST:]PORT also serve the web page and live stream of this session, view only
                      (host default 127.0.0.1; port 0: any free one; see looptwin serve, docs/web.md)

${MQTT_PUBLISH_HELP}  The status line shows the broker's state and the messages dropped.

A remote rig, through the broker (read-only: the same panels from what it publishes; keys that
would act on the rig say so and do nothing; STALE on the status line after 5 s without telemetry):
  looptwin dashboard --mqtt-source URL --rig NAME [--mqtt-prefix P] [--mqtt-user ...] [--window S]

Environment: NO_COLOR (any value) turns colour off; TERM selects the terminal description.
`;

const OPTIONS = {
  ...SESSION_OPTIONS,
  window: { type: "string" },
  serve: { type: "string" },
  ...MQTT_PUBLISH_OPTIONS,
  "mqtt-source": { type: "string" },
  rig: { type: "string" },
} as const;

/** A dashboard ready to run: a prepared session and the view model it feeds. */
export interface PreparedDashboard extends PreparedSession {
  readonly viewModel: DashboardViewModel;
  /** Where `--serve` serves the page and the stream (view only), or null. */
  readonly serve: ListenAddress | null;
  /** Where `--mqtt` publishes the session, or undefined. */
  readonly mqtt: MqttPublishArgs | undefined;
}

/** `--window S`: one of {@link WINDOWS_S} (default 60). */
function windowFromArgs(args: ReturnType<typeof parseCommandArgs>): number {
  const windowText = stringOpt(args, "window");
  const windowS = windowText === undefined ? 60 : parseNumberArg("--window", windowText, { min: 1 });
  if (!(WINDOWS_S as readonly number[]).includes(windowS))
    throw new ConfigError("--window", windowText, `must be one of ${WINDOWS_S.join(", ")}`);
  return windowS;
}

/**
 * Parses the arguments and prepares the session (see {@link prepareSession}), the dashboard's
 * view model observing it.
 */
export async function prepareDashboard(
  argv: readonly string[],
  cwd: string,
  deps: SessionDeps = {},
): Promise<PreparedDashboard> {
  const args = parseCommandArgs(argv, OPTIONS, false);
  const windowS = windowFromArgs(args);
  const serveText = stringOpt(args, "serve");
  // Checked before the rig is opened: a bad address is an argument error like any other.
  const serve = serveText === undefined ? null : parseListenAddress(serveText, "--serve", { portOnly: true });
  const mqtt = mqttPublishFromArgs(args, process.env, cwd);
  const prepared = await prepareSession(args, cwd, "looptwin dashboard", deps);
  const viewModel = new DashboardViewModel({ windowS });
  observeIntoViewModel(prepared.session, viewModel);
  return { ...prepared, viewModel, serve, mqtt };
}

export const dashboardCommand: Command = {
  name: "dashboard",
  help: HELP,
  async run(argv, io) {
    const remote = await remoteDashboard(argv, io);
    if (remote !== null) return remote;
    const { rig, session, viewModel, serve, rigArgs, mqtt } = await prepareDashboard(argv, io.cwd);
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      await closeRig(rig);
      throw new ConfigError(
        "terminal",
        "not a tty",
        "the dashboard needs a terminal (run it in a terminal, tmux, or ssh -t)",
      );
    }
    let web: LiveWeb | null = null;
    if (serve !== null) {
      // The same session, watched from a browser; control stays with the terminal.
      web = await orCloseRig(rig, () =>
        startLiveWeb({
          session,
          listen: serve,
          listenOption: "--serve",
          controlToken: null,
          rigConfig: rigArgs.config,
          server: {
            controlOffReason:
              "control is off: dashboard --serve is view only (the terminal has control; looptwin serve --allow-control serves control)",
          },
        }),
      );
      viewModel.setWebUrl(web.url);
    }
    // The broker's state and drops on the status line; the broker never holds the session up.
    const published =
      mqtt === undefined
        ? null
        : await publishLiveSession(mqtt, session, () => rig.source.hello?.uid ?? "", {
            command: "dashboard",
            io: null,
          });
    const brokerTimer =
      published === null ? null : setInterval(() => viewModel.setBroker(published.publisher.describe()), 500);
    const exit = await runDashboard({
      session,
      viewModel,
      signals: process,
      input: process.stdin,
      output: process.stdout,
    });
    await web?.stop(exit.report.reason);
    await rig.stop();
    if (brokerTimer !== null) clearInterval(brokerTimer);
    const mqttLine = published === null ? "" : `; ${await published.stop(exit.report.reason)}`;
    io.stderr.write(`${exit.message}${mqttLine}\n`);
    endByHangUpIf(exit.report.reason);
    return exit.code;
  },
};

/**
 * `dashboard --mqtt-source URL --rig NAME`: a remote rig's six panels from the broker, read-only
 * (remoteDashboard.ts); null when the option is absent.
 */
async function remoteDashboard(argv: readonly string[], io: CliIo): Promise<number | null> {
  const args = parseCommandArgs(argv, OPTIONS, false);
  const rig = stringOpt(args, "rig");
  // The credential options serve --mqtt as well: only read them for a remote rig.
  const broker =
    stringOpt(args, "mqtt-source") === undefined
      ? undefined
      : brokerFromArgs(args, "mqtt-source", process.env, io.cwd);
  if (broker === undefined) {
    if (rig !== undefined) throw new ConfigError("--rig", rig, "needs --mqtt-source URL (a rig on a broker)");
    return null;
  }
  if (rig === undefined)
    throw new ConfigError("--rig", undefined, "required with --mqtt-source: the rig's name on the broker");
  const local = ["emulate", "port", "replay", "firmata", "mqtt", "record"].filter(
    (k) => args.values[k] !== undefined,
  );
  if (local.length > 0)
    throw new ConfigError(
      `--${local[0]}`,
      undefined,
      "not with --mqtt-source (a remote rig is watched, not driven)",
    );
  if (!process.stdout.isTTY || !process.stdin.isTTY)
    throw new ConfigError(
      "terminal",
      "not a tty",
      "the dashboard needs a terminal (run it in a terminal, tmux, or ssh -t)",
    );
  const { checkTopicPrefix, DEFAULT_TOPIC_PREFIX } = await import("../fleet/topics.js");
  const prefix = checkTopicPrefix(stringOpt(args, "mqtt-prefix") ?? DEFAULT_TOPIC_PREFIX);
  const windowS = windowFromArgs(args);
  const { runRemoteDashboard } = await import("./remoteDashboard.js");
  return runRemoteDashboard({ broker, prefix, rig, windowS }, io);
}
