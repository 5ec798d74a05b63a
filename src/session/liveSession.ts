/**
 * One live session: it owns the rig source, the monitor (twin, residuals, detectors, alarms), the
 * operator's setpoints, fault injection, the recording and the safe shutdown. The terminal
 * dashboard, the web server and the MQTT publisher observe it ({@link SessionObserver}) and turn
 * keys, HTTP requests and socket messages into calls here; tests drive it with a fake source, a
 * scripted monitor and virtual time.
 *
 * Rules it keeps (docs/design.md section 2.4):
 * - the twin is driven by the operator's setpoints; an injector's deliberate deviation is withheld
 *   from it; a deviation the device reports (SAFE after heartbeat loss, interlock, reboot) makes
 *   the twin follow the applied duties until the operator sets a setpoint again. So does a
 *   deviation whose report was lost: applied duties (TLM) that differ from the setpoints for
 *   {@link OVERRIDE_CONFIRM_S} with no injection in force (the device rebooted or went SAFE while
 *   the link was down, so its EVT lines reached nobody), and a reboot the source detects;
 * - every physical injection is a PWM with a dead-man hold, renewed while it lasts, so the device
 *   reverts to the operator's duty by itself within `deadmanMs` if this process dies;
 * - every injection is labelled (start and end) in the recording and on the charts;
 * - shutting down (q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error) sends SAFE, ends the labels,
 *   flushes and closes the recording and closes the source; the process exit is the CLI's.
 */

