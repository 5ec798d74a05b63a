/**
 * A remote rig as a {@link WatchedSession}: what one rig publishes (docs/mqtt.md: telemetry with
 * the twin's prediction, residuals and bands; alarm events and the open alarms; loop figures;
 * status) handed to the session's observers as a local session hands over its own, so the terminal
 * dashboard shows the same six panels for a rig on the other side of a broker. Read-only: it has
 * no {@link WatchedSession.control}, and nothing goes back to the rig (docs/mqtt.md: no remote
 * control over MQTT).
 *
 * Broker messages are untrusted: what is not as documented is counted and skipped. A rig that
 * stops sending telemetry for longer than `staleAfterS` is shown STALE at the start of the status
 * line; a rig whose rig time goes
 * back (it started a new session) continues on the charts after the old samples, its times offset,
 * with a notice.
 */
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import {
  createMonitorOutput,
  type LoopPerformanceFigures,
  NO_PERFORMANCE,
  type OperatorSetpoints,
} from "../detect/monitor/monitorTypes.js";
import { createRigSample } from "../model/rigSample.js";
import type { LinkState } from "../rig/source/rigSource.js";
import {
  type InjectionInForce,
  NO_SESSION_STATUS,
  type NoticeLevel,
  type SessionObserver,
  type SessionStatus,
} from "../session/sessionObserver.js";
import type { ShutdownReport } from "../session/shutdownReport.js";
import type { WatchedSession } from "../session/watchedSession.js";
import { type BrokerState, describeBrokerState } from "./brokerLink.js";
import { type DecodedAlarmEvent, type DecodedStatus, decodePayload } from "./payloadDecode.js";
import { TELEMETRY_SAMPLE_FIELDS, TELEMETRY_TWIN_FIELDS } from "./payloads.js";
import { parseTopic } from "./topics.js";

const LINK_STATES: readonly string[] = ["CONNECTED", "RECONNECTING", "DISCONNECTED", "REPLAY"];
const STABILITY: readonly string[] = ["settling", "steady", "drifting", "oscillating"];
/** The setpoints of a rig that published none (`record`, a rig older than the field): `--`. */
const UNKNOWN_SETPOINTS: OperatorSetpoints = Object.freeze({
  pumpDuty: Number.NaN,
  heaterDuty: Number.NaN,
  fanDuty: Number.NaN,
});
const NO_INJECTIONS: readonly InjectionInForce[] = Object.freeze([]);
/** Rig time going back by more than this [s] is a new session on the rig. */
const RESTART_BACKSTEP_S = 1;

export interface RemoteSessionOptions {
  /** Topic prefix (`--mqtt-prefix`). */
  readonly prefix: string;
  /** The rig's name in topics (`--rig`). */
  readonly rig: string;
  /** No telemetry for longer than this [s]: STALE on the status line. @default 5 */
  readonly staleAfterS?: number;
  /** Host clock [ms] for staleness. @default Date.now */
  readonly nowMs?: () => number;
  /** The broker connection's state now. @default connecting */
  readonly brokerState?: () => BrokerState;
  /** Closes the subscription (called once by {@link RemoteSession.shutdown}). */
  readonly close?: () => Promise<void>;
}

export class RemoteSession implements WatchedSession {
  readonly rig: string;
  readonly control = null;
  private readonly prefix: string;
  private readonly staleAfterMs: number;
  private readonly nowMs: () => number;
  private readonly brokerState: () => BrokerState;
  private readonly close: () => Promise<void>;
  private readonly observers: SessionObserver[] = [];
  private readonly sample = createRigSample();
  private readonly out = createMonitorOutput();
  /** Column of each telemetry field in the last batch's field list (re-read when the list changes). */
  private fieldsKey = "";
  private readonly col = new Map<string, number>();
  private open: readonly AlarmState[] = [];
  private figures: LoopPerformanceFigures = NO_PERFORMANCE;
  private link: SessionStatus;
  private latestS = 0;
  private hasSample = false;
  /** Added to the rig's times after it restarted its session, so the charts' time keeps rising [s]. */
  private offsetS = 0;
  private readonly startedMs: number;
  private lastTelemetryMs = Number.NaN;
  private online = true;
  private sp: OperatorSetpoints = UNKNOWN_SETPOINTS;
  private injections: readonly InjectionInForce[] = NO_INJECTIONS;
  /** The rig's name and source as its status names them. */
  private sourceText: string;
  /** The rig's link as its status says (shown DISCONNECTED while the rig is offline). */
  private linkState: LinkState = "DISCONNECTED";
  private messageCount = 0;
  private malformedCount = 0;
  private shutdownPromise: Promise<ShutdownReport> | null = null;

