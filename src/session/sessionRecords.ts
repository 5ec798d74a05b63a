/**
 * What a live session writes into its recording (docs/design.md 6) besides what the source writes
 * itself: the twin's prediction and the residuals at every sample, alarm transitions, injection
 * labels and notes. One place, so `replay`, `report` and the HIL data export read what every
 * session wrote the same way.
 */
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../detect/alarms/alarmRecordFields.js";
import type { MonitorOutput } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { HelloMessage } from "../protocol/messages.js";
import { recordedHello as helloAsRecorded, type RecordedHello } from "../rig/recording/recording.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import type { InjectionMark } from "./injector.js";

/** The HELLO as a recording header holds it. */
export function recordedHello(h: HelloMessage | null): RecordedHello | null {
  return h === null ? null : helloAsRecorded(h);
}

/** A recording started with `r` and no path: `looptwin-<ISO time>.ndjson` in the working folder. */
export function defaultRecordingPath(): string {
  return `looptwin-${new Date().toISOString().replace(/[:.]/g, "-")}.ndjson`;
}

/** One sample's records: the sample itself (unless the source wrote it), the twin and the residuals. */
export function writeSampleRecords(
  rec: RecordSink,
  s: Readonly<RigSample>,
  out: Readonly<MonitorOutput>,
  withSample: boolean,
): void {
  const atMs = rec.atMs();
  if (withSample) rec.write({ type: "sample", atMs, sample: s });
  rec.write({
    type: "twin",
    atMs,
    tS: s.tS,
    values: { tHotC: out.predTHotC, tColdC: out.predTColdC, flowLpm: out.predFlowLpm },
  });
  rec.write({
    type: "residual",
    atMs,
    tS: s.tS,
    values: { tHotK: out.resTHotK, tColdK: out.resTColdK, flowLpm: out.resFlowLpm, score: out.score },
  });
}

export function writeAlarm(rec: RecordSink, e: AlarmEvent): void {
  rec.write({ type: "alarm", atMs: rec.atMs(), ...alarmRecordFields(e) });
}

/** An injection's start or end at rig time `tS` (the ground truth of labelled data). */
export function writeLabel(rec: RecordSink, tS: number, action: "start" | "end", mark: InjectionMark): void {
  rec.write({ type: "label", atMs: rec.atMs(), tS, action, fault: mark.label, by: mark.by });
}

export function writeNote(rec: RecordSink, text: string): void {
  rec.write({ type: "note", atMs: rec.atMs(), text });
}
