/**
 * One live session: it owns the rig source, the monitor (twin, residuals, detectors, alarms), the
 * operator's setpoints, fault injection, the recording and the safe shutdown. The terminal
 * dashboard, the web server and the MQTT publisher observe it ({@link SessionObserver}) and turn
 * keys, HTTP requests and socket messages into calls here; tests drive it with a fake source, a
 * scripted monitor and virtual time.
 *
 * Rules it keeps (docs/design.md section 2.4):
 * - the twin is driven by the operator's setpoints; an injector's deliberate deviation is withheld
 *   from it; a deviation the device reports, or one whose report was lost, makes the twin follow
 *   the applied duties until the operator sets a setpoint again (overrideWatch.ts);
 * - every physical injection is a PWM with a dead-man hold, renewed while it lasts (injector.ts);
 * - every injection is labelled (start and end) in the recording and on the charts;
 * - shutting down (q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error) sends SAFE, ends the labels,
 *   flushes and closes the recording and closes the source; the process exit is the CLI's.
 */

import { ConfigError } from "../core/errors.js";
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import { hasLearnedDetector, type LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import type { LoopPerformanceFigures, Monitor, OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { RecordedSource } from "../rig/recording/recording.js";
import type { RecordingHeaderInput } from "../rig/recording/recordingWriter.js";
import type { RigCommand, RigEvent, RigSource } from "../rig/source/rigSource.js";
import type { Scheduler } from "../rig/source/scheduler.js";
import type { InjectionRequest } from "./injection.js";
import { DUTY_CHANNELS, type DutyChannel, type InjectionMark, Injector, SETPOINT_KEY } from "./injector.js";
import { OverrideWatch, REBOOT_OVERRIDE } from "./overrideWatch.js";
import type { RecordingHandle, SwitchableRecordSink } from "./recordSwitch.js";
import type { InjectionInForce, NoticeLevel, SessionObserver, SessionStatus } from "./sessionObserver.js";
import {
  defaultRecordingPath,
  recordedHello,
  writeAlarm,
  writeLabel,
  writeNote,
  writeSampleRecords,
} from "./sessionRecords.js";
import { describeShutdown, type ShutdownReport } from "./shutdownReport.js";
import { applyTuningText, type MonitorTuning } from "./tuning.js";
import type { SessionControl, WatchedSession } from "./watchedSession.js";

export { OVERRIDE_CONFIRM_S } from "./overrideWatch.js";
export { describeShutdown, type ShutdownReport } from "./shutdownReport.js";

/** SAFE duties (docs/protocol.md: heater 0, pump and fan full). */
export const SAFE_SETPOINTS: OperatorSetpoints = { pumpDuty: 255, heaterDuty: 0, fanDuty: 255 };

export interface LiveSessionOptions {
  readonly source: RigSource;
  /** What the status line calls the source: the port path, `emulator`, or the replayed file. */
  readonly sourceLabel: string;
  /** The source as a recording header names it. */
  readonly recordedSource: RecordedSource;
  /** The rig is the emulator: EMU faults are offered. */
  readonly emulator: boolean;
  /** A replay: nothing is sent to any device. */
  readonly readOnly: boolean;
  /** The source writes samples (and raw lines, commands, events) to `records` itself. */
  readonly sourceRecordsSamples: boolean;
  /** Builds the monitor; called again when the `t` form changes the tuning. */
  readonly createMonitor: (tuning: MonitorTuning) => Monitor;
  readonly tuning: MonitorTuning;
  /**
   * The rig config in force (`--config`/`--set`, as rigArgs.ts gives it), written into a
   * recording header's `rig.config` as `hil run` writes it. @default null
   */
  readonly rigConfig?: unknown;
  /** The operator's operating point at start (sent to the rig by {@link LiveSession.start}). */
  readonly setpoints: OperatorSetpoints;
  /** Host timers for hold renewals (wall time, or the emulator's). */
  readonly scheduler: Scheduler;
  /** The sink the source was built with; recordings are attached to it. */
  readonly records: SwitchableRecordSink;
  /** Opens a recording file (a RecordingWriter). */
  readonly openRecording: (path: string, header: RecordingHeaderInput) => RecordingHandle;
  /** Record from the start into this file (`--record`). */
  readonly recordPath?: string;
  /** Path of a recording started with `r`. @default `looptwin-<time>.ndjson` */
  readonly nextRecordingPath?: () => string;
  /** What a recording header names as its writer. @default "looptwin dashboard" */
  readonly writerName?: string;
  /** Dead-man hold of a physical injection [ms]. @default 3000 */
  readonly deadmanMs?: number;
  /** Renewal period of the hold [ms], < deadmanMs. @default 1000 */
  readonly renewMs?: number;
  /** How long shutdown waits for SAFE's ACK [ms]. @default 2000 */
  readonly safeTimeoutMs?: number;
}

const UNKNOWN_SETPOINTS: OperatorSetpoints = {
  pumpDuty: Number.NaN,
  heaterDuty: Number.NaN,
  fanDuty: Number.NaN,
};

export class LiveSession implements WatchedSession, SessionControl {
  private readonly opts: LiveSessionOptions;
  private readonly source: RigSource;
  private readonly observers: SessionObserver[] = [];
  /** The session's latest notice (a link notice is withdrawn when the link comes back). */
  private noticeNow = "";
  private readonly injector: Injector;
  private readonly overrides = new OverrideWatch();
  private monitorNow: Monitor;
  private tuningNow: MonitorTuning;
  private sp: OperatorSetpoints;
  private unsubscribe: (() => void) | null = null;
  private shutdownPromise: Promise<ShutdownReport> | null = null;
  private latestTS = 0;

  constructor(options: LiveSessionOptions) {
    this.opts = options;
    const session = this;
    this.injector = new Injector({
      scheduler: options.scheduler,
      emulator: options.emulator,
      ...(options.deadmanMs !== undefined ? { deadmanMs: options.deadmanMs } : {}),
      ...(options.renewMs !== undefined ? { renewMs: options.renewMs } : {}),
      host: {
        send: (cmd) => this.send(cmd),
        get setpoints() {
          return session.sp;
        },
        get latestTimeS() {
          return session.latestTS;
        },
        get listening() {
          return session.unsubscribe !== null;
        },
        mark: (action, inj) => this.mark(action, inj),
        notice: (text, level) => this.notice(text, level),
        changed: () => this.publishInjections(),
      },
    });
    this.source = options.source;
    this.tuningNow = options.tuning;
    this.monitorNow = options.createMonitor(options.tuning);
    // A replay has no operator: its setpoints are unknown (shown as "--"), the twin follows the
    // recorded duties.
    this.sp = options.readOnly ? UNKNOWN_SETPOINTS : options.setpoints;
  }

  /**
   * Adds an observer; it is told the setpoints at once. Returns the unsubscribe function.
   * Observers are called in the order they subscribed, on the session's own call stack.
   */
  subscribe(observer: SessionObserver): () => void {
    this.observers.push(observer);
    observer.setpoints?.(this.sp);
    return () => {
      const i = this.observers.indexOf(observer);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** Dead-man hold of a physical injection [ms]. */
  get deadmanMs(): number {
    return this.injector.deadmanMs;
  }

  /** Renewal period of an injection's hold [ms]. */
  get renewMs(): number {
    return this.injector.renewMs;
  }

  get monitor(): Monitor {
    return this.monitorNow;
  }

  /** The learned detector's state (null without one): its training progress, or its score. */
  learnedStatus(): LearnedStatus | null {
    const m = this.monitorNow;
    return hasLearnedDetector(m) ? m.learnedStatus() : null;
  }

  get setpoints(): OperatorSetpoints {
    return this.sp;
  }

  get tuning(): MonitorTuning {
    return this.tuningNow;
  }

  get isEmulator(): boolean {
    return this.opts.emulator;
  }

  get isReadOnly(): boolean {
    return this.opts.readOnly;
  }

  /** A local session is controlled from its screen (a replay in part: see {@link SessionControl}). */
  get control(): SessionControl {
    return this;
  }

  exitMessage(report: ShutdownReport, command: string): string {
    return describeShutdown(report, this.opts.readOnly, command);
  }

  get recordingPath(): string | null {
    return this.opts.records.target?.path ?? null;
  }

  /** Rig time of the latest sample [s] (0 before the first). */
  get latestTimeS(): number {
    return this.latestTS;
  }

  /** Injections in force, oldest first. */
  activeInjections(): readonly InjectionInForce[] {
    return this.injector.list();
  }

  /** Open alarms, newest first. */
  openAlarms(): readonly AlarmState[] {
    return this.monitorNow.openAlarms();
  }

  /** The monitor's loop figures now. */
  performance(): LoopPerformanceFigures {
    return this.monitorNow.performance();
  }

  /** Source, link and recording facts now. */
  status(): SessionStatus {
    const st = this.source.stats();
    const h = this.source.hello;
    return {
      source: this.opts.sourceLabel,
      state: this.source.state,
      firmware: h === null ? "" : `${h.fwName} ${h.fwVersion}`,
      recording: this.recordingPath,
      crcErrors: st.stream.crc_errors,
      lostSamples: st.stream.lost_samples,
      reconnects: st.reconnects,
      malformed: st.stream.malformed,
    };
  }

  /**
   * Subscribes to the (already open) source, starts the `--record` file and sends the operator's
   * setpoints; a replay only listens.
   */
  async start(): Promise<void> {
    this.unsubscribe = this.source.subscribe((e) => this.onEvent(e));
    if (this.opts.recordPath !== undefined) this.startRecording(this.opts.recordPath);
    if (this.opts.readOnly) {
      this.monitorNow.followApplied(true);
      this.overrides.follow();
      this.emitOverride("replay: the twin follows the recorded duties");
      return;
    }
    this.monitorNow.setSetpoints(this.sp, this.latestTS);
    for (const ch of DUTY_CHANNELS)
      await this.send({ type: "PWM", channel: ch, duty: this.sp[SETPOINT_KEY[ch]], holdMs: null });
    this.publishInjections();
  }

  // ------------------------------------------------------------------ events

  private onEvent(e: RigEvent): void {
    switch (e.kind) {
      case "sample":
        this.onSample(e.sample);
        return;
      case "gap":
        this.monitorNow.markGap(e.fromTS, e.toTS);
        if (e.reason === "reboot" && !this.opts.readOnly && !this.overrides.following)
          this.deviceOverride(REBOOT_OVERRIDE);
        return;
      case "hello":
        this.emitStatus();
        if (e.reboot) this.deviceOverride(REBOOT_OVERRIDE);
        return;
      case "device_event":
        switch (e.event.code) {
          case "HB_LOST":
            this.deviceOverride("heartbeat lost: device went SAFE");
            return;
          case "OVERTEMP":
            this.deviceOverride(`over-temperature interlock (${e.event.channel})`);
            return;
          case "HOLD_EXPIRED":
            this.injector.holdExpired(e.event.channel);
            return;
          case "BOOT":
          case "WDT":
          case "SENSOR":
          case "unrecognized":
            return;
        }
        return;
      case "link":
        if (e.state !== "CONNECTED" && e.state !== "REPLAY")
          this.notice(`link ${e.state}${e.reason ? `: ${e.reason}` : ""}`, "error");
        else if (this.noticeNow.startsWith("link ")) this.notice("");
        this.emitStatus();
        return;
    }
  }

  private onSample(s: RigSample): void {
    this.latestTS = s.tS;
    if (!this.overrides.following && !this.opts.readOnly) {
      const why = this.overrides.check(s, this.sp, this.injector.active);
      if (why !== "") this.deviceOverride(why);
    }
    const events = this.monitorNow.step(s);
    const out = this.monitorNow.output;
    const obs = this.observers;
    for (let i = 0; i < obs.length; i++) obs[i]!.sample?.(s, out);
    const rec = this.opts.records;
    if (rec.target !== null) writeSampleRecords(rec, s, out, !this.opts.sourceRecordsSamples);
    for (let i = 0; i < events.length; i++) this.onAlarm(events[i]!);
  }

  private onAlarm(e: AlarmEvent): void {
    for (const o of this.observers) o.alarm?.(e);
    writeAlarm(this.opts.records, e);
    if (e.type === "raised" || e.type === "escalated") {
      this.notice(`ALARM ${e.severity}: ${e.diagnosis || e.cause}`, "error");
    } else if (e.type === "rediagnosed" && e.diagnosis !== "") {
      // Short enough for the status line at 80 columns; the old diagnosis is in the recording.
      this.notice(`ALARM ${e.severity}: ${e.diagnosis} (diagnosis revised)`, "error");
    }
  }

  /** The operator set an operating point: the twin follows the setpoints again. */
  private stopFollowing(): void {
    if (!this.overrides.stop()) return;
    this.monitorNow.followApplied(false);
    this.emitOverride("");
  }

  private deviceOverride(why: string): void {
    this.monitorNow.followApplied(true);
    this.overrides.follow();
    this.emitOverride(why);
    this.notice(why, "error");
    this.note(`device override: ${why}`);
  }

  // ------------------------------------------------------------------ operator actions

  /** `p`/`h`/`n`: a new setpoint for one channel; re-applies the whole operating point. */
  async setSetpoint(channel: DutyChannel, duty: number): Promise<boolean> {
    if (!(Number.isInteger(duty) && duty >= 0 && duty <= 255))
      throw new ConfigError(`${channel} duty`, duty, "must be a whole number 0-255");
    this.requireWritable();
    this.sp = { ...this.sp, [SETPOINT_KEY[channel]]: duty };
    this.emitSetpoints();
    this.monitorNow.setSetpoints(this.sp, this.latestTS);
    this.stopFollowing();
    let ok = true;
    for (const ch of DUTY_CHANNELS) {
      // An injected channel: set the operator's duty (clears the hold, so it becomes the revert
      // duty), then re-apply the injection from the new setpoint.
      ok =
        (await this.send({ type: "PWM", channel: ch, duty: this.sp[SETPOINT_KEY[ch]], holdMs: null })) && ok;
      await this.injector.reapply(ch);
    }
    if (ok) this.notice(`${channel} setpoint ${duty}`);
    return ok;
  }

  /**
   * Starts an injection (already confirmed by the operator); returns it, or null when the device
   * refused it (the reason is a notice).
   */
  async inject(req: InjectionRequest): Promise<InjectionInForce | null> {
    this.requireWritable();
    return this.injector.start(req);
  }

  /**
   * Ends one injection now (a web viewer that started it went away); see {@link Injector.end}.
   * Returns false when `id` is not in force.
   */
  async endInjection(id: number): Promise<boolean> {
    this.requireWritable();
    return this.injector.end(id);
  }

  /** `x`: ends every injection now and puts the rig in SAFE (the new operating point). */
  async endInjections(): Promise<boolean> {
    this.requireWritable();
    this.injector.endAllQuietly();
    let ok = true;
    if (this.opts.emulator) ok = (await this.send({ type: "EMU", faultSpec: "clear" })) && ok;
    ok = (await this.send({ type: "SAFE" })) && ok;
    this.sp = SAFE_SETPOINTS;
    this.emitSetpoints();
    this.monitorNow.setSetpoints(this.sp, this.latestTS);
    this.stopFollowing();
    this.notice(
      ok ? "all injections ended: rig SAFE (heater 0, pump and fan full)" : "SAFE not acknowledged",
      ok ? "info" : "error",
    );
    return ok;
  }

  /** `a`: acknowledges the newest open alarm, or the open alarm of `cause` (a web viewer's row). */
  acknowledge(cause?: string): AlarmEvent | undefined {
    const events = this.monitorNow.acknowledge(this.latestTS, cause);
    const e = events[0];
    if (e === undefined) {
      this.notice("no alarm to acknowledge");
      return undefined;
    }
    // The `cleared` that follows when the condition had already returned is recorded too.
    for (const ev of events) this.onAlarm(ev);
    this.notice(`acknowledged: ${e.diagnosis || e.cause}`);
    return e;
  }

  /** `r`: starts a recording (at `path`, or a new file) or stops the current one; returns a message. */
  toggleRecording(path?: string): string {
    const rec = this.opts.records;
    if (rec.target !== null) {
      this.note("recording stopped by the operator");
      for (const m of this.injector.marks()) writeLabel(rec, this.latestTS, "end", m);
      const h = rec.detach();
      this.emitStatus();
      const msg = `recording closed: ${h?.path}`;
      this.notice(msg);
      return msg;
    }
    const p = path ?? (this.opts.nextRecordingPath ?? defaultRecordingPath)();
    this.startRecording(p);
    const msg = `recording to ${p}`;
    this.notice(msg);
    return msg;
  }

  /** `t`: applies `NAME=VALUE` pairs; throws a ConfigError (nothing changes) on bad input. */
  applyTuning(text: string): MonitorTuning {
    const next = applyTuningText(this.tuningNow, text);
    const monitor = this.opts.createMonitor(next);
    if (!this.opts.readOnly) monitor.setSetpoints(this.sp, this.latestTS);
    if (this.overrides.following) monitor.followApplied(true);
    this.monitorNow = monitor;
    this.tuningNow = next;
    this.note(`tuning changed: ${text.trim()}`);
    this.notice(`tuning applied: ${text.trim()}`);
    return next;
  }

  /**
   * Leaves the rig safe and the files whole: stops renewals, sends SAFE (waiting at most
   * `safeTimeoutMs` for its ACK), ends the labels, closes the recording and the source.
   * Idempotent; never rejects.
   */
  shutdown(reason: string): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.doShutdown(reason);
    return this.shutdownPromise;
  }

  private async doShutdown(reason: string): Promise<ShutdownReport> {
    this.injector.stopRenewals();
    let safeAcknowledged = false;
    let safeProblem = "";
    if (!this.opts.readOnly) {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), this.opts.safeTimeoutMs ?? 2000);
      try {
        await this.source.send({ type: "SAFE" }, { signal: ctrl.signal });
        safeAcknowledged = true;
      } catch (e) {
        safeProblem = e instanceof Error ? e.message : String(e);
      } finally {
        clearTimeout(timer);
      }
    }
    this.injector.endAllQuietly();
    this.note(
      `${(this.opts.writerName ?? "looptwin dashboard").replace(/^looptwin /, "")} stopped (${reason}); SAFE ${safeAcknowledged ? "acknowledged" : this.opts.readOnly ? "not needed (replay)" : `not acknowledged: ${safeProblem}`}`,
    );
    this.unsubscribe?.();
    this.unsubscribe = null;
    let recordingPath: string | null = null;
    try {
      recordingPath = this.opts.records.detach()?.path ?? null;
    } catch (e) {
      safeProblem += ` (recording: ${e instanceof Error ? e.message : String(e)})`;
    }
    await this.source.close();
    return { reason, safeAcknowledged, safeProblem, recordingPath };
  }

  // ------------------------------------------------------------------ internals

  private requireWritable(): void {
    if (this.opts.readOnly)
      throw new ConfigError("key", "replay", "a replay is read-only: nothing can be sent");
  }

  /** Sends a command; a refusal or a timeout becomes a notice (false), never an exception. */
  private async send(cmd: RigCommand): Promise<boolean> {
    try {
      await this.source.send(cmd);
      return true;
    } catch (e) {
      this.notice(`${cmd.type} failed: ${e instanceof Error ? e.message : String(e)}`, "error");
      return false;
    }
  }

  private publishInjections(): void {
    if (this.observers.length === 0) return;
    const list = this.activeInjections();
    for (const o of this.observers) o.injections?.(list);
  }

  /** An injection started or ended: a marker on the observers' charts and a label record. */
  private mark(action: "start" | "end", inj: InjectionMark): void {
    for (const o of this.observers) o.label?.(this.latestTS, action, inj.label);
    writeLabel(this.opts.records, this.latestTS, action, inj);
  }

  private notice(text: string, level: NoticeLevel = "info"): void {
    this.noticeNow = text;
    for (const o of this.observers) o.notice?.(text, level);
  }

  private emitOverride(text: string): void {
    for (const o of this.observers) o.override?.(text);
  }

  private emitSetpoints(): void {
    for (const o of this.observers) o.setpoints?.(this.sp);
  }

  private emitStatus(): void {
    if (this.observers.length === 0) return;
    const st = this.status();
    for (const o of this.observers) o.status?.(st);
  }

  private note(text: string): void {
    writeNote(this.opts.records, text);
  }

  private startRecording(path: string): void {
    const rec = this.opts.records;
    const handle = this.opts.openRecording(path, {
      source: this.opts.recordedSource,
      hello: recordedHello(this.source.hello),
      rig: { setpoints: this.sp, tuning: this.tuningNow, config: this.opts.rigConfig ?? null },
      writer: this.opts.writerName ?? "looptwin dashboard",
    });
    rec.attach(handle);
    this.emitStatus();
    this.note(
      `recording started; operator setpoints pump ${this.sp.pumpDuty} heater ${this.sp.heaterDuty} fan ${this.sp.fanDuty}`,
    );
    for (const m of this.injector.marks()) writeLabel(rec, this.latestTS, "start", m);
  }
}