  constructor(options: RemoteSessionOptions) {
    this.prefix = options.prefix;
    this.rig = options.rig;
    this.staleAfterMs = (options.staleAfterS ?? 5) * 1000;
    this.nowMs = options.nowMs ?? Date.now;
    this.brokerState = options.brokerState ?? (() => ({ kind: "connecting" }));
    this.close = options.close ?? (() => Promise.resolve());
    this.startedMs = this.nowMs();
    this.sourceText = `${this.rig} (remote)`;
    this.link = { ...NO_SESSION_STATUS, source: this.sourceText };
  }

  // ------------------------------------------------------------------ WatchedSession

  subscribe(observer: SessionObserver): () => void {
    this.observers.push(observer);
    observer.setpoints?.(this.setpoints);
    return () => {
      const i = this.observers.indexOf(observer);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  openAlarms(): readonly AlarmState[] {
    return this.open;
  }

  performance(): LoopPerformanceFigures {
    return this.figures;
  }

  /**
   * The rig as its status says, its link DISCONNECTED while it is offline; `source` starts with
   * the rig's name and says STALE when no telemetry came for longer than `staleAfterS` (first on
   * the status line, so no width cuts it); `malformed` counts this view's bad messages.
   */
  status(): SessionStatus {
    const stale = this.staleness();
    const source = stale === "" ? this.sourceText : `${this.rig} ${stale} (remote)`;
    const state: LinkState = this.online ? this.linkState : "DISCONNECTED";
    const l = this.link;
    if (l.source !== source || l.state !== state || l.malformed !== this.malformedCount)
      this.link = { ...l, source, state, malformed: this.malformedCount };
    return this.link;
  }

  /** The operator's setpoints as the rig's status says (`--` when it says none). */
  get setpoints(): OperatorSetpoints {
    return this.sp;
  }

  /** The injections in force as the rig's status says. */
  activeInjections(): readonly InjectionInForce[] {
    return this.injections;
  }

  /** Rig time of the latest sample as shown [s] (offset after a restart of the rig's session). */
  get latestTimeS(): number {
    return this.latestS;
  }

  /** Messages of this rig taken, and those skipped as malformed. */
  get messages(): number {
    return this.messageCount;
  }

  get malformed(): number {
    return this.malformedCount;
  }

  /** The broker connection's state for the status line (`mqtt connected`, `mqtt down (...)`). */
  describeFeed(): string {
    return describeBrokerState(this.brokerState());
  }

  /** `STALE: no telemetry for 12 s` when it came longer than `staleAfterS` ago (or never), else "". */
  private staleness(): string {
    const since = Number.isNaN(this.lastTelemetryMs) ? this.startedMs : this.lastTelemetryMs;
    const silentMs = this.nowMs() - since;
    if (silentMs <= this.staleAfterMs) return "";
    const what = Number.isNaN(this.lastTelemetryMs) ? "no telemetry yet" : "no telemetry";
    return `STALE: ${what} for ${Math.floor(silentMs / 1000)} s`;
  }

  async start(): Promise<void> {}

  shutdown(reason: string): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.close().then(
      () => ({ reason, safeAcknowledged: false, safeProblem: "", recordingPath: null }),
      (e: unknown) => ({
        reason,
        safeAcknowledged: false,
        safeProblem: `closing the broker connection: ${e instanceof Error ? e.message : String(e)}`,
        recordingPath: null,
      }),
    );
    return this.shutdownPromise;
  }

  exitMessage(r: ShutdownReport, command: string): string {
    const problem = r.safeProblem === "" ? "" : `; ${r.safeProblem}`;
    return `${command}: stopped by ${r.reason}; remote rig ${this.rig}: read-only, nothing was sent to it; ${this.messageCount} messages, ${this.malformedCount} malformed skipped${problem}`;
  }

  // ------------------------------------------------------------------ broker messages

  /** Takes one broker message if it is this rig's; a malformed one is counted and skipped. */
  apply(topic: string, payload: Uint8Array | string): void {
    const t = parseTopic(this.prefix, topic);
    if (!t.ok || t.value.rig !== this.rig) return;
    this.messageCount++;
    const d = decodePayload(t.value, payload);
    if (!d.ok) {
      this.malformedCount++;
      return;
    }
    const m = d.value;
    switch (m.kind) {
      case "telemetry": {
        this.lastTelemetryMs = this.nowMs();
        const key = m.fields.join(",");
        if (key !== this.fieldsKey) {
          this.fieldsKey = key;
          this.col.clear();
          for (let i = 0; i < m.fields.length; i++) this.col.set(m.fields[i]!, i);
        }
        for (const row of m.rows) this.addRow(row);
        return;
      }
      case "alarms/open":
        this.open = m.alarms.map(
          (a): AlarmState => ({
            ...a,
            raisedAtS: a.raisedAtS + this.offsetS,
            acknowledgedAtS: Number.NaN,
            level: Number.NaN,
            peakLevel: Number.NaN,
          }),
        );
        return;
      case "alarms":
        this.onAlarm(m);
        return;
      case "performance":
        this.figures = performanceFigures(m.figures, m.stability);
        return;
      case "status": {
        this.sourceText = `${this.rig} (remote ${m.source})`;
        this.linkState = (LINK_STATES.includes(m.link) ? m.link : "DISCONNECTED") as LinkState;
        this.link = { ...this.link, firmware: m.firmware };
        this.takeOperator(m);
        const wasOnline = this.online;
        this.online = m.online;
        for (const o of this.observers) o.status?.(this.status());
        if (!m.online) this.notice(`rig offline: ${m.reason}`, "error");
        else if (!wasOnline) this.notice(`rig online again (${m.command}, ${m.source})`);
        return;
      }
      case "hil_verdict":
      case "hil_summary":
        return;
    }
  }

  /** A status's setpoints and injections: told to the observers when they changed, with chart labels. */
  private takeOperator(m: DecodedStatus): void {
    const sp = m.setpoints ?? UNKNOWN_SETPOINTS;
    const old = this.sp;
    if (
      !(
        Object.is(sp.pumpDuty, old.pumpDuty) &&
        Object.is(sp.heaterDuty, old.heaterDuty) &&
        Object.is(sp.fanDuty, old.fanDuty)
      )
    ) {
      this.sp = sp;
      for (const o of this.observers) o.setpoints?.(sp);
    }
    const key = (i: { text: string; startS: number }): string => `${i.text}@${i.startS}`;
    const before = new Set(this.injections.map(key));
    const now = new Set(m.injections.map(key));
    if (before.size === now.size && [...now].every((k) => before.has(k))) return;
    const off = this.offsetS;
    for (const i of this.injections)
      if (!now.has(key(i))) for (const o of this.observers) o.label?.(this.latestS, "end", i.text);
    for (const i of m.injections)
      if (!before.has(key(i))) for (const o of this.observers) o.label?.(i.startS + off, "start", i.text);
    this.injections = m.injections.map((i, id) => ({
      id,
      text: i.text,
      startS: i.startS + off,
      endS: i.endS + off,
    }));
    for (const o of this.observers) o.injections?.(this.injections);
  }

  private addRow(row: Float64Array): void {
    const v = (name: string): number => {
      const i = this.col.get(name);
      return i === undefined ? Number.NaN : row[i]!;
    };
    const tS = v("tS");
    if (!Number.isFinite(tS)) {
      this.malformedCount++;
      return;
    }
    if (this.hasSample && tS + this.offsetS < this.latestS - RESTART_BACKSTEP_S) {
      // The rig started a new session: its time starts again near 0.
      this.offsetS = this.latestS - tS;
      this.notice(`rig started a new session: its times continue from t=${this.latestS.toFixed(1)} s`);
    }
    const s = this.sample;
    s.tS = tS + this.offsetS;
    for (const k of TELEMETRY_SAMPLE_FIELDS) s[k] = v(k);
    s.flags = v("flags") | 0;
    const o = this.out;
    o.tS = s.tS;
    for (const k of TELEMETRY_TWIN_FIELDS) o[k] = v(k);
    this.latestS = s.tS;
    this.hasSample = true;
    const obs = this.observers;
    for (let i = 0; i < obs.length; i++) obs[i]!.sample?.(s, o);
  }

  private onAlarm(m: DecodedAlarmEvent): void {
    const e = alarmEvent(m, this.offsetS);
    if (e === null) {
      this.malformedCount++;
      return;
    }
    for (const o of this.observers) o.alarm?.(e);
    if (e.type === "raised" || e.type === "escalated")
      this.notice(`ALARM ${e.severity}: ${e.diagnosis || e.cause}`, "error");
    else if (e.type === "rediagnosed" && e.diagnosis !== "")
      this.notice(`ALARM ${e.severity}: ${e.diagnosis} (diagnosis revised)`, "error");
  }

  private notice(text: string, level: NoticeLevel = "info"): void {
    for (const o of this.observers) o.notice?.(text, level);
  }
}

/** The loop figures of a `performance` payload (absent or null figures NaN). */
function performanceFigures(f: Readonly<Record<string, number>>, stability: string): LoopPerformanceFigures {
  return {
    ...NO_PERFORMANCE,
    heatDeliveredW: f.heatDeliveredW ?? Number.NaN,
    heatRejectedW: f.heatRejectedW ?? Number.NaN,
    hxEffectiveness: f.hxEffectiveness ?? Number.NaN,
    thermalResistanceKPerW: f.thermalResistanceKPerW ?? Number.NaN,
    timeConstantS: f.timeConstantS ?? Number.NaN,
    stability: (STABILITY.includes(stability)
      ? stability
      : "settling") as LoopPerformanceFigures["stability"],
    rmseTHotK: f.rmseTHotK ?? Number.NaN,
    rmseTColdK: f.rmseTColdK ?? Number.NaN,
    rmseFlowLpm: f.rmseFlowLpm ?? Number.NaN,
  };
}

/** An `alarms` payload as the alarm event it reports; null for an event type not documented. */
function alarmEvent(m: DecodedAlarmEvent, offsetS: number): AlarmEvent | null {
  const base = {
    alarmId: m.alarmId,
    tS: m.tS + offsetS,
    cause: m.cause,
    severity: m.severity,
    level: m.level,
    diagnosis: m.diagnosis,
    evidence: m.evidence,
  };
  switch (m.event) {
    case "raised":
      return { ...base, type: "raised" };
    case "escalated":
      return { ...base, type: "escalated", from: m.from === "critical" ? "critical" : "warning" };
    case "acknowledged":
      return { ...base, type: "acknowledged", by: "" };
    case "rediagnosed":
      return { ...base, type: "rediagnosed", from: m.from };
    case "cleared": {
      const durationS = Number.isFinite(m.durationS) ? m.durationS : 0;
      return {
        ...base,
        type: "cleared",
        raisedAtS: base.tS - durationS,
        durationS,
        peakLevel: Number.NaN,
        acknowledged: false,
      };
    }
    default:
      return null;
  }
}
