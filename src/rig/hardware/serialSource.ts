/**
 * A rig running this project's firmware (or the emulator) on a serial port: serialport v13
 * (`SerialPortStream` with the OS binding, or any binding passed in, e.g. the in-process
 * emulator's mock), `@serialport/parser-readline` behind a bounding stage for the lines
 * ({@link SerialLines}: at most 160 bytes held, so a device streaming garbage without a newline
 * cannot grow memory), the allocation-free TLM parse, and the host conversion to engineering units.
 *
 * Handshake: a board that resets when the port opens (an Uno on USB) sends HELLO once its
 * bootloader is done, so wait `helloTimeoutMs` for it before sending INFO; a device that does not
 * reset (a pseudo-terminal, a board behind a USB adapter without DTR) is asked with INFO at once.
 * Refuse a different protocol major version. Commands: numbered 1-65535, ACK timeout
 * `ackTimeoutMs`, up to `retries` resends with the same id (the device answers a repeated id again
 * without applying it twice). Heartbeat: PING every `pingIntervalMs`.
 *
 * When the device disappears: RECONNECTING. The port's path is watched ({@link PathWatcher}) and
 * a new node under it is tried at once, as an unplug and replug brings it back; besides that,
 * retries with backoff from `reconnectMinMs` doubling to `reconnectMaxMs`, on the same path, or on
 * another port that answers with the same uid. The unit is the one of the first handshake: another
 * uid on the path is reported once ("unit X is on PATH where Y was expected") and left alone until
 * the path changes, unless `anyUnit` accepts it (the recording then marks the change). Every
 * outage is marked as a gap in the events and the recording. A deliberate close is not an error.
 */

import { SerialPortStream } from "@serialport/stream";
import { createRigSample, type RigSample } from "../../model/rigSample.js";
import {
  DEFAULT_SENSOR_CALIBRATION,
  type SensorCalibration,
  TelemetryConverter,
} from "../../model/telemetryConverter.js";
import { latin1 } from "../../protocol/fieldCursor.js";
import { eventFields, formatCommand } from "../../protocol/format.js";
import type { DeviceMessage, HelloMessage, HostCommand } from "../../protocol/messages.js";
import { parseDeviceBytes, TlmSlot } from "../../protocol/parse.js";
import { StreamStats } from "../../protocol/streamStats.js";
import { isCompatibleVersion, ProtocolVersionError } from "../../protocol/version.js";
import type { RecordSink } from "../recording/recordingWriter.js";
import type { SerialBinding } from "../source/bindingTypes.js";
import {
  AbortedError,
  CommandTimeoutError,
  HandshakeTimeoutError,
  LinkDownError,
  NakError,
  WrongUnitError,
} from "../source/rigErrors.js";
import {
  type LinkState,
  type LinkStats,
  type RigCommand,
  type RigEvent,
  RigEventHub,
  type RigSource,
  type SendOptions,
} from "../source/rigSource.js";
import { type Scheduler, type TimerHandle, wallScheduler } from "../source/scheduler.js";
import { fsPathWatcher, isPseudoTerminal, type PathWatcher } from "./pathWatch.js";
import { SerialLines } from "./serialLines.js";

