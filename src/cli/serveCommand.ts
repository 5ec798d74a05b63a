/**
 * `looptwin serve`: the live session the terminal dashboard runs, served to browsers (the page,
 * `/api/*`, the `/ws` stream; docs/web.md). Control is off unless `--allow-control`, and then
 * needs the bearer token. Every way out (SIGINT, SIGTERM, SIGHUP, an uncaught error) goes through
 * one shutdown: `bye` to the viewers, SAFE to the rig, labels ended, recording closed, server
 * closed.
 */

import { ConfigError } from "../core/errors.js";
import type { DashboardExit, SignalSource } from "../dashboard/runDashboard.js";
import { describeShutdown } from "../session/liveSession.js";
import { randomToken, readTokenFile } from "../web/controlToken.js";
import { DEFAULT_LISTEN, isLoopback, parseListenAddress } from "../web/listenAddress.js";
import { type LiveWeb, startLiveWeb } from "../web/liveWeb.js";
import { flagOpt, parseCommandArgs, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { endByHangUpIf } from "./hangUp.js";
import { MQTT_PUBLISH_HELP, MQTT_PUBLISH_OPTIONS, mqttPublishFromArgs } from "./mqttArgs.js";
import { publishLiveSession } from "./mqttPublishing.js";
import { orCloseRig, prepareSession, SESSION_OPTIONS, type SessionDeps } from "./sessionWiring.js";

const HELP = `Usage: looptwin serve (--emulate | --port PATH | --firmata PATH | --replay FILE) [options]

The live rig in a browser: the same session as the terminal dashboard (twin, residuals, alarms,
loop figures, fault injection with dead-man holds), served on HTTP with a WebSocket stream to
any number of viewers. The first line on stdout is 'looptwin serve: http://HOST:PORT/'.
On Ctrl-C, SIGTERM or SIGHUP it sends SAFE to the rig, closes the recording and the server.
Routes, stream messages and control: docs/web.md.

Sources (exactly one):
  --emulate           an emulated rig in this process (no hardware)
  --port PATH         a rig running looptwin firmware on a serial port
  --replay FILE       a recording (read-only; the twin on the recording's own rig config)
  --firmata PATH      an Arduino running StandardFirmata (johnny-five)

Server:
  --listen HOST:PORT  address to bind (default ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port}; port 0: any free port;
                      a non-loopback host makes the page reachable from the network)
  --allow-control     accept POST /api/setpoints, /api/inject, /api/alarms/ack (off by default);
                      each needs 'Authorization: Bearer <token>'
  --token-file FILE   the token (first line, 16+ characters); default: a random one, printed
                      on the second line of stdout

Rig config:
  --learned MODEL     a learned model run beside the twin (see dashboard --help)
  --learn-first S     the learned detector trained on the session's first S seconds, then run
                      beside the twin (see dashboard --help)
  --config FILE       rig config (JSON) as looptwin calibrate writes it (see dashboard --help)
  --set K=V           one loop parameter, repeatable (after --config)

Options:
  --record FILE       record from the start (NDJSON)
  --rate HZ           telemetry rate to ask the device for, 1-100 (default: the device's, 10)
  --pump DUTY         pump setpoint at start, 0-255 (default 200)
  --heater DUTY       heater setpoint at start, 0-255 (default 255 on --emulate, 0 on a real rig)
  --fan DUTY          fan setpoint at start, 0-255 (default 255)
  --seed N            emulator seed (default 1)
  --fault SPEC        emulator fault from the start (repeatable)
  --speed X           emulator or replay speed relative to the wall clock (default 1)
  --baud N            serial baud rate (default 115200)
  --any-unit          accept another unit (uid) on the port after a reconnect (boards swapped
                      on the bench; the recording marks the change). Without it, another unit
                      is named on the status line and not recorded

${MQTT_PUBLISH_HELP}`;

const OPTIONS = {
  ...SESSION_OPTIONS,
  listen: { type: "string" },
  "allow-control": { type: "boolean" },
  "token-file": { type: "string" },
  ...MQTT_PUBLISH_OPTIONS,
} as const;

const STOP_SIGNALS = ["SIGHUP", "SIGTERM", "SIGINT"] as const;

/** The bearer token of control, or null when control is off; problems are ConfigErrors. */
function controlToken(allow: boolean, tokenFile: string | undefined, cwd: string): string | null {
  if (!allow) {
    if (tokenFile !== undefined)
      throw new ConfigError(
        "--token-file",
        tokenFile,
        "only with --allow-control (control is off without it)",
      );
    return null;
  }
  return tokenFile === undefined
    ? randomToken()
    : readTokenFile(tokenFile.startsWith("/") ? tokenFile : `${cwd}/${tokenFile}`);
}

export interface ServeHooks {
  /** Where stop signals and uncaught errors come from. @default process */
  readonly signals?: SignalSource;
  readonly deps?: SessionDeps;
  /** Called once the server listens (tests read the URL and the stream). */
  readonly onStarted?: (web: LiveWeb) => void;
}

/**
 * Runs `serve` until a stop signal or an uncaught error; resolves with the exit code and the
 * message it wrote to stderr.
 */
export async function runServe(
  argv: readonly string[],
  io: CliIo,
  hooks: ServeHooks = {},
): Promise<DashboardExit> {
  const args = parseCommandArgs(argv, OPTIONS, false);
  const listenText = stringOpt(args, "listen");
  const listen = listenText === undefined ? DEFAULT_LISTEN : parseListenAddress(listenText, "--listen");
  const allow = flagOpt(args, "allow-control");
  const tokenFile = stringOpt(args, "token-file");
  const token = controlToken(allow, tokenFile, io.cwd);
  // Broker options are checked before the rig is touched (exit 2).
  const mqtt = mqttPublishFromArgs(args, process.env, io.cwd);
  const signals = hooks.signals ?? process;
  const { rig, session, rigArgs } = await prepareSession(args, io.cwd, "looptwin serve", hooks.deps);
  const web = await orCloseRig(rig, () =>
    startLiveWeb({
      session,
      listen,
      listenOption: "--listen",
      controlToken: token,
      rigConfig: rigArgs.config,
    }),
  );
  io.stdout.write(`looptwin serve: ${web.url}\n`);
  if (token !== null) {
    io.stdout.write(
      tokenFile === undefined
        ? `looptwin serve: control on; token: ${token}\n`
        : `looptwin serve: control on; token from ${tokenFile}\n`,
    );
    if (!isLoopback(listen.host))
      io.stderr.write(
        `looptwin serve: warning: control of the rig is reachable from the network on ${listen.host}:${web.port} (bearer token required; plain HTTP, so use it on a trusted network or behind TLS)\n`,
      );
  }
  hooks.onStarted?.(web);
  const published =
    mqtt === undefined
      ? null
      : await publishLiveSession(mqtt, session, () => rig.source.hello?.uid ?? "", { command: "serve", io });

  const exit = await new Promise<DashboardExit>((resolve) => {
    let started = false;
    const handlers: [string, (...a: unknown[]) => void][] = [];
    const finish = (reason: string, failed: boolean) => {
      if (started) return;
      started = true;
      void (async () => {
        await web.stop(reason).catch(() => {});
        const report = await session.shutdown(reason);
        await rig.stop();
        const mqttLine = published === null ? "" : `; ${await published.stop(reason)}`;
        for (const [event, fn] of handlers) signals.off(event, fn);
        const message = `${describeShutdown(report, session.isReadOnly, "looptwin serve")}${mqttLine}`;
        resolve({ code: failed ? 1 : 0, message, report });
      })();
    };
    for (const sig of STOP_SIGNALS) handlers.push([sig, () => finish(sig, false)]);
    const onError = (e: unknown) => finish(`error: ${e instanceof Error ? e.message : String(e)}`, true);
    handlers.push(["uncaughtException", onError], ["unhandledRejection", onError]);
    for (const [event, fn] of handlers) signals.on(event, fn);
    session.start().catch(onError);
  });
  io.stderr.write(`${exit.message}\n`);
  return exit;
}

export const serveCommand: Command = {
  name: "serve",
  help: HELP,
  async run(argv, io) {
    const exit = await runServe(argv, io);
    endByHangUpIf(exit.report.reason);
    return exit.code;
  },
};
