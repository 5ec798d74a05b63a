/**
 * What a recording holds, in one pass (`looptwin replay FILE --summary`): samples and the rig
 * time they span, gaps by reason, device events by code, commands and how they ended, fault
 * labels, and the stream statistics of the raw received lines (the same names as
 * `replay --raw --summary`: lines, samples, crc_errors, malformed, unknown, seq_gaps,
 * lost_samples).
 */
import { parseDeviceLine } from "../../protocol/parse.js";
import { StreamStats, type StreamSummary } from "../../protocol/streamStats.js";
import type { HeaderRecord } from "./recording.js";
import { openRecording, type RecordingReadStats } from "./recordingReader.js";

export interface RecordingSummary {
  readonly file: string;
  readonly format_version: number;
  readonly start_time: string;
  readonly source: HeaderRecord["source"];
  readonly device: { readonly fw_name: string; readonly fw_version: string; readonly uid: string } | null;
  /** Converted samples recorded. */
  readonly samples: number;
  /** Rig time of the first and last sample [s]. */
  readonly first_t_s: number | null;
  readonly last_t_s: number | null;
  readonly gaps: Readonly<Record<string, number>>;
  readonly gap_lost_samples: number;
  readonly events: Readonly<Record<string, number>>;
  readonly commands: number;
  readonly answers: Readonly<Record<string, number>>;
  readonly labels: number;
  readonly alarms: number;
  /** Statistics of the raw received lines (empty when recorded without raw lines). */
  readonly raw: StreamSummary;
  readonly records: number;
  readonly bad_lines: number;
  readonly unknown_records: number;
  readonly truncated_tail_bytes: number;
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

export async function summariseRecording(path: string, displayName = path): Promise<RecordingSummary> {
  const rec = await openRecording(path);
  const stats = new StreamStats();
  const gaps: Record<string, number> = {};
  const events: Record<string, number> = {};
  const answers: Record<string, number> = {};
  let samples = 0;
  let first: number | null = null;
  let last: number | null = null;
  let lost = 0;
  let commands = 0;
  let labels = 0;
  let alarms = 0;
  for await (const r of rec.records) {
    switch (r.type) {
      case "sample":
        samples++;
        first ??= r.sample.tS;
        last = r.sample.tS;
        break;
      case "raw":
        if (r.dir === "rx") stats.observe(parseDeviceLine(Buffer.from(r.line, "latin1")));
        break;
      case "gap":
        bump(gaps, r.reason);
        lost += r.lostSamples ?? 0;
        break;
      case "event":
        bump(events, r.code);
        break;
      case "command":
        if (r.attempt === 1) commands++;
        break;
      case "answer":
        bump(answers, r.result);
        break;
      case "label":
        labels++;
        break;
      case "alarm":
        alarms++;
        break;
      default:
        break;
    }
  }
  const st: RecordingReadStats = rec.stats;
  const h = rec.header;
  return {
    file: displayName,
    format_version: h.version,
    start_time: h.startTime,
    source: h.source,
    device:
      h.hello === null ? null : { fw_name: h.hello.fwName, fw_version: h.hello.fwVersion, uid: h.hello.uid },
    samples,
    first_t_s: first,
    last_t_s: last,
    gaps,
    gap_lost_samples: lost,
    events,
    commands,
    answers,
    labels,
    alarms,
    raw: stats.summary(),
    records: st.records,
    bad_lines: st.badLines,
    unknown_records: st.unknownRecords,
    truncated_tail_bytes: st.truncatedBytes,
  };
}