export interface SerialSourceOptions {
  /** Port path, e.g. `/dev/ttyACM0` or `/tmp/ttyLOOP0`. */
  readonly path: string;
  /** @default 115200 */
  readonly baudRate?: number;
  /** Sensor calibration of the rig. @default DEFAULT_SENSOR_CALIBRATION */
  readonly calibration?: SensorCalibration;
  /** serialport binding. @default the OS binding (`serialport`'s autoDetect) */
  readonly binding?: SerialBinding;
  /** Clock and timers. @default wallScheduler */
  readonly scheduler?: Scheduler;
  /**
   * On a board that resets when the port opens, wait this long for its boot HELLO before sending
   * INFO [ms]. @default 1500
   */
  readonly helloTimeoutMs?: number;
  /**
   * Whether the device resets when the port opens (and sends HELLO by itself after booting).
   * @default true, except on a pseudo-terminal (`/dev/pts/*`, an emulator), which is asked with
   * INFO at once
   */
  readonly resetsOnOpen?: boolean;
  /** Give up the handshake after this long [ms]. @default 5000 */
  readonly handshakeTimeoutMs?: number;
  /** Opening the port may take this long [ms]. @default 3000 */
  readonly openTimeoutMs?: number;
  /** Wait this long for ACK/NAK before resending [ms]. @default 500 */
  readonly ackTimeoutMs?: number;
  /** Resends of an unanswered command, with the same id. @default 3 */
  readonly retries?: number;
  /** PING period [ms]; 0 turns the heartbeat off (the device goes SAFE after 3 s). @default 500 */
  readonly pingIntervalMs?: number;
  /** Telemetry rate to set after every handshake; null keeps the device's. @default null */
  readonly rateHz?: number | null;
  /** Reconnect when the device disappears. @default true */
  readonly reconnect?: boolean;
  /** First retry delay when the path has not changed [ms]. @default 500 */
  readonly reconnectMinMs?: number;
  /** Longest retry delay when the path has not changed [ms]. @default 5000 */
  readonly reconnectMaxMs?: number;
  /**
   * Watches the port's path so that a device coming back is tried at once; null retries on the
   * backoff only. @default an fs watcher on `path` with the OS binding, null with a binding passed in
   */
  readonly pathWatcher?: PathWatcher | null;
  /**
   * Accept another unit (uid) on the path after a reconnect: a bench where boards are swapped. The
   * recording marks the change. @default false (another unit is reported and not talked to)
   */
  readonly anyUnit?: boolean;
  /**
   * Other ports to try for the same unit (uid) when the path is gone. @default none
   * (the CLI passes the USB and emulator ports from `listPorts`).
   */
  readonly candidatePaths?: () => Promise<readonly string[]>;
  /** Where to record raw lines, samples, commands, events, link changes and gaps. */
  readonly record?: RecordSink;
  /** Record every raw line as well. @default true */
  readonly recordRaw?: boolean;
}

interface Pending {
  readonly id: number;
  readonly line: string;
  readonly what: string;
  readonly firstAtMs: number;
  readonly retries: number;
  attempts: number;
  timer: TimerHandle | null;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly cleanup: () => void;
}

const NL = Buffer.from("\n");

type HeldRecord = Parameters<RecordSink["write"]>[0];
/** Records held during one handshake: its HELLO, INFO and a few stale lines fit. */
const MAX_HELD_RECORDS = 64;

export class SerialSource implements RigSource {
  readonly kind = "serial";
  private readonly opts: Required<
    Omit<
      SerialSourceOptions,
      "binding" | "record" | "candidatePaths" | "calibration" | "pathWatcher" | "resetsOnOpen"
    >
  >;
  private readonly resetsOnOpen: boolean | undefined;
  private readonly pathWatcher: PathWatcher | null;
  private readonly binding: SerialBinding | undefined;
  private readonly scheduler: Scheduler;
  private readonly record: RecordSink | undefined;
  private readonly candidatePaths: (() => Promise<readonly string[]>) | undefined;
  private readonly hub = new RigEventHub();
  private readonly streamStats = new StreamStats();
  private readonly slot = new TlmSlot();
  private readonly converter: TelemetryConverter;
  private readonly sample: RigSample = createRigSample();
  /** The one sample event, reused (subscribers copy what they keep). */
  private readonly sampleEvent: RigEvent = { kind: "sample", sample: this.sample };
  /** The line stream of the port now open (a new one per connection). */
  private lines: SerialLines;

  private port: SerialPortStream | null = null;
  private currentPath: string;
  private linkState: LinkState = "DISCONNECTED";
  private helloMsg: HelloMessage | null = null;
  private handshakeDone = false;
  private helloWaiter: ((h: HelloMessage) => void) | null = null;
  private closing = false;
  private reconnectAbort: AbortController | null = null;
  /** A connect (open + handshake) is running: a port that closes now fails it, not the link. */
  private connecting = false;
  /** Fails the running handshake (the port closed under it). */
  private handshakeFail: ((e: Error) => void) | null = null;
  /** The unit this source records: the uid of the first handshake (or the accepted new one). */
  private expectedUid: string | null = null;
  /** The last wrong unit reported (path and uid), so that it is said once. */
  private reportedWrongUnit = "";
  /** The next sample comes from another unit (accepted with `anyUnit`). */
  private unitChanged = false;
  /** Records of the handshake in progress, written once the unit is accepted. */
  private heldRecords: HeldRecord[] = [];
  private pingTimer: TimerHandle | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  // Continuity of samples.
  private hasLastSample = false;
  private lastSeq = 0;
  private lastTS = 0;
  private lastSampleHostMs = 0;
  /** Rig-time correction after an outage the device's clock does not cover (it rebooted). */
  private tOffsetS = 0;
  private outage: { fromTS: number; hostMs: number } | null = null;
  private rebootPending = false;

