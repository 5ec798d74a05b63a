/**
 * `looptwin replay FILE --raw [--summary] [--json]`: runs a raw serial capture (the bytes exactly as
 * received from the device) through the line framer and the protocol codec and reports what the
 * stream held (docs/design.md 5); without `--raw`, replays an NDJSON recording (the rig part:
 * samples as CSV at `--speed`, or a summary).
 */
import { constants } from "node:fs";
import { access, open } from "node:fs/promises";
import { resolve } from "node:path";
import { CsvWriter, textSink } from "../core/csvWriter.js";
import { ConfigError, InputFileError } from "../core/errors.js";
import { DeviceStreamDecoder } from "../protocol/deviceStream.js";
import type { HelloMessage } from "../protocol/messages.js";
import type { StreamSummary } from "../protocol/streamStats.js";
import { isCompatibleVersion, ProtocolVersionError, versionText } from "../protocol/version.js";
import { type RecordingSummary, summariseRecording } from "../rig/recording/recordingSummary.js";
import { ReplaySource } from "../rig/recording/replaySource.js";
import { flagOpt, parseCommandArgs, parseNumberArg, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";

const HELP = `Usage: looptwin replay FILE [--speed X|max] [--summary] [--json]
       looptwin replay FILE --raw [--summary] [--json]

Replays a recording (NDJSON, from 'looptwin record', the dashboard's --record or a HIL run):
exactly the samples that were recorded, as CSV on stdout (t_s, seq, temperatures, flow, duties,
flags), paced by the recorded time at --speed, or as fast as possible (max, the default).
With --summary: what the recording holds (samples, rig time span, gaps, device events,
commands and their answers, fault labels, and the raw lines' statistics).

With --raw, FILE is a raw serial capture: the bytes a device sent, exactly as received (for
example 'cat /dev/ttyACM0 > capture.bin'). Every line is framed (160-byte cap, CRLF or LF),
checked (CRC-16/CCITT-FALSE) and parsed (protocol v1), and the stream is summarised: lines,
samples, CRC errors, malformed and unknown lines, sequence gaps and samples lost, device
reboots. A device speaking another major protocol version is refused.

Options:
  --raw        FILE is a raw serial capture (always summarised)
  --summary    print the summary instead of the samples
  --json       print the summary as one JSON object instead of a table
  --speed X    pacing of a replay: a factor of the recorded time, or max (default max)
`;

/** What `replay --raw --summary --json` prints (docs/design.md 5 names the first seven keys). */
export interface RawReplaySummary {
  readonly lines: number;
  readonly samples: number;
  readonly crc_errors: number;
  readonly malformed: number;
  readonly unknown: number;
  readonly seq_gaps: number;
  readonly lost_samples: number;
  readonly too_long: number;
  readonly bad_field: number;
  readonly unknown_fields: number;
  readonly seq_out_of_order: number;
  readonly reboots: number;
  readonly hello: number;
  readonly ack: number;
  readonly nak: number;
  readonly evt: number;
  readonly device_time_ms: number;
  readonly flow_pulses: number;
  /** Bytes of an unfinished last line (a capture cut mid-line), not counted as a line. */
  readonly truncated_tail_bytes: number;
  readonly bytes: number;
  /** The first HELLO: who was talking. */
  readonly device: {
    readonly protocol: string;
    readonly fw_name: string;
    readonly fw_version: string;
    readonly board: string;
    readonly uid: string;
  } | null;
  readonly file: string;
}

const READ_CHUNK_BYTES = 64 * 1024;

/** Reads `path` in chunks through the decoder; refuses a device of another major version. */
export async function summariseRawCapture(path: string, displayName = path): Promise<RawReplaySummary> {
  let firstHello: HelloMessage | null = null;
  let refused: { hello: HelloMessage; line: number } | null = null;
  const decoder = new DeviceStreamDecoder({
    onMessage: (m) => {
      if (m.type !== "HELLO" || refused !== null) return;
      firstHello ??= m;
      if (!isCompatibleVersion(m)) refused = { hello: m, line: decoder.stats.summary().lines };
    },
  });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw new InputFileError(displayName, `cannot open: ${errorText(e)}`, {}, { cause: e });
  }
  try {
    const buf = new Uint8Array(READ_CHUNK_BYTES);
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await handle.read(buf, 0, buf.length, null));
      } catch (e) {
        throw new InputFileError(displayName, `cannot read: ${errorText(e)}`, {}, { cause: e });
      }
      if (n === 0) break;
      decoder.push(buf.subarray(0, n));
      if (refused !== null) break;
    }
  } finally {
    await handle.close();
  }
  if (refused !== null) {
    const { hello, line } = refused as { hello: HelloMessage; line: number };
    const e = new ProtocolVersionError(hello);
    throw new InputFileError(displayName, e.message, { line }, { cause: e });
  }
  const truncated = decoder.end();
  const hello = firstHello as HelloMessage | null;
  return toReplaySummary(decoder.summary(), {
    truncatedTailBytes: truncated,
    bytes: decoder.bytesReceived,
    hello,
    file: displayName,
  });
}

