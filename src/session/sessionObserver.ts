/**
 * What a live session tells the parts that watch it (the terminal dashboard, the web server, the
 * MQTT publisher): pushed events for what happens once (a sample, an alarm transition, a notice,
 * an injection label), and pulled state ({@link SessionStatus}, open alarms, loop figures) that
 * each observer reads at its own pace (a frame, a stream batch, a publish period).
 *
 * Every method is optional; an observer implements what it shows. Per-sample calls hand over the
 * session's own objects, overwritten by the next sample: copy what you keep.
 */
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import type { MonitorOutput, OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { LinkState } from "../rig/source/rigSource.js";

/** An injected fault in force. */
export interface InjectionInForce {
  /** Identifies the injection for {@link LiveSessionLike.endInjection} (unique per session). */
  readonly id: number;
  /** Its ground-truth label (a fault spec), as recorded. */
  readonly text: string;
  /** Rig time it started [s]. */
  readonly startS: number;
  /** Planned end in rig time [s]; Infinity until ended. */
  readonly endS: number;
}

/** Source and link facts (the dashboard's status line, the web status message). */
export interface SessionStatus {
  /** Port path, `emulator`, or the replayed file. */
  readonly source: string;
  readonly state: LinkState;
  /** `<fw_name> <fw_version>` from HELLO, or "" before it. */
  readonly firmware: string;
  /** The open recording's path, or null. */
  readonly recording: string | null;
  readonly crcErrors: number;
  readonly lostSamples: number;
  readonly reconnects: number;
  readonly malformed: number;
}

/**
 * The status before a source has said anything: no link, no firmware, no recording, no counts
 * (the dashboard's and the page's first frame; a remote rig before its first status message).
 */
export const NO_SESSION_STATUS: SessionStatus = Object.freeze({
  source: "",
  state: "DISCONNECTED",
  firmware: "",
  recording: null,
  crcErrors: 0,
  lostSamples: 0,
  reconnects: 0,
  malformed: 0,
});

/** Severity of a notice: an error is shown in red and kept longer. */
export type NoticeLevel = "info" | "error";

export interface SessionObserver {
  /**
   * One sample and the monitor's outputs at it. Both objects are overwritten by the next sample;
   * called on the sample path, so an implementation must not allocate.
   */
  sample?(sample: Readonly<RigSample>, out: Readonly<MonitorOutput>): void;
  /** An alarm transition (raised, escalated, rediagnosed, acknowledged, cleared...). */
  alarm?(event: AlarmEvent): void;
  /**
   * A one-line message for the operator; `""` withdraws the session's previous notice (a link
   * that came back).
   */
  notice?(text: string, level: NoticeLevel): void;
  /** Why the twin follows the applied duties instead of the setpoints ("" when it stops doing so). */
  override?(text: string): void;
  /** The operator's setpoints changed (NaN duties: unknown, a replay). */
  setpoints?(setpoints: OperatorSetpoints): void;
  /** An injection started or ended at rig time `tS` (a marker on the charts). */
  label?(tS: number, action: "start" | "end", text: string): void;
  /** The injections in force changed. */
  injections?(list: readonly InjectionInForce[]): void;
  /** The link state, firmware or recording changed (read the rest with `status()`). */
  status?(status: SessionStatus): void;
}