  private counters = {
    bytesIn: 0,
    bytesOut: 0,
    sent: 0,
    retries: 0,
    acks: 0,
    naks: 0,
    timeouts: 0,
    stray: 0,
    reconnects: 0,
    gaps: 0,
    samples: 0,
  };

  constructor(options: SerialSourceOptions) {
    this.opts = {
      path: options.path,
      baudRate: options.baudRate ?? 115_200,
      scheduler: options.scheduler ?? wallScheduler,
      helloTimeoutMs: options.helloTimeoutMs ?? 1500,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
      openTimeoutMs: options.openTimeoutMs ?? 3000,
      ackTimeoutMs: options.ackTimeoutMs ?? 500,
      retries: options.retries ?? 3,
      pingIntervalMs: options.pingIntervalMs ?? 500,
      rateHz: options.rateHz ?? null,
      reconnect: options.reconnect ?? true,
      reconnectMinMs: options.reconnectMinMs ?? 500,
      reconnectMaxMs: options.reconnectMaxMs ?? 5000,
      anyUnit: options.anyUnit ?? false,
      recordRaw: options.recordRaw ?? true,
    };
    this.resetsOnOpen = options.resetsOnOpen;
    this.pathWatcher =
      options.pathWatcher !== undefined
        ? options.pathWatcher
        : options.binding === undefined
          ? fsPathWatcher(options.path)
          : null;
    if (this.opts.pingIntervalMs > 1000) {
      throw new RangeError(`pingIntervalMs must be <= 1000 (the device needs a PING at least every second)`);
    }
    this.binding = options.binding;
    this.scheduler = this.opts.scheduler;
    this.record = options.record;
    this.candidatePaths = options.candidatePaths;
    this.currentPath = options.path;
    this.converter = new TelemetryConverter(options.calibration ?? DEFAULT_SENSOR_CALIBRATION);
    this.lines = this.newLineStream();
  }

  get state(): LinkState {
    return this.linkState;
  }

  get hello(): HelloMessage | null {
    return this.helloMsg;
  }

  /** Opens the port and completes the handshake. */
  async open(signal?: AbortSignal): Promise<void> {
    if (this.port !== null || this.linkState === "CONNECTED") return;
    this.closing = false;
    this.hub.reopen();
    this.expectedUid = null;
    await this.connect(this.opts.path, signal);
    this.setState("CONNECTED", "opened");
  }

  async close(): Promise<void> {
    if (this.closing && this.port === null) return;
    this.closing = true;
    this.reconnectAbort?.abort();
    this.reconnectAbort = null;
    this.stopPing();
    this.rejectAllPending("close");
    await this.closePort();
    if (this.linkState !== "DISCONNECTED") this.setState("DISCONNECTED", "closed");
    this.hub.close();
  }

  events(options?: { readonly capacity?: number }): AsyncIterable<RigEvent> {
    return this.hub.iterable(options?.capacity);
  }

