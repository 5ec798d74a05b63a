import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../detect/alarms/alarmRecordFields.js";
import type { Monitor, MonitorOutput } from "../detect/monitor/monitorTypes.js";
import { eventFields } from "../protocol/format.js";
import type { DeviceEvent, HelloMessage } from "../protocol/messages.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import type { Observation, OpenAlarmView, StepOutcome } from "./observations.js";

type GapReason = Extract<Observation, { kind: "gap" }>["reason"];

/**
 * What a run writes down as it goes: the timeline the expectations are judged on and, with
 * `--out`, the recording (notes, step outcomes, alarms, the twin and its residuals per sample);
 * what the device and the link said (events, gaps, link changes, HELLO) goes on the timeline.
 * One place for both, so the two never tell different stories.
 */
export class RunLog {
  /** Alarms raised so far (for progress lines). */
  alarmsRaised = 0;
  private readonly timeline: Observation[];
  private readonly record: RecordSink | undefined;
  private lastDiagnosis = "";

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

  /** The monitor's diagnosis after a sample at tS: written down, with the alarms open, when it changed. */
  diagnosisOf(tS: number, m: Monitor): void {
    const text = m.output.diagnosis;
    if (text === this.lastDiagnosis) return;
    this.lastDiagnosis = text;
    const open: OpenAlarmView[] = m.openAlarms().map((a) => ({
      alarmId: a.alarmId,
      cause: a.cause,
      severity: a.severity,
      diagnosis: a.diagnosis,
      raisedAtS: a.raisedAtS,
    }));
    this.timeline.push({ kind: "diagnosis", tS, text, open });
  }

  /** A device event line (EVT) at tS. */
  deviceEvent(tS: number, event: DeviceEvent): void {
    const [code, detail] = eventFields(event);
    this.timeline.push({ kind: "device_event", tS, code, detail });
  }

  /** Samples missing from scenario time fromS to toS. */
  gap(fromS: number, toS: number, reason: GapReason, lostSamples: number): void {
    this.timeline.push({ kind: "gap", tS: fromS, toS, reason, lostSamples });
  }

  /** The link changed state at tS. */
  link(tS: number, state: string, reason: string): void {
    this.timeline.push({ kind: "link", tS, state, reason });
  }

  /** A HELLO at tS (at connect, after a reboot, in answer to INFO). */
  hello(tS: number, hello: HelloMessage, reboot: boolean): void {
    const text = `${hello.fwName} ${hello.fwVersion} on ${hello.board} (${hello.uid})`;
    this.timeline.push({ kind: "hello", tS, reboot, text });
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
