/**
 * The live stream to web viewers (liveMessages.ts, docs/web.md "The stream"): one observer of
 * the session that batches samples into columns and sends each batch, as one string, to every
 * viewer at most {@link LiveStreamOptions.batchMs} apart, so the cost per viewer is one socket
 * write per batch whatever the sample rate. Alarm transitions, labels, notices and setpoints go
 * out as they happen; status, open alarms and loop figures once a second.
 *
 * Per sample it writes numbers into preallocated columns (no allocation); a batch that fills up
 * (a fast replay) keeps every other sample and says so (`decimation`). A viewer whose unsent
 * bytes exceed {@link LiveStreamOptions.maxBufferedBytes} is dropped rather than buffered.
 */
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import {
  createMonitorOutput,
  type MonitorOutput,
  type OperatorSetpoints,
} from "../detect/monitor/monitorTypes.js";
import { createRigSample, type RigSample } from "../model/rigSample.js";
import type { LiveSession } from "../session/liveSession.js";
import type {
  InjectionInForce,
  NoticeLevel,
  SessionObserver,
  SessionStatus,
} from "../session/sessionObserver.js";
import {
  alarmEventJson,
  alarmJson,
  bandsJson,
  faultJson,
  learnedJson,
  num,
  performanceJson,
  sampleJson,
  setpointsJson,
  statusJson,
  twinJson,
} from "./liveJson.js";
import {
  LIVE_PROTOCOL_VERSION,
  type LiveRig,
  type LiveServerMessage,
  SAMPLE_COLUMNS,
} from "./liveMessages.js";

/** One connected viewer, as the stream sees it (a WebSocket in webServer.ts). */
export interface Viewer {
  /** The connection id sent in `hello`. */
  readonly id: string;
  /** Queues a text frame. */
  send(text: string): void;
  /** Bytes queued and not yet written to the network. */
  readonly bufferedBytes: number;
  /** Closes the connection at once (it is too slow). */
  drop(reason: string): void;
}

export interface LiveStreamOptions {
  /** Samples batched per viewer write at most this often [ms]. @default 100 */
  readonly batchMs?: number;
  /** Status, open alarms and loop figures this often [ms]. @default 1000 */
  readonly statusMs?: number;
  /** Samples a batch holds before it is decimated. @default 512 */
  readonly batchCapacity?: number;
  /** Batches kept for a new viewer (its charts start with the recent past). @default 600 (1 min) */
  readonly historyBatches?: number;
  /**
   * Characters the kept batches may hold at most, well under `maxBufferedBytes` so that a new
   * viewer's first burst never gets it dropped (at 100 Hz a minute is about 1 MB). @default 256 KiB
   */
  readonly historyChars?: number;
  /** A viewer with more unsent bytes than this is dropped. @default 1 MiB */
  readonly maxBufferedBytes?: number;
  /** Control is accepted (`--allow-control`), told to viewers in `hello`. */
  readonly control: boolean;
  /** The rig config in force, for `hello`. */
  readonly rigConfig: unknown;
}

/** Digits kept per column (0.001 C, 0.001 L/min, whole duties): the stream's size. */
const COLUMN_DIGITS: readonly number[] = SAMPLE_COLUMNS.map((c) =>
  c.endsWith("_set") || c.endsWith("_duty") ? 0 : 3,
);

function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return "null";
  if (digits === 0) return String(Math.round(v));
  const r = Math.round(v * 1000) / 1000;
  return String(r);
}

export class LiveStream implements SessionObserver {
  private readonly session: LiveSession;
  private readonly opts: LiveStreamOptions;
  private readonly batchMs: number;
  private readonly statusMs: number;
  private readonly capacity: number;
  private readonly maxBuffered: number;
  private readonly historyMax: number;
  private readonly viewers = new Map<string, Viewer>();
  /** One Float64Array per column of SAMPLE_COLUMNS. */
  private readonly cols: Float64Array[];
  private count = 0;
  private stride = 1;
  private skip = 0;
  private readonly history: string[] = [];
  private historyCharsNow = 0;
  private readonly historyCharsMax: number;
  private readonly lastSample: RigSample = createRigSample();
  private readonly lastOut: MonitorOutput = createMonitorOutput();
  private hasSample = false;
  private sp: OperatorSetpoints = { pumpDuty: Number.NaN, heaterDuty: Number.NaN, fanDuty: Number.NaN };
  private overrideText = "";
  private samplesSinceRate = 0;
  private rateSinceMs = performance.now();
  private rateHz = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  /** Viewers dropped for being too slow (health). */
  droppedViewers = 0;
  /** Bytes handed to viewers' sockets (the benchmark's figure). */
  bytesSent = 0;