import { ConfigError } from "../core/errors.js";
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../detect/alarms/alarmRecordFields.js";
import type { LoopPerformanceFigures, Monitor, OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { HelloMessage, PwmChannel } from "../protocol/messages.js";
import type { KnownRecord, RecordedHello, RecordedSource } from "../rig/recording/recording.js";
import type { RecordingHeaderInput } from "../rig/recording/recordingWriter.js";
import type { RigCommand, RigEvent, RigSource } from "../rig/source/rigSource.js";
import type { Scheduler, TimerHandle } from "../rig/source/scheduler.js";
import {
  describeInjection,
  type InjectionRequest,
  injectedDuty,
  injectionDurationS,
  injectionLabel,
} from "./injection.js";
import type { RecordingHandle, SwitchableRecordSink } from "./recordSwitch.js";
import type { InjectionInForce, NoticeLevel, SessionObserver, SessionStatus } from "./sessionObserver.js";
import { applyTuningText, type MonitorTuning } from "./tuning.js";

/**
 * How long the applied duties may differ from the setpoints, with no injection in force, before
 * the session takes it as an override by the device [s]: longer than a setpoint change takes to
 * be acknowledged and shown in TLM (three tries of 0.5 s).
 */
export const OVERRIDE_CONFIRM_S = 2;

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

/** What a shutdown did, for the exit message. */
export interface ShutdownReport {
  readonly reason: string;
  /** SAFE acknowledged by the device. */
  readonly safeAcknowledged: boolean;
  /** Why SAFE was not acknowledged (empty when it was, or for a replay). */
  readonly safeProblem: string;
  /** The recording closed, if one was open. */
  readonly recordingPath: string | null;
}

/** The exit message of `command`: why it stopped, whether the rig is safe, where the recording is. */
export function describeShutdown(r: ShutdownReport, readOnly: boolean, command: string): string {
  const safe = readOnly
    ? "replay: nothing sent"
    : r.safeAcknowledged
      ? "rig left SAFE (SAFE acknowledged)"
      : `SAFE NOT acknowledged (${r.safeProblem}); the device goes SAFE by itself 3 s after the last heartbeat`;
  const rec = r.recordingPath === null ? "no recording" : `recording closed: ${r.recordingPath}`;
  return `${command}: stopped by ${r.reason}; ${safe}; ${rec}`;
}

interface ActiveInjection {
  readonly serial: number;
  readonly request: InjectionRequest;
  readonly label: string;
  readonly startS: number;
  readonly endS: number;
  readonly channel: PwmChannel | null;
  /** Host time [ms] the injection ends (Infinity: until x). */
  readonly endHostMs: number;
  timer: TimerHandle | null;
}

const DUTY_CHANNELS = ["pump", "heater", "fan"] as const;
type DutyChannel = (typeof DUTY_CHANNELS)[number];
const SETPOINT_KEY: Readonly<Record<DutyChannel, keyof OperatorSetpoints>> = {
  pump: "pumpDuty",
  heater: "heaterDuty",
  fan: "fanDuty",
};

function recordedHello(h: HelloMessage | null): RecordedHello | null {
  if (h === null) return null;
  return {
    major: h.major,
    minor: h.minor,
    fwName: h.fwName,
    fwVersion: h.fwVersion,
    board: h.board,
    uid: h.uid,
  };
}

function injectionInForce(i: ActiveInjection): InjectionInForce {
  return { id: i.serial, text: i.label, startS: i.startS, endS: i.endS };
}

function defaultRecordingPath(): string {
  return `looptwin-${new Date().toISOString().replace(/[:.]/g, "-")}.ndjson`;
}

export class LiveSession {
  readonly deadmanMs: number;
  readonly renewMs: number;
  private readonly opts: LiveSessionOptions;
  private readonly source: RigSource;
  private readonly observers: SessionObserver[] = [];
  /** The session's latest notice (a link notice is withdrawn when the link comes back). */
  private noticeNow = "";
  private readonly scheduler: Scheduler;
  private monitorNow: Monitor;
  private tuningNow: MonitorTuning;
  private sp: OperatorSetpoints;
  private following = false;
  private readonly injections: ActiveInjection[] = [];
  private injectionSerial = 0;
  private unsubscribe: (() => void) | null = null;
  private shutdownPromise: Promise<ShutdownReport> | null = null;
  private latestTS = 0;
  /** Rig time since which the applied duties differ from the setpoints [s]; NaN: they agree. */
  private dutiesDifferSinceS = Number.NaN;

  constructor(options: LiveSessionOptions) {
    this.opts = options;
    this.deadmanMs = options.deadmanMs ?? 3000;
    this.renewMs = options.renewMs ?? 1000;
    if (!(this.renewMs > 0 && this.renewMs < this.deadmanMs))
      throw new ConfigError("renewMs", this.renewMs, `must be > 0 and < deadmanMs (${this.deadmanMs})`);
    this.source = options.source;
    this.scheduler = options.scheduler;
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

  get monitor(): Monitor {
    return this.monitorNow;
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

  get recordingPath(): string | null {
    return this.opts.records.target?.path ?? null;
  }

  /** Rig time of the latest sample [s] (0 before the first). */
  get latestTimeS(): number {
    return this.latestTS;
  }

  /** Injections in force, oldest first. */
  activeInjections(): readonly InjectionInForce[] {
    return this.injections.map(injectionInForce);
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
      this.following = true;
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
        if (e.reason === "reboot" && !this.opts.readOnly && !this.following)
          this.deviceOverride("device rebooted (duties 0): set p/h/n to resume");
        return;
      case "hello":
        this.emitStatus();
        if (e.reboot) this.deviceOverride("device rebooted (duties 0): set p/h/n to resume");
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
            this.onHoldExpired(e.event.channel);
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
    if (!this.following && !this.opts.readOnly) this.checkAppliedDuties(s);
    const events = this.monitorNow.step(s);
    const out = this.monitorNow.output;
    const obs = this.observers;
    for (let i = 0; i < obs.length; i++) obs[i]!.sample?.(s, out);
    const rec = this.opts.records;
    if (rec.target !== null) {
      const atMs = rec.atMs();
      if (!this.opts.sourceRecordsSamples) rec.write({ type: "sample", atMs, sample: s });
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
    for (let i = 0; i < events.length; i++) this.onAlarm(events[i]!);
  }

  private onAlarm(e: AlarmEvent): void {
    for (const o of this.observers) o.alarm?.(e);
    const rec = this.opts.records;
    rec.write({ type: "alarm", atMs: rec.atMs(), ...alarmRecordFields(e) });
    if (e.type === "raised" || e.type === "escalated") {
      this.notice(`ALARM ${e.severity}: ${e.diagnosis || e.cause}`, "error");
    } else if (e.type === "rediagnosed" && e.diagnosis !== "") {
      // Short enough for the status line at 80 columns; the old diagnosis is in the recording.
      this.notice(`ALARM ${e.severity}: ${e.diagnosis} (diagnosis revised)`, "error");
    }
  }

  /** Applied duties that stay off the setpoints with no injection in force: a device override. */
  private checkAppliedDuties(s: RigSample): void {
    const sp = this.sp;
    const differ =
      this.injections.length === 0 &&
      (s.pumpDuty !== sp.pumpDuty || s.heaterDuty !== sp.heaterDuty || s.fanDuty !== sp.fanDuty);
    if (!differ) {
      this.dutiesDifferSinceS = Number.NaN;
      return;
    }
    if (Number.isNaN(this.dutiesDifferSinceS) || s.tS < this.dutiesDifferSinceS) {
      this.dutiesDifferSinceS = s.tS;
      return;
    }
    if (s.tS - this.dutiesDifferSinceS < OVERRIDE_CONFIRM_S) return;
    this.dutiesDifferSinceS = Number.NaN;
    this.deviceOverride(
      `device duties differ from the setpoints (pump ${s.pumpDuty}, heater ${s.heaterDuty}, fan ${s.fanDuty}): changed on the device (SAFE or a reboot while the link was down?); set p/h/n to resume`,
    );
  }

  /** The operator set an operating point: the twin follows the setpoints again. */
  private stopFollowing(): void {
    if (!this.following) return;
    this.monitorNow.followApplied(false);
    this.following = false;
    this.dutiesDifferSinceS = Number.NaN;
    this.emitOverride("");
  }

  private deviceOverride(why: string): void {
    this.monitorNow.followApplied(true);
    this.following = true;
    this.emitOverride(why);
    this.notice(why, "error");
    this.note(`device override: ${why}`);
  }

  private onHoldExpired(channel: PwmChannel): void {
    const inj = this.injections.find((i) => i.channel === channel);
    if (inj === undefined) return;
    // A hold that runs out before the planned end means renewals stopped reaching the device.
    if (this.scheduler.nowMs() < inj.endHostMs - this.renewMs) {
      this.notice(
        `${inj.label}: the device's dead-man hold expired (renewal lost); injection ended`,
        "error",
      );
    }
    this.finishInjection(inj, false);
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
      const inj = this.injections.find((i) => i.channel === ch);
      // An injected channel: set the operator's duty (clears the hold, so it becomes the revert
      // duty), then re-apply the injection from the new setpoint.
      ok =
        (await this.send({ type: "PWM", channel: ch, duty: this.sp[SETPOINT_KEY[ch]], holdMs: null })) && ok;
      if (inj !== undefined) await this.renew(inj);
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
    if (req.kind === "emulator" && !this.opts.emulator)
      throw new ConfigError("fault", req.spec, "emulator-only faults need the emulator (--emulate)");
    const target = injectedDuty(req, this.sp);
    const durationS = injectionDurationS(req);
    const label = injectionLabel(req);
    if (target !== null) {
      const previous = this.injections.find((i) => i.channel === target.channel);
      if (previous !== undefined) this.finishInjection(previous, false);
    }
    const now = this.scheduler.nowMs();
    const inj: ActiveInjection = {
      serial: ++this.injectionSerial,
      request: req,
      label,
      startS: this.latestTS,
      endS: this.latestTS + durationS,
      channel: target?.channel ?? null,
      endHostMs: now + durationS * 1000,
      timer: null,
    };
    if (target === null) {
      const ok = await this.send({ type: "EMU", faultSpec: (req as { spec: string }).spec });
      if (!ok) return null;
    } else {
      this.injections.push(inj);
      const ok = await this.renew(inj);
      if (!ok) {
        this.injections.splice(this.injections.indexOf(inj), 1);
        return null;
      }
    }
    if (target === null) {
      // EMU faults end by their own spec; keep them listed until then (or until x).
      this.injections.push(inj);
      if (Number.isFinite(durationS)) {
        inj.timer = this.scheduler.setTimer(() => this.finishInjection(inj, false), durationS * 1000);
      }
    }
    this.label("start", inj);
    this.notice(`injected: ${describeInjection(req, this.sp, this.deadmanMs)}`);
    this.publishInjections();
    return injectionInForce(inj);
  }

  /**
   * Ends one injection now (a web viewer that started it went away): a physical one puts the
   * operator's duty back at once (its hold would within `deadmanMs`); an emulator fault sends
   * `EMU clear`, which ends every emulator fault (the emulator clears them only all together),
   * so every emulator injection listed ends with it. Returns false when `id` is not in force.
   */
  async endInjection(id: number): Promise<boolean> {
    this.requireWritable();
    const inj = this.injections.find((i) => i.serial === id);
    if (inj === undefined) return false;
    if (inj.channel !== null) {
      this.finishInjection(inj, true);
      return true;
    }
    for (const other of [...this.injections]) if (other.channel === null) this.finishInjection(other, false);
    return this.send({ type: "EMU", faultSpec: "clear" });
  }

  /** `x`: ends every injection now and puts the rig in SAFE (the new operating point). */
  async endInjections(): Promise<boolean> {
    this.requireWritable();
    for (const inj of [...this.injections]) this.finishInjection(inj, false, true);
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
    const e = this.monitorNow.acknowledge(this.latestTS, cause);
    if (e === undefined) {
      this.notice("no alarm to acknowledge");
      return undefined;
    }
    this.onAlarm(e);
    this.notice(`acknowledged: ${e.diagnosis || e.cause}`);
    return e;
  }

  /** `r`: starts a recording (at `path`, or a new file) or stops the current one; returns a message. */
  toggleRecording(path?: string): string {
    if (this.opts.records.target !== null) {
      this.note("recording stopped by the operator");
      for (const inj of this.injections) this.writeLabel("end", inj);
      const h = this.opts.records.detach();
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
    if (this.following) monitor.followApplied(true);
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
    for (const inj of this.injections) if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
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
    for (const inj of [...this.injections]) this.finishInjection(inj, false, true);
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

  /** (Re)sends a physical injection's PWM with the dead-man hold and schedules the next renewal. */
  private async renew(inj: ActiveInjection): Promise<boolean> {
    if (inj.channel === null) return true;
    if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
    inj.timer = null;
    const remainingMs = inj.endHostMs - this.scheduler.nowMs();
    if (remainingMs <= 0) {
      this.finishInjection(inj, true);
      return true;
    }
    const target = injectedDuty(inj.request, this.sp);
    const holdMs = Math.max(1, Math.round(Math.min(remainingMs, this.deadmanMs)));
    const ok = await this.send({ type: "PWM", channel: inj.channel, duty: target?.duty ?? 0, holdMs });
    if (!this.injections.includes(inj)) return ok;
    inj.timer =
      remainingMs <= this.deadmanMs
        ? // The last hold ends the injection on the device; restore explicitly at the same time.
          this.scheduler.setTimer(() => this.finishInjection(inj, true), remainingMs)
        : this.scheduler.setTimer(() => void this.renew(inj), this.renewMs);
    return ok;
  }

  /**
   * Ends an injection: stops its renewals, labels the end, and (`restore`) puts the operator's
   * duty back (the hold would too). `quiet`: no restore and no notice (x and shutdown send SAFE).
   */
  private finishInjection(inj: ActiveInjection, restore: boolean, quiet = false): void {
    const i = this.injections.indexOf(inj);
    if (i < 0) return;
    this.injections.splice(i, 1);
    if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
    inj.timer = null;
    this.label("end", inj);
    if (restore && !quiet && inj.channel !== null && this.unsubscribe !== null) {
      const ch = inj.channel as DutyChannel;
      void this.send({ type: "PWM", channel: ch, duty: this.sp[SETPOINT_KEY[ch]], holdMs: null });
    }
    if (!quiet) this.notice(`injection ended: ${inj.label}`);
    this.publishInjections();
  }

  private publishInjections(): void {
    if (this.observers.length === 0) return;
    const list = this.activeInjections();
    for (const o of this.observers) o.injections?.(list);
  }

  private label(action: "start" | "end", inj: ActiveInjection): void {
    for (const o of this.observers) o.label?.(this.latestTS, action, inj.label);
    this.writeLabel(action, inj);
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

  /** Physical injections are the injector's; EMU faults the emulator's. */
  private writeLabel(action: "start" | "end", inj: ActiveInjection): void {
    const rec = this.opts.records;
    const by = inj.request.kind === "emulator" ? "emulator" : "injector";
    rec.write({ type: "label", atMs: rec.atMs(), tS: this.latestTS, action, fault: inj.label, by });
  }

  private note(text: string): void {
    const rec = this.opts.records;
    rec.write({ type: "note", atMs: rec.atMs(), text } satisfies KnownRecord);
  }

  private startRecording(path: string): void {
    const handle = this.opts.openRecording(path, {
      source: this.opts.recordedSource,
      hello: recordedHello(this.source.hello),
      rig: { setpoints: this.sp, tuning: this.tuningNow, config: this.opts.rigConfig ?? null },
      writer: this.opts.writerName ?? "looptwin dashboard",
    });
    this.opts.records.attach(handle);
    this.emitStatus();
    this.note(
      `recording started; operator setpoints pump ${this.sp.pumpDuty} heater ${this.sp.heaterDuty} fan ${this.sp.fanDuty}`,
    );
    for (const inj of this.injections) this.writeLabel("start", inj);
  }
}
