import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../detect/alarms/alarmRecordFields.js";
import type { MonitorOutput } from "../detect/monitor/monitorTypes.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import type { Observation, OpenAlarmView, StepOutcome } from "./observations.js";

/**
 * What a run writes down as it goes: the timeline the expectations are judged on and, with
 * `--out`, the recording (notes, step outcomes, alarms, the twin and its residuals per sample).
 * One place for both, so the two never tell different stories.
 */
export class RunLog {
  /** Alarms raised so far (for progress lines). */
  alarmsRaised = 0;
  private readonly timeline: Observation[];
  private readonly record: RecordSink | undefined;

  constructor(timeline: Observation[], record: RecordSink | undefined) {
    this.timeline = timeline;
    this.record = record;
  }

  /** A free-text note at scenario time tS. */
  note(tS: number, text: string): void {
    this.timeline.push({ kind: "note", tS, text });
    this.record?.write({ type: "note", atMs: this.record.atMs(), text });
  }

  /** A step's outcome at scenario time tS. */
  step(name: string, status: StepOutcome["status"], tS: number, detail: string): void {
    this.timeline.push({ kind: "step", tS, name, status, text: detail });
    this.record?.write({ type: "note", atMs: this.record.atMs(), text: `step ${name} ${status}: ${detail}` });
  }

  /** An alarm event of the monitor. */
  alarm(ev: AlarmEvent): void {
    this.timeline.push({ kind: "alarm", tS: ev.tS, event: ev });
    if (ev.type === "raised") this.alarmsRaised++;
    const rec = this.record;
    if (rec === undefined) return;
    rec.write({ type: "alarm", atMs: rec.atMs(), ...alarmRecordFields(ev) });
  }

  /** The monitor's diagnosis line changed, with the alarms open now. */
  diagnosis(tS: number, text: string, open: OpenAlarmView[]): void {
    this.timeline.push({ kind: "diagnosis", tS, text, open });
  }

  /** The twin's prediction and the residuals of one sample (recording only). */
  twin(tS: number, o: MonitorOutput): void {
    const rec = this.record;
    if (rec === undefined) return;
    const atMs = rec.atMs();
    rec.write({
      type: "twin",
      atMs,
      tS,
      values: { tHotC: o.predTHotC, tColdC: o.predTColdC, flowLpm: o.predFlowLpm },
    });
    rec.write({
      type: "residual",
      atMs,
      tS,
      values: { tHotK: o.resTHotK, tColdK: o.resTColdK, flowLpm: o.resFlowLpm, score: o.score },
    });
  }
}
