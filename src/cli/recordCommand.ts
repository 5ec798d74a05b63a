/**
 * `looptwin record --port PATH --out FILE`: records a live rig (or an emulator link) to an NDJSON
 * recording without the dashboard, until Ctrl-C, SIGTERM, SIGHUP or `--duration`. The file is
 * flushed at least every 500 ms and on every way out.
 */
import { resolve } from "node:path";
import { wallClock } from "../core/clock.js";
import { ConfigError } from "../core/errors.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../model/telemetryConverter.js";
import { listPorts, udevPortList } from "../rig/hardware/portList.js";
import { SerialSource } from "../rig/hardware/serialSource.js";
import { recordedHello } from "../rig/recording/recording.js";
import { closeOnExit, RecordingRelay, RecordingWriter } from "../rig/recording/recordingWriter.js";
import type { RigEvent } from "../rig/source/rigSource.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { MQTT_PUBLISH_HELP, MQTT_PUBLISH_OPTIONS, mqttPublishFromArgs } from "./mqttArgs.js";
import { startPublisher } from "./mqttPublishing.js";
import { untilStopped } from "./untilStopped.js";

const HELP = `Usage: looptwin record --port PATH --out FILE [--rate HZ] [--duration S] [--baud N] [--no-raw] [--any-unit]
                      [--mqtt URL [--rig-name NAME] ...]

Records a rig running the looptwin firmware (or 'looptwin emulate' on its link) to an NDJSON
recording: header (format version, rig config, HELLO, start time), raw lines, samples in
engineering units, commands with ACK/NAK, device events, link changes and gaps. Keeps the rig
alive with PINGs (without them the device goes SAFE after 3 s) and reconnects when the device
disappears (at once when its port comes back), marking the gap. Another unit (uid) on the port
is reported and not recorded, unless --any-unit. Stops on Ctrl-C, SIGTERM or SIGHUP; the file
is flushed at least every 500 ms, so a crash loses at most that.

Options:
  --port PATH     serial port or emulator link (e.g. /dev/ttyACM0, /tmp/ttyLOOP0)
  --out FILE      recording to write (replaced if it exists)
  --rate HZ       telemetry rate to ask for, 1-100 (default: the device's, 10 Hz)
  --duration S    stop after S seconds
  --baud N        baud rate (default 115200)
  --no-raw        do not record the raw lines (about half the file)
  --any-unit      accept another unit on the port after a reconnect (boards swapped on the
                  bench); the recording marks the change

${MQTT_PUBLISH_HELP}`;

export async function runRecord(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      port: { type: "string" },
      out: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      baud: { type: "string" },
      "no-raw": { type: "boolean" },
      "any-unit": { type: "boolean" },
      ...MQTT_PUBLISH_OPTIONS,
    },
    false,
  );
  const port = stringOpt(args, "port");
  if (port === undefined) throw new ConfigError("--port", undefined, "required (see looptwin ports)");
  const outArg = stringOpt(args, "out");
  if (outArg === undefined) throw new ConfigError("--out", undefined, "required: the recording to write");
  const rateText = stringOpt(args, "rate");
  const rateHz =
    rateText === undefined ? null : parseNumberArg("--rate", rateText, { integer: true, min: 1, max: 100 });
  const durationText = stringOpt(args, "duration");
  const durationS =
    durationText === undefined
      ? undefined
      : parseNumberArg("--duration", durationText, { min: 0, minExclusive: true });
  const baudRate = parseNumberArg("--baud", stringOpt(args, "baud") ?? "115200", { integer: true, min: 1 });
  const out = resolve(io.cwd, outArg);
  // Broker options are checked before the port is opened (exit 2, the rig untouched).
  const mqtt = mqttPublishFromArgs(args, process.env, io.cwd);

  const relay = new RecordingRelay(wallClock);
  const source = new SerialSource({
    path: port,
    baudRate,
    rateHz,
    record: relay,
    recordRaw: !flagOpt(args, "no-raw"),
    anyUnit: flagOpt(args, "any-unit"),
    candidatePaths: async () =>
      (await listPorts(udevPortList)).ports.filter((p) => p.kind !== "serial").map((p) => p.path),
  });
  source.subscribe((e: RigEvent) => {
    if (e.kind === "link" && e.reason !== "opened" && e.reason !== "closed")
      io.stderr.write(`looptwin record: link ${e.state} (${e.reason})\n`);
    if (e.kind === "gap" && e.reason === "disconnect")
      io.stderr.write(`looptwin record: gap from ${e.fromTS.toFixed(3)} s to ${e.toTS.toFixed(3)} s\n`);
  });
  try {
    await source.open(signal);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/no such file|ENOENT|cannot open/i.test(message)) {
      throw new ConfigError("--port", port, "cannot open it: no such port (see looptwin ports)", {
        cause: e,
      });
    }
    throw e;
  }
  const hello = source.hello;
  const writer = new RecordingWriter(
    out,
    {
      source: { kind: "serial", path: port },
      rig: { calibration: DEFAULT_SENSOR_CALIBRATION },
      hello: hello === null ? null : recordedHello(hello),
      writer: "looptwin record",
    },
    { startMs: relay.startMs },
  );
  relay.attach(writer);
  const removeHook = closeOnExit(writer);
  const publisher =
    mqtt === undefined
      ? null
      : await startPublisher(mqtt, { command: "record", defaultRigName: hello?.uid ?? "", io });
  const stopPublishing =
    publisher === null
      ? null
      : (await import("../fleet/sessionPublishing.js")).publishSource(source, port, publisher);
  io.stderr.write(
    `looptwin record: ${port} (${hello?.fwName ?? "?"} ${hello?.fwVersion ?? ""}, uid ${hello?.uid ?? "?"}) -> ${outArg}; Ctrl-C to stop\n`,
  );
  const why = await untilStopped(durationS, signal);
  await source.close();
  writer.close();
  removeHook();
  stopPublishing?.();
  const published = publisher === null ? null : await publisher.close(`stopped (${why})`);
  const s = source.stats();
  io.stdout.write(
    `looptwin record: stopped (${why}); ${s.samples} samples, ${s.gaps} gaps, ${s.stream.crc_errors} CRC errors, ${s.reconnects} reconnects, ${writer.bytesWritten} bytes to ${outArg}${published === null ? "" : `; mqtt ${publisher?.sent ?? 0} sent, ${published.dropped} dropped, ${published.unsent} unsent`}\n`,
  );
  return 0;
}

export const recordCommand: Command = {
  name: "record",
  help: HELP,
  run: (argv, io) => runRecord(argv, io),
};
