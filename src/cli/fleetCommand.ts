/**
 * `looptwin fleet --mqtt URL [--prefix looptwin/v1] [--json] [--duration S]`: every rig on the
 * broker (docs/mqtt.md). With `--json` one JSON line per change of a rig (a status or alarm change
 * at once; new values at most once a second per rig), for scripts and tests; otherwise the
 * terminal fleet view. Read-only: nothing is ever sent to a rig.
 */
import { ConfigError } from "../core/errors.js";
import type { BrokerConfig } from "../fleet/brokerConfig.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { brokerFromArgs, MQTT_CREDENTIAL_OPTIONS, MQTT_PASSWORD_ENV } from "./mqttArgs.js";
import { untilStopped } from "./untilStopped.js";

const HELP = `Usage: looptwin fleet --mqtt URL [--prefix looptwin/v1] [--json] [--duration S]

Every rig publishing to the broker (looptwin dashboard/serve/record/hil run --mqtt): name,
online, link, T_hot, T_cold, flow, open alarms with severity, last seen. Rigs with open alarms
come first; offline rigs are grey with the time they went away. Enter opens one rig's live view
(read-only); q or Ctrl-C quits. Fits 80x24 over SSH.

Options:
  --mqtt URL              mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (user name may be in the URL)
  --mqtt-user NAME        user name
  --mqtt-password-file F  file holding the password (or ${MQTT_PASSWORD_ENV})
  --mqtt-ca FILE          CA certificate (PEM) of an mqtts:// broker
  --mqtt-keepalive S      keep-alive in seconds (default 10)
  --prefix P              topic prefix (default looptwin/v1)
  --json                  one JSON line per change of a rig instead of the view: status and
                          alarm changes at once, new values at most once a second per rig
  --duration S            stop after S seconds

Messages that are not as docs/mqtt.md documents them are counted and skipped.
Exit 0; 1 when the broker never accepted the connection; 2 on bad arguments.
`;

/** Seconds between two JSON lines of the same rig when only its values changed. */
const TELEMETRY_LINE_PERIOD_MS = 1000;

export async function runFleet(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      mqtt: { type: "string" },
      prefix: { type: "string" },
      json: { type: "boolean" },
      duration: { type: "string" },
      ...MQTT_CREDENTIAL_OPTIONS,
    },
    false,
  );
  const broker = brokerFromArgs(args, "mqtt", process.env, io.cwd);
  if (broker === undefined)
    throw new ConfigError("--mqtt", undefined, "required: the broker, e.g. mqtt://lab-broker");
  const { checkTopicPrefix, DEFAULT_TOPIC_PREFIX } = await import("../fleet/topics.js");
  const prefix = checkTopicPrefix(stringOpt(args, "prefix") ?? DEFAULT_TOPIC_PREFIX);
  const durationText = stringOpt(args, "duration");
  const durationS =
    durationText === undefined
      ? undefined
      : parseNumberArg("--duration", durationText, { min: 0, minExclusive: true });
  if (flagOpt(args, "json")) return fleetJson(broker, prefix, durationS, io, signal);
  if (!process.stdout.isTTY || !process.stdin.isTTY)
    throw new ConfigError("terminal", "not a tty", "the fleet view needs a terminal (or use --json)");
  const { runFleetView } = await import("./fleetView.js");
  return runFleetView(broker, prefix, durationS, io);
}

async function fleetJson(
  broker: BrokerConfig,
  prefix: string,
  durationS: number | undefined,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const { FleetSubscriber } = await import("../fleet/fleetSubscriber.js");
  const { rigJson } = await import("../fleet/fleetState.js");
  const { describeBrokerState } = await import("../fleet/brokerLink.js");
  const lastLineMs = new Map<string, number>();
  let lastBroker = "";
  const sub = new FleetSubscriber({
    broker,
    prefix,
    onBrokerState: (s) => {
      if (s.kind === "connecting" || s.kind === "closed" || s.kind === lastBroker) return;
      lastBroker = s.kind;
      io.stderr.write(`looptwin fleet: ${describeBrokerState(s)} (${broker.displayUrl})\n`);
    },
    onChange: (c) => {
      const now = Date.now();
      if (
        c.what === "telemetry" &&
        now - (lastLineMs.get(c.rig) ?? Number.NEGATIVE_INFINITY) < TELEMETRY_LINE_PERIOD_MS
      )
        return;
      lastLineMs.set(c.rig, now);
      const row = sub.state.rig(c.rig);
      if (row !== undefined) io.stdout.write(`${rigJson(row, now)}\n`);
    },
  });
  const why = await untilStopped(durationS, signal);
  await sub.close();
  io.stderr.write(
    `looptwin fleet: stopped (${why}); ${sub.state.size} rigs, ${sub.state.malformed} malformed messages skipped${sub.state.malformed > 0 ? ` (last: ${sub.state.lastProblem})` : ""}\n`,
  );
  if (!sub.connectedOnce) {
    io.stderr.write(
      `looptwin fleet: the broker never accepted the connection (${describeBrokerState(sub.brokerState)})\n`,
    );
    return 1;
  }
  return 0;
}

export const fleetCommand: Command = {
  name: "fleet",
  help: HELP,
  run: (argv, io) => runFleet(argv, io),
};