function toReplaySummary(
  s: StreamSummary,
  more: { truncatedTailBytes: number; bytes: number; hello: HelloMessage | null; file: string },
): RawReplaySummary {
  const h = more.hello;
  return {
    lines: s.lines,
    samples: s.samples,
    crc_errors: s.crc_errors,
    malformed: s.malformed,
    unknown: s.unknown,
    seq_gaps: s.seq_gaps,
    lost_samples: s.lost_samples,
    too_long: s.too_long,
    bad_field: s.bad_field,
    unknown_fields: s.unknown_fields,
    seq_out_of_order: s.seq_out_of_order,
    reboots: s.reboots,
    hello: s.hello,
    ack: s.ack,
    nak: s.nak,
    evt: s.evt,
    device_time_ms: s.device_time_ms,
    flow_pulses: s.flow_pulses,
    truncated_tail_bytes: more.truncatedTailBytes,
    bytes: more.bytes,
    device:
      h === null
        ? null
        : {
            protocol: versionText(h),
            fw_name: h.fwName,
            fw_version: h.fwVersion,
            board: h.board,
            uid: h.uid,
          },
    file: more.file,
  };
}

/** The summary as an aligned two-column table with a word on each figure. */
export function formatReplayTable(r: RawReplaySummary): string {
  const rows: [string, number, string][] = [
    ["lines", r.lines, "lines received (each \\n), overlong ones included"],
    ["samples", r.samples, "valid TLM lines"],
    ["hello", r.hello, "valid HELLO lines"],
    ["ack", r.ack, "valid ACK lines"],
    ["nak", r.nak, "valid NAK lines"],
    ["evt", r.evt, "valid EVT lines"],
    ["crc_errors", r.crc_errors, "lines whose CRC did not match"],
    ["malformed", r.malformed, "other bad lines, of which:"],
    ["  too_long", r.too_long, "over 160 bytes"],
    ["  bad_field", r.bad_field, "a field empty, not a number or out of range"],
    ["unknown", r.unknown, "well-formed lines of an unknown type (tolerated)"],
    ["unknown_fields", r.unknown_fields, "unknown trailing fields (tolerated)"],
    ["seq_gaps", r.seq_gaps, "times the sequence number skipped"],
    ["lost_samples", r.lost_samples, "samples missing in those gaps"],
    ["seq_out_of_order", r.seq_out_of_order, "repeated or backward sequence numbers"],
    ["reboots", r.reboots, "device restarts seen mid-stream"],
    ["device_time_ms", r.device_time_ms, "device time covered by the samples"],
    ["flow_pulses", r.flow_pulses, "flow-meter pulses over the samples"],
    ["truncated_tail_bytes", r.truncated_tail_bytes, "bytes of an unfinished last line (dropped)"],
  ];
  const device =
    r.device === null
      ? "no HELLO in the capture"
      : `${r.device.fw_name} ${r.device.fw_version} on ${r.device.board}, uid ${r.device.uid}, protocol ${r.device.protocol}`;
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => String(x[1]).length));
  return [
    `replay ${r.file} (raw serial capture, ${r.bytes} bytes)`,
    `device: ${device}`,
    "",
    ...rows.map(([k, v, what]) => `${k.padEnd(w0)}  ${String(v).padStart(w1)}  ${what}`),
    "",
  ].join("\n");
}

