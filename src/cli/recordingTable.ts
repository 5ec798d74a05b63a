/**
 * A recording (docs/design.md 6, src/rig/recording/recording.ts) as the table `looptwin detect` and
 * `looptwin eval --format looptwin` read (monitorTable.ts columns): one row per sample record,
 * with what the host knew when it took that sample:
 *
 * - the operator's setpoints, from the header's `rig.setpoints` (the dashboard writes them) and
 *   every first attempt of a `PWM` command without a hold (a PWM with a hold is a fault
 *   injection: the twin keeps the setpoint); `SAFE` sets heater 0, pump and fan 255. A channel
 *   with no known setpoint takes the applied duty;
 * - `follow_applied` = 1 from a device override (EVT HB_LOST, OVERTEMP, BOOT, WDT, or a sample
 *   flagged heartbeat-lost or over-temperature) until the next setpoint (a HELLO alone is not an
 *   override: INFO answers with one);
 * - `gap_s`: the seconds of the gap records just before the row;
 * - labels: `anomaly` = 1 while an injected fault's label is open (start to end), `changepoint` on
 *   the first row after a start; absent when the recording has no label record.
 *
 * Records that cannot be read are skipped (the reader counts them); a recording without samples
 * is an InputFileError.
 */
import { InputFileError } from "../core/errors.js";
import type { LabelledTable } from "../detect/data/labelledTable.js";
import { MONITOR_TABLE_COLUMNS as C } from "../detect/monitor/monitorTable.js";
import { TLM_FLAGS } from "../model/rigSample.js";
import { parseCommandLine } from "../protocol/parse.js";
import type { RecordingRecord } from "../rig/recording/recording.js";
import { RecordingParser } from "../rig/recording/recordingReader.js";

/** Columns of a recording table, in order. */
export const RECORDING_TABLE_COLUMNS = [
  C.tHotC,
  C.tColdC,
  C.tAmbC,
  C.flowLpm,
  C.pumpSetpoint,
  C.heaterSetpoint,
  C.fanSetpoint,
  C.pumpDuty,
  C.heaterDuty,
  C.fanDuty,
  C.adcHot,
  C.adcCold,
  C.adcAmb,
  C.pulses,
  C.flags,
  C.followApplied,
  C.gapS,
] as const;

const OVERRIDE_EVENTS: readonly string[] = ["HB_LOST", "OVERTEMP", "BOOT", "WDT"];

function setpointsOfHeader(rig: unknown): [number, number, number] {
  const sp = (rig as { setpoints?: Record<string, unknown> } | null | undefined)?.setpoints;
  const get = (k: string): number => {
    const v = sp?.[k];
    return typeof v === "number" && v >= 0 && v <= 255 ? v : Number.NaN;
  };
  return [get("pumpDuty"), get("heaterDuty"), get("fanDuty")];
}

/** Parses recording text (the content of `source`) into a table. */
export function recordingToTable(text: string, source: string): LabelledTable {
  const parser = new RecordingParser(source);
  const records: RecordingRecord[] = [];
  parser.push(text.endsWith("\n") ? text : `${text}\n`, records);
  parser.end();
  const header = parser.header;
  const setpoint = header ? setpointsOfHeader(header.rig) : [Number.NaN, Number.NaN, Number.NaN];
  const rows: number[][] = [];
  const timeS: number[] = [];
  const anomaly: number[] = [];
  const changepoint: number[] = [];
  let hasLabels = false;
  const openLabels = new Map<string, number>();
  let pendingChangepoint = 0;
  let following = 0;
  let gapS = 0;
  for (const r of records) {
    switch (r.type) {
      case "sample": {
        const s = r.sample;
        if (!Number.isFinite(s.tS)) continue;
        if ((s.flags & (TLM_FLAGS.heartbeatLost | TLM_FLAGS.overTemp)) !== 0) following = 1;
        const applied = [s.pumpDuty, s.heaterDuty, s.fanDuty];
        const sp = setpoint.map((v, i) => (Number.isNaN(v) ? (applied[i] as number) : v));
        rows.push([
          s.tHotC,
          s.tColdC,
          s.tAmbC,
          s.flowLpm,
          sp[0] as number,
          sp[1] as number,
          sp[2] as number,
          s.pumpDuty,
          s.heaterDuty,
          s.fanDuty,
          s.adcHot,
          s.adcCold,
          s.adcAmb,
          s.pulses,
          s.flags,
          following,
          gapS,
        ]);
        timeS.push(s.tS);
        let active = 0;
        for (const n of openLabels.values()) active += n;
        anomaly.push(active > 0 ? 1 : 0);
        changepoint.push(pendingChangepoint);
        pendingChangepoint = 0;
        gapS = 0;
        break;
      }
      case "command": {
        if (r.attempt !== 1) break;
        const parsed = parseCommandLine(r.line);
        if (!parsed.ok) break;
        const c = parsed.value;
        if (c.type === "PWM" && c.holdMs === null) {
          setpoint[c.channel === "pump" ? 0 : c.channel === "heater" ? 1 : 2] = c.duty;
          following = 0;
        } else if (c.type === "SAFE") {
          setpoint[0] = 255;
          setpoint[1] = 0;
          setpoint[2] = 255;
          following = 0;
        }
        break;
      }
      case "event":
        if (OVERRIDE_EVENTS.includes(r.code)) following = 1;
        break;
      case "gap":
        if (Number.isFinite(r.toTS - r.fromTS) && r.toTS > r.fromTS) gapS += r.toTS - r.fromTS;
        break;
      case "label": {
        hasLabels = true;
        const n = openLabels.get(r.fault) ?? 0;
        if (r.action === "start") {
          openLabels.set(r.fault, n + 1);
          pendingChangepoint = 1;
        } else if (n > 1) openLabels.set(r.fault, n - 1);
        else openLabels.delete(r.fault);
        break;
      }
      default:
        break;
    }
  }
  if (rows.length === 0) throw new InputFileError(source, "the recording has no sample records");
  const n = rows.length;
  const channels = RECORDING_TABLE_COLUMNS.map((_c, j) => Float64Array.from(rows, (row) => row[j] as number));
  const t = Float64Array.from(timeS);
  for (let i = 1; i < n; i++)
    if ((t[i] as number) < (t[i - 1] as number))
      throw new InputFileError(
        source,
        `rig time goes backwards at sample ${i + 1} (${t[i]} s after ${t[i - 1]} s)`,
      );
  return {
    source,
    timeColumn: "t_s",
    timeText: timeS.map((x) => String(Number(x.toFixed(6)))),
    timeS: t,
    channelNames: [...RECORDING_TABLE_COLUMNS],
    channels,
    anomaly: hasLabels ? Uint8Array.from(anomaly) : undefined,
    changepoint: hasLabels ? Uint8Array.from(changepoint) : undefined,
    rowCount: n,
  };
}