  subscribe(listener: (e: RigEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  send(command: RigCommand, options: SendOptions = {}): Promise<void> {
    if (this.linkState !== "CONNECTED" || this.port === null) {
      return Promise.reject(new LinkDownError(`send ${command.type}`, this.linkState));
    }
    return this.sendNow(command, this.opts.retries, options.signal);
  }

  stats(): LinkStats {
    const c = this.counters;
    return {
      state: this.linkState,
      path: this.currentPath,
      uid: this.helloMsg?.uid ?? null,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      stream: this.streamStats.summary(),
      commands: {
        sent: c.sent,
        retries: c.retries,
        acks: c.acks,
        naks: c.naks,
        timeouts: c.timeouts,
        stray: c.stray,
      },
      reconnects: c.reconnects,
      gaps: c.gaps,
      samples: c.samples,
      droppedEvents: this.hub.dropped,
    };
  }

  // ------------------------------------------------------------------ connection

  /**
   * Opens `path`, handshakes; on any failure (the port closing under it included) closes the port
   * again and throws. Returns the uid it replaced when `anyUnit` accepted another unit, else null.
   */
  private async connect(path: string, signal: AbortSignal | undefined): Promise<string | null> {
    this.connecting = true;
    try {
      const resets = this.resetsOnOpen ?? (this.binding !== undefined || !isPseudoTerminal(path));
      const port = await this.openPort(path, signal);
      this.port = port;
      this.currentPath = path;
      this.handshakeDone = false;
      this.lines.end();
      this.lines = this.newLineStream();
      try {
        const hello = await this.handshake(path, resets ? this.opts.helloTimeoutMs : 0, signal);
        if (!isCompatibleVersion(hello)) throw new ProtocolVersionError(hello);
        const expected = this.expectedUid;
        const replaced =
          expected !== null && hello.uid.toUpperCase() !== expected.toUpperCase() ? expected : null;
        if (replaced !== null && !this.opts.anyUnit) throw new WrongUnitError(path, hello.uid, replaced);
        this.expectedUid = hello.uid;
        this.helloMsg = hello;
        this.handshakeDone = true;
        this.releaseHeld(this.record ?? null);
        if (replaced !== null) this.acceptNewUnit();
        this.recordWrite({ type: "hello", atMs: this.atMs(), hello: helloRecord(hello) });
        this.hub.emit({ kind: "hello", hello, reboot: false });
        this.startPing();
        if (this.opts.rateHz !== null) {
          await this.sendNow({ type: "RATE", rateHz: this.opts.rateHz }, this.opts.retries, signal);
        }
        return replaced;
      } catch (e) {
        this.stopPing();
        this.handshakeDone = false;
        this.rejectAllPending("handshake failed");
        this.releaseHeld(null);
        await this.closePort();
        throw e;
      }
    } finally {
      this.connecting = false;
    }
  }

  /** Another unit took the rig's place (`anyUnit`): its clock, seq and pulse count are unrelated. */
  private acceptNewUnit(): void {
    this.converter.markReboot();
    this.unitChanged = true;
  }

  /** Creates the port object (loading the OS binding on first use: not part of the open timeout). */
  private async createPort(path: string): Promise<SerialPortStream> {
    if (this.binding !== undefined) {
      return new SerialPortStream({
        binding: this.binding,
        path,
        baudRate: this.opts.baudRate,
        autoOpen: false,
      });
    }
    const { SerialPort } = await import("serialport");
    return new SerialPort({ path, baudRate: this.opts.baudRate, autoOpen: false });
  }

  private async openPort(path: string, signal?: AbortSignal): Promise<SerialPortStream> {
    const port = await this.createPort(path);
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = this.scheduler.setTimer(() => {
        if (settled) return;
        settled = true;
        reject(
          new LinkDownError(`open ${path}: no answer within ${this.opts.openTimeoutMs} ms`, this.linkState),
        );
      }, this.opts.openTimeoutMs);
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        this.scheduler.clearTimer(timer);
        reject(new AbortedError(`open ${path}`, { cause: signal?.reason }));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      port.on("data", (chunk: Buffer) => this.onData(port, chunk));
      port.on("close", (err: unknown) => this.onPortClose(port, err));
      port.on("error", () => {
        // Errors of an open port end in 'close' with a disconnect error; nothing more to do.
      });
      port.open((err) => {
        signal?.removeEventListener("abort", onAbort);
        if (settled) {
          if (!err) port.close();
          return;
        }
        settled = true;
        this.scheduler.clearTimer(timer);
        if (err) reject(new LinkDownError(`open ${path}: ${err.message}`, this.linkState, { cause: err }));
        else resolve(port);
      });
    });
  }