/** A recording's summary as a short table. */
export function formatRecordingSummary(r: RecordingSummary): string {
  const span =
    r.first_t_s === null || r.last_t_s === null
      ? "no samples"
      : `${r.first_t_s.toFixed(3)} s to ${r.last_t_s.toFixed(3)} s`;
  const kv = (m: Readonly<Record<string, number>>): string =>
    Object.keys(m).length === 0
      ? "none"
      : Object.entries(m)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ");
  const device =
    r.device === null ? "no HELLO" : `${r.device.fw_name} ${r.device.fw_version}, uid ${r.device.uid}`;
  return [
    `replay ${r.file} (recording v${r.format_version}, started ${r.start_time}, ${r.source.kind}${r.source.path === undefined ? "" : ` ${r.source.path}`})`,
    `device:         ${device}`,
    `samples:        ${r.samples} (rig time ${span})`,
    `gaps:           ${kv(r.gaps)}; ${r.gap_lost_samples} samples lost`,
    `device events:  ${kv(r.events)}`,
    `commands:       ${r.commands} (${kv(r.answers)})`,
    `fault labels:   ${r.labels}; alarms: ${r.alarms}`,
    `raw lines:      ${r.raw.lines} (${r.raw.crc_errors} CRC errors, ${r.raw.malformed} malformed, ${r.raw.unknown} unknown, ${r.raw.seq_gaps} seq gaps, ${r.raw.lost_samples} lost)`,
    `file:           ${r.records} records, ${r.bad_lines} bad lines, ${r.unknown_records} of unknown types, ${r.truncated_tail_bytes} bytes of a cut last line`,
    "",
  ].join("\n");
}

const CSV_HEADER = "t_s,seq,t_hot_c,t_cold_c,t_amb_c,flow_lpm,pump_duty,heater_duty,fan_duty,flags\n";

/** A measured value as it was recorded (shortest round-trip text); NaN (no reading) as an empty field. */
function writeMeasured(out: CsvWriter, v: number): void {
  out.comma();
  if (!Number.isNaN(v)) out.text(String(v));
}

/** Plays a recording and writes its samples as CSV, paced at `speed` (flushed per sample unless "max"). */
async function replayRecordingCsv(path: string, speed: number | "max", io: CliIo): Promise<void> {
  const source = new ReplaySource({ path, speed });
  const out = new CsvWriter(textSink((chunk) => io.stdout.write(chunk)));
  out.text(CSV_HEADER);
  source.subscribe((e) => {
    if (e.kind !== "sample") return;
    const s = e.sample;
    out.text(String(s.tS));
    out.comma();
    out.int(s.seq);
    writeMeasured(out, s.tHotC);
    writeMeasured(out, s.tColdC);
    writeMeasured(out, s.tAmbC);
    writeMeasured(out, s.flowLpm);
    out.comma();
    out.int(s.pumpDuty);
    out.comma();
    out.int(s.heaterDuty);
    out.comma();
    out.int(s.fanDuty);
    out.comma();
    out.text(s.flags.toString(16).toUpperCase());
    out.newline();
    if (speed !== "max") out.flush();
  });
  await source.open();
  await source.done;
  out.flush();
  if (source.failure !== null) throw source.failure;
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : e.message;
  }
  return String(e);
}

export const replayCommand: Command = {
  name: "replay",
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(
      argv,
      {
        raw: { type: "boolean" },
        summary: { type: "boolean" },
        json: { type: "boolean" },
        speed: { type: "string" },
      },
      true,
    );
    const [file, ...more] = args.positionals;
    if (file === undefined)
      throw new ConfigError("FILE", undefined, "give the capture or recording to replay");
    if (more.length > 0) throw new ConfigError("FILE", more.join(" "), "give exactly one file");
    const speed = stringOpt(args, "speed");
    if (speed !== undefined && speed !== "max")
      parseNumberArg("--speed", speed, { min: 0, minExclusive: true });
    if (!flagOpt(args, "raw")) {
      const path = resolve(io.cwd, file);
      try {
        await access(path, constants.R_OK);
      } catch (e) {
        throw new InputFileError(file, `cannot open: ${errorText(e)}`, {}, { cause: e });
      }
      if (flagOpt(args, "summary")) {
        const summary = await summariseRecording(path, file);
        io.stdout.write(
          flagOpt(args, "json") ? `${JSON.stringify(summary, null, 2)}\n` : formatRecordingSummary(summary),
        );
        return 0;
      }
      await replayRecordingCsv(path, speed === undefined || speed === "max" ? "max" : Number(speed), io);
      return 0;
    }
    const summary = await summariseRawCapture(resolve(io.cwd, file), file);
    io.stdout.write(
      flagOpt(args, "json") ? `${JSON.stringify(summary, null, 2)}\n` : formatReplayTable(summary),
    );
    return 0;
  },
};