  constructor(session: LiveSession, options: LiveStreamOptions) {
    this.session = session;
    this.opts = options;
    this.batchMs = options.batchMs ?? 100;
    this.statusMs = options.statusMs ?? 1000;
    this.capacity = options.batchCapacity ?? 512;
    this.maxBuffered = options.maxBufferedBytes ?? 1 << 20;
    this.historyMax = options.historyBatches ?? 600;
    this.historyCharsMax = options.historyChars ?? 256 * 1024;
    this.cols = SAMPLE_COLUMNS.map(() => new Float64Array(this.capacity));
  }

  /** Subscribes to the session and starts the batch and status timers. */
  start(): void {
    this.unsubscribe = this.session.subscribe(this);
    this.timers.push(setInterval(() => this.flush(), this.batchMs));
    this.timers.push(setInterval(() => this.tick(), this.statusMs));
  }

  /** Tells every viewer the session ends (`bye`) and stops; idempotent. */
  stop(reason: string): void {
    if (this.closed) return;
    this.flush();
    this.broadcast({ type: "bye", reason });
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  hasViewer(id: string): boolean {
    return this.viewers.has(id);
  }

  /** A new viewer: `hello`, the recent batches, then the state as it is. */
  addViewer(v: Viewer): void {
    this.viewers.set(v.id, v);
    const rig = this.rigJson();
    this.sendTo(v, {
      type: "hello",
      version: LIVE_PROTOCOL_VERSION,
      connection_id: v.id,
      control: this.opts.control,
      rig,
      bands: bandsJson(this.lastOut),
      columns: SAMPLE_COLUMNS,
      rate_hz: this.rateHz,
    });
    for (const batch of this.history) this.sendText(v, batch);
    this.sendTo(v, setpointsJson(this.sp));
    this.sendTo(v, { type: "faults", active: this.session.activeInjections().map(faultJson) });
    this.sendTo(v, { type: "alarms", open: this.session.openAlarms().map(alarmJson) });
    this.sendTo(v, this.statusMessage());
    this.sendTo(v, this.performanceMessage());
  }

  removeViewer(id: string): void {
    this.viewers.delete(id);
  }

  /** `GET /api/snapshot`: the latest sample, twin, residuals, alarms, loop figures, status. */
  snapshot(): unknown {
    const s = this.session;
    return {
      version: LIVE_PROTOCOL_VERSION,
      sample: this.hasSample ? sampleJson(this.lastSample) : null,
      ...(this.hasSample ? twinJson(this.lastOut) : { twin: null, residuals: null }),
      setpoints: {
        pump_duty: num(this.sp.pumpDuty),
        heater_duty: num(this.sp.heaterDuty),
        fan_duty: num(this.sp.fanDuty),
      },
      open_alarms: s.openAlarms().map(alarmJson),
      performance: performanceJson(s.performance()),
      status: this.statusJsonNow(),
      faults: s.activeInjections().map(faultJson),
      rate_hz: this.rateHz,
    };
  }

  /** `GET /api/health`. */
  health(): unknown {
    const st = this.session.status();
    return {
      status: "ok",
      link: st.state,
      source: st.source,
      rig_time_s: this.session.latestTimeS,
      samples: this.hasSample,
      rate_hz: this.rateHz,
      viewers: this.viewers.size,
      dropped_viewers: this.droppedViewers,
      control: this.opts.control,
      recording: st.recording,
    };
  }

  // ------------------------------------------------------------------ SessionObserver

  sample(s: Readonly<RigSample>, out: Readonly<MonitorOutput>): void {
    this.samplesSinceRate++;
    Object.assign(this.lastSample, s);
    Object.assign(this.lastOut, out);
    this.hasSample = true;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    this.skip = this.stride - 1;
    if (this.count === this.capacity) this.decimate();
    const i = this.count++;
    const c = this.cols;
    const sp = this.sp;
    c[0]![i] = s.tS;
    c[1]![i] = s.tHotC;
    c[2]![i] = s.tColdC;
    c[3]![i] = out.predTHotC;
    c[4]![i] = out.predTColdC;
    c[5]![i] = s.flowLpm;
    c[6]![i] = out.predFlowLpm;
    c[7]![i] = out.resTHotK / out.bandTHotK;
    c[8]![i] = out.resTColdK / out.bandTColdK;
    c[9]![i] = out.resFlowLpm / out.bandFlowLpm;
    c[10]![i] = out.score;
    c[11]![i] = sp.pumpDuty;
    c[12]![i] = sp.heaterDuty;
    c[13]![i] = sp.fanDuty;
    c[14]![i] = s.pumpDuty;
    c[15]![i] = s.heaterDuty;
    c[16]![i] = s.fanDuty;
  }

  alarm(e: AlarmEvent): void {
    this.flush();
    this.broadcast(alarmEventJson(e));
    this.broadcast({ type: "alarms", open: this.session.openAlarms().map(alarmJson) });
  }

  notice(text: string, level: NoticeLevel): void {
    this.broadcast({ type: "notice", text, level });
  }

  override(text: string): void {
    this.overrideText = text;
    this.broadcast(this.statusMessage());
  }

  setpoints(sp: OperatorSetpoints): void {
    this.sp = sp;
    if (this.viewers.size > 0) this.broadcast(setpointsJson(sp));
  }

  label(tS: number, action: "start" | "end", text: string): void {
    this.flush();
    this.broadcast({ type: "label", t_s: tS, action, fault: text });
  }

  injections(list: readonly InjectionInForce[]): void {
    this.broadcast({ type: "faults", active: list.map(faultJson) });
  }

  status(_status: SessionStatus): void {
    this.broadcast(this.statusMessage());
  }

  // ------------------------------------------------------------------ batches

  /** Sends the samples gathered since the last batch (nothing when there are none). */
  flush(): void {
    if (this.count === 0 || this.closed) return;
    const n = this.count;
    let text = `{"type":"samples","decimation":${this.stride},"bands":${JSON.stringify(bandsJson(this.lastOut))},"columns":{`;
    for (let k = 0; k < SAMPLE_COLUMNS.length; k++) {
      const col = this.cols[k]!;
      const digits = COLUMN_DIGITS[k]!;
      const parts = new Array<string>(n);
      for (let i = 0; i < n; i++) parts[i] = fmt(col[i]!, digits);
      text += `${k > 0 ? "," : ""}"${SAMPLE_COLUMNS[k]}":[${parts.join(",")}]`;
    }
    text += "}}";
    this.count = 0;
    this.stride = 1;
    this.skip = 0;
    this.history.push(text);
    this.historyCharsNow += text.length;
    while (
      this.history.length > 1 &&
      (this.history.length > this.historyMax || this.historyCharsNow > this.historyCharsMax)
    )
      this.historyCharsNow -= this.history.shift()!.length;
    for (const v of this.viewers.values()) this.sendText(v, text);
  }

  /** Once a second: the sample rate, status, open alarms, loop figures. */
  tick(): void {
    if (this.closed) return;
    const now = performance.now();
    const dtS = (now - this.rateSinceMs) / 1000;
    if (dtS > 0) this.rateHz = Math.round((this.samplesSinceRate / dtS) * 10) / 10;
    this.samplesSinceRate = 0;
    this.rateSinceMs = now;
    if (this.viewers.size === 0) return;
    this.broadcast(this.statusMessage());
    this.broadcast({ type: "alarms", open: this.session.openAlarms().map(alarmJson) });
    this.broadcast(this.performanceMessage());
  }

  /** A full batch: keep every other sample, and from now on store every other one. */
  private decimate(): void {
    const half = this.count >> 1;
    for (const col of this.cols) for (let i = 0; i < half; i++) col[i] = col[2 * i]!;
    this.count = half;
    this.stride *= 2;
  }

  // ------------------------------------------------------------------ sending

  private rigJson(): LiveRig {
    const st = this.session.status();
    return {
      source: st.source,
      emulator: this.session.isEmulator,
      read_only: this.session.isReadOnly,
      firmware: st.firmware,
      parameters: { ...this.session.tuning.params },
      config: this.opts.rigConfig ?? null,
    };
  }

  private statusJsonNow() {
    return {
      ...statusJson(this.session.status(), this.session.latestTimeS, this.viewers.size, this.overrideText),
      learned: learnedJson(this.session.learnedStatus()),
    };
  }

  private statusMessage(): LiveServerMessage {
    return { type: "status", status: this.statusJsonNow() };
  }

  private performanceMessage(): LiveServerMessage {
    return {
      type: "performance",
      t_s: this.session.latestTimeS,
      figures: performanceJson(this.session.performance()),
    };
  }

  private broadcast(m: LiveServerMessage): void {
    if (this.closed || this.viewers.size === 0) return;
    const text = JSON.stringify(m);
    for (const v of this.viewers.values()) this.sendText(v, text);
  }

  private sendTo(v: Viewer, m: LiveServerMessage): void {
    this.sendText(v, JSON.stringify(m));
  }

  private sendText(v: Viewer, text: string): void {
    if (v.bufferedBytes > this.maxBuffered) {
      this.viewers.delete(v.id);
      this.droppedViewers++;
      v.drop(`too slow: more than ${this.maxBuffered} bytes unsent`);
      return;
    }
    this.bytesSent += text.length;
    v.send(text);
  }
}