  /** Waits for HELLO; sends INFO after `infoAfterMs` (0: at once). */
  private handshake(path: string, infoAfterMs: number, signal?: AbortSignal): Promise<HelloMessage> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void): void => {
        if (done) return;
        done = true;
        this.helloWaiter = null;
        this.handshakeFail = null;
        this.scheduler.clearTimer(infoTimer);
        this.scheduler.clearTimer(giveUp);
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = (): void => finish(() => reject(new AbortedError(`handshake on ${path}`)));
      this.helloWaiter = (h) => finish(() => resolve(h));
      this.handshakeFail = (e) => finish(() => reject(e));
      // A device that did not reset on open (or a missed HELLO): ask for it, with a new INFO every
      // ACK timeout, not a resend: a device answers a repeated id without applying it again, so
      // a HELLO lost to a corrupted byte would never come back.
      const ask = (): void => {
        infoTimer = this.scheduler.setTimer(ask, this.opts.ackTimeoutMs);
        this.sendNow({ type: "INFO" }, 0, signal).catch(() => {
          // The give-up timer reports the failure.
        });
      };
      let infoTimer = this.scheduler.setTimer(ask, infoAfterMs);
      const giveUp = this.scheduler.setTimer(
        () => finish(() => reject(new HandshakeTimeoutError(path, this.opts.handshakeTimeoutMs))),
        this.opts.handshakeTimeoutMs,
      );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port === null || !port.isOpen) return;
    await new Promise<void>((resolve) => {
      port.close(() => resolve());
    });
  }

  private onPortClose(port: SerialPortStream, err: unknown): void {
    if (port !== this.port) return; // a port we closed ourselves, or an old one
    this.port = null;
    if (this.closing) return;
    const reason = err instanceof Error ? err.message : "port closed";
    if (this.connecting) {
      // Gone during the handshake: that connect fails; whoever called it (open, the reconnect
      // loop) carries on. Starting another loop here would run two.
      this.rejectAllPending(`port closed (${reason})`);
      this.handshakeFail?.(
        new LinkDownError(
          `${this.currentPath}: port closed during the handshake (${reason})`,
          this.linkState,
        ),
      );
      return;
    }
    this.lostLink(reason);
  }

  private lostLink(reason: string): void {
    this.stopPing();
    this.handshakeDone = false;
    this.rejectAllPending(`link lost (${reason})`);
    if (this.hasLastSample) this.outage = { fromTS: this.lastTS, hostMs: this.lastSampleHostMs };
    if (!this.opts.reconnect) {
      this.setState("DISCONNECTED", reason);
      this.hub.close();
      return;
    }
    this.setState("RECONNECTING", reason);
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    if (this.reconnectAbort !== null) return; // one loop at a time
    const abort = new AbortController();
    this.reconnectAbort = abort;
    const signal = abort.signal;
    const watcher = this.pathWatcher;
    let delay = this.opts.reconnectMinMs;
    /** Identity of the path at the last failed attempt on it: not tried again until it changes. */
    let failedIdentity: string | null = null;
    /** Identity of the path while another unit is on it: not opened again (a board resets). */
    let wrongUnitIdentity: string | null = null;
    try {
      while (!signal.aborted) {
        const identity = watcher === null ? null : watcher.identity();
        const fresh = identity !== null && identity !== failedIdentity && identity !== wrongUnitIdentity;
        if (!fresh) {
          const woke = await this.waitForPath(identity, delay, signal);
          if (woke === "path") continue;
          delay = Math.min(delay * 2, this.opts.reconnectMaxMs);
        }
        const skipMain = identity !== null && identity === wrongUnitIdentity;
        for (const p of fresh ? [this.opts.path] : await this.reconnectPaths(skipMain)) {
          if (signal.aborted) return;
          try {
            const replaced = await this.connect(p, signal);
            if (signal.aborted || this.closing) {
              await this.closePort();
              return;
            }
            this.counters.reconnects++;
            this.reportedWrongUnit = "";
            const where = p === this.opts.path ? "reconnected" : `reconnected on ${p}`;
            this.setState(
              "CONNECTED",
              replaced === null ? where : `${where}: unit ${this.expectedUid} replaces ${replaced}`,
            );
            return;
          } catch (e) {
            if (e instanceof WrongUnitError && p === this.opts.path) {
              // On the rig's own path: say so. On another candidate port: just not this rig.
              wrongUnitIdentity = identity;
              this.reportWrongUnit(e);
            }
            // Otherwise not there (yet): the next path, then wait for a change or the backoff.
          }
        }
        failedIdentity = identity;
      }
    } catch (e) {
      if (!(e instanceof AbortedError)) throw e;
    } finally {
      if (this.reconnectAbort === abort) this.reconnectAbort = null;
    }
  }

  /** The paths to try on a backoff retry: the port's, the last one used, other candidates. */
  private async reconnectPaths(skipMain: boolean): Promise<string[]> {
    const paths = skipMain ? [] : [this.opts.path];
    if (this.currentPath !== this.opts.path) paths.push(this.currentPath);
    if (this.expectedUid !== null && this.candidatePaths !== undefined) {
      try {
        for (const p of await this.candidatePaths())
          if (p !== this.opts.path && !paths.includes(p)) paths.push(p);
      } catch {
        // Listing failed: try the known paths only.
      }
    }
    return paths;
  }

  /** Resolves "path" when the path changes from `since`, "timer" after `delayMs`; rejects on abort. */
  private waitForPath(since: string | null, delayMs: number, signal: AbortSignal): Promise<"path" | "timer"> {
    return new Promise((resolve, reject) => {
      let stopWatching = (): void => {};
      const finish = (woke: "path" | "timer" | null): void => {
        this.scheduler.clearTimer(timer);
        stopWatching();
        signal.removeEventListener("abort", onAbort);
        if (woke === null) reject(new AbortedError("reconnect"));
        else resolve(woke);
      };
      const onAbort = (): void => finish(null);
      const timer = this.scheduler.setTimer(() => finish("timer"), delayMs);
      if (signal.aborted) {
        finish(null);
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      if (this.pathWatcher !== null) stopWatching = this.pathWatcher.watch(since, () => finish("path"));
    });
  }

  /** Says once (per path and uid) that another unit is where this rig's was. */
  private reportWrongUnit(e: WrongUnitError): void {
    const key = `${e.path}\u0000${e.foundUid}`;
    if (key === this.reportedWrongUnit) return;
    this.reportedWrongUnit = key;
    this.setState("RECONNECTING", e.message);
  }

  private setState(state: LinkState, reason: string): void {
    this.linkState = state;
    this.recordWrite({ type: "link", atMs: this.atMs(), state, reason });
    this.hub.emit({ kind: "link", state, reason });
  }

  // ------------------------------------------------------------------ receiving

  private onData(port: SerialPortStream, chunk: Buffer): void {
    if (port !== this.port) return;
    this.counters.bytesIn += chunk.length;
    this.lines.write(chunk);
  }

  private newLineStream(): SerialLines {
    return new SerialLines({
      onLine: (b, s, e) => this.onLine(b, s, e),
      onOverflow: (n) => {
        this.streamStats.observeError({ kind: "too_long", lengthBytes: n });
      },
    });
  }

  private onLine(bytes: Uint8Array, start: number, end: number): void {
    if (this.record !== undefined && this.opts.recordRaw) {
      this.recordWrite({ type: "raw", atMs: this.record.atMs(), dir: "rx", line: latin1(bytes, start, end) });
    }
    const r = parseDeviceBytes(bytes, start, end, this.slot);
    if (!r.ok) {
      this.streamStats.observeError(r.error);
      return;
    }
    const m = r.value;
    if (m.type === "TLM") {
      this.streamStats.observeTlm(m.seq, m.tMs, m.pulses, m.extra === undefined ? 0 : m.extra.length);
      if (this.handshakeDone) this.onTelemetry();
      return;
    }
    this.streamStats.observe(r);
    this.onMessage(m);
  }

  private onMessage(m: Exclude<DeviceMessage, { type: "TLM" }>): void {
    switch (m.type) {
      case "HELLO":
        if (this.helloWaiter !== null) {
          this.helloWaiter(m);
          return;
        }
        if (this.handshakeDone) {
          if (!isCompatibleVersion(m)) {
            // A different firmware came up behind the same port: stop talking to it.
            this.rejectAllPending("protocol version changed");
            void this.closePort().then(() => this.lostLink(new ProtocolVersionError(m).message));
            return;
          }
          this.helloMsg = m;
          this.recordWrite({ type: "hello", atMs: this.atMs(), hello: helloRecord(m) });
          this.hub.emit({ kind: "hello", hello: m, reboot: false });
        }
        return;
      case "ACK":
      case "NAK":
        this.onAnswer(m.id, m.type === "NAK" ? m.reason : null);
        return;
      case "EVT": {
        const e = m.event;
        const [code, detail] = eventFields(e);
        this.recordWrite({ type: "event", atMs: this.atMs(), code, detail });
        // Before the handshake (stale output of a device that ran alone) only the recording sees it.
        if (!this.handshakeDone) return;
        if (e.code === "BOOT") this.onReboot();
        this.hub.emit({ kind: "device_event", event: e });
        return;
      }
    }
  }

  private onReboot(): void {
    this.converter.markReboot();
    this.rebootPending = this.hasLastSample;
    this.hasLastSample = false;
    if (this.helloMsg !== null) this.hub.emit({ kind: "hello", hello: this.helloMsg, reboot: true });
    // The device forgot its rate (and its duties: the owner of the setpoints re-sends them).
    if (this.opts.rateHz !== null && this.linkState === "CONNECTED") {
      this.sendNow({ type: "RATE", rateHz: this.opts.rateHz }, this.opts.retries).catch(() => {});
    }
  }

  private onTelemetry(): void {
    const s = this.converter.convert(this.slot, this.sample);
    const hostMs = this.scheduler.nowMs();
    s.tS += this.tOffsetS;
    let gapReason: "disconnect" | "seq" | "reboot" | null = null;
    let lost = 0;
    let fromTS = this.lastTS;
    if (this.outage !== null) {
      // The device's clock may not cover the outage (it rebooted): rig time follows the host's.
      const expected = this.outage.fromTS + (hostMs - this.outage.hostMs) / 1000;
      if (s.tS < expected - 0.5 || this.unitChanged) {
        this.tOffsetS += expected - s.tS;
        s.tS = expected;
      }
      fromTS = this.outage.fromTS;
      gapReason = "disconnect";
      if (this.hasLastSample && !this.unitChanged) {
        // A seq that went back means the device rebooted during the outage: the count is unknown.
        const d = (s.seq - this.lastSeq + 4294967296) % 4294967296;
        lost = d > 1 && d < 2147483648 ? d - 1 : 0;
      }
      this.outage = null;
      this.rebootPending = false;
      this.unitChanged = false;
    } else if (this.rebootPending) {
      gapReason = "reboot";
      this.rebootPending = false;
    } else if (this.hasLastSample) {
      const d = (s.seq - this.lastSeq + 4294967296) % 4294967296;
      if (d > 1 && d < 2147483648) {
        gapReason = "seq";
        lost = d - 1;
      }
    }
    if (gapReason !== null) {
      this.counters.gaps++;
      this.recordWrite({
        type: "gap",
        atMs: this.atMs(),
        reason: gapReason,
        fromTS,
        toTS: s.tS,
        lostSamples: lost,
      });
      this.hub.emit({ kind: "gap", reason: gapReason, fromTS, toTS: s.tS, lostSamples: lost });
    }
    this.hasLastSample = true;
    this.lastSeq = s.seq;
    this.lastTS = s.tS;
    this.lastSampleHostMs = hostMs;
    this.counters.samples++;
    if (this.record !== undefined) this.record.write({ type: "sample", atMs: this.record.atMs(), sample: s });
    this.hub.emit(this.sampleEvent);
  }

  // ------------------------------------------------------------------ commands

  private allocateId(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
    throw new RangeError("65535 commands in flight");
  }

  private sendNow(command: RigCommand, retries: number, signal?: AbortSignal): Promise<void> {
    const id = this.allocateId();
    const full = { ...command, id } as HostCommand;
    const line = formatCommand(full);
    const what = line.slice(0, line.indexOf("*"));
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError(what));
        return;
      }
      const onAbort = (): void => {
        const p = this.pending.get(id);
        if (p === undefined) return;
        this.settle(p);
        this.recordAnswer(p, "cancelled");
        reject(new AbortedError(what, { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const p: Pending = {
        id,
        line,
        what,
        firstAtMs: this.scheduler.nowMs(),
        retries,
        attempts: 0,
        timer: null,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      this.pending.set(id, p);
      this.transmit(p);
    });
  }

  private transmit(p: Pending): void {
    p.attempts++;
    if (p.attempts > 1) this.counters.retries++;
    else this.counters.sent++;
    const port = this.port;
    if (port?.isOpen) {
      const buf = Buffer.concat([Buffer.from(p.line, "latin1"), NL]);
      this.counters.bytesOut += buf.length;
      port.write(buf);
    }
    if (this.record !== undefined) {
      const atMs = this.record.atMs();
      if (this.opts.recordRaw) this.recordWrite({ type: "raw", atMs, dir: "tx", line: p.line });
      this.recordWrite({ type: "command", atMs, id: p.id, line: p.line, attempt: p.attempts });
    }
    p.timer = this.scheduler.setTimer(() => this.onAckTimeout(p), this.opts.ackTimeoutMs);
  }

  private onAckTimeout(p: Pending): void {
    p.timer = null;
    if (this.pending.get(p.id) !== p) return;
    if (p.attempts <= p.retries) {
      this.transmit(p);
      return;
    }
    this.counters.timeouts++;
    this.settle(p);
    this.recordAnswer(p, "timeout");
    p.reject(new CommandTimeoutError(p.id, p.what, p.attempts, this.opts.ackTimeoutMs));
  }

  private onAnswer(id: number, nakReason: string | null): void {
    const p = this.pending.get(id);
    if (p === undefined) {
      this.counters.stray++;
      return;
    }
    this.settle(p);
    if (nakReason === null) {
      this.counters.acks++;
      this.recordAnswer(p, "ack");
      p.resolve();
    } else {
      this.counters.naks++;
      this.recordAnswer(p, "nak", nakReason);
      p.reject(new NakError(id, nakReason, p.what));
    }
  }

  private settle(p: Pending): void {
    this.pending.delete(p.id);
    if (p.timer !== null) this.scheduler.clearTimer(p.timer);
    p.timer = null;
    p.cleanup();
  }

  private recordAnswer(p: Pending, result: "ack" | "nak" | "timeout" | "cancelled", reason?: string): void {
    if (this.record === undefined) return;
    const rttMs = this.scheduler.nowMs() - p.firstAtMs;
    this.recordWrite(
      reason === undefined
        ? { type: "answer", atMs: this.record.atMs(), id: p.id, result, rttMs }
        : { type: "answer", atMs: this.record.atMs(), id: p.id, result, reason, rttMs },
    );
  }

  private rejectAllPending(why: string): void {
    for (const p of [...this.pending.values()]) {
      this.settle(p);
      this.recordAnswer(p, "cancelled", why);
      p.reject(new LinkDownError(`${p.what} (${why})`, this.linkState));
    }
  }

  private startPing(): void {
    this.stopPing();
    if (this.opts.pingIntervalMs <= 0) return;
    const tick = (): void => {
      this.pingTimer = this.scheduler.setTimer(tick, this.opts.pingIntervalMs);
      // One attempt: the next PING follows soon anyway.
      this.sendNow({ type: "PING" }, 0).catch(() => {});
    };
    this.pingTimer = this.scheduler.setTimer(tick, this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) this.scheduler.clearTimer(this.pingTimer);
    this.pingTimer = null;
  }

  private atMs(): number {
    return this.record?.atMs() ?? 0;
  }

  /**
   * Records `r`; during a handshake holds it instead (at most {@link MAX_HELD_RECORDS}), until the
   * unit is known to be this rig's: another unit's lines stay out of the recording.
   */
  private recordWrite(r: HeldRecord): void {
    if (this.record === undefined) return;
    if (this.connecting && !this.handshakeDone) {
      if (this.heldRecords.length >= MAX_HELD_RECORDS) this.heldRecords.shift();
      this.heldRecords.push(r);
      return;
    }
    this.record.write(r);
  }

  /** Writes the records held during the handshake (accepted) or forgets them (refused: null). */
  private releaseHeld(sink: RecordSink | null): void {
    const held = this.heldRecords;
    this.heldRecords = [];
    if (sink !== null) for (const r of held) sink.write(r);
  }
}

function helloRecord(h: HelloMessage) {
  return {
    major: h.major,
    minor: h.minor,
    fwName: h.fwName,
    fwVersion: h.fwVersion,
    board: h.board,
    uid: h.uid,
  };
}
