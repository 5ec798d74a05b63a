/**
 * A rig running this project's firmware (or the emulator) on a serial port: serialport v13
 * (serialPortOpen.ts), `@serialport/parser-readline` behind a bounding stage for the lines
 * ({@link SerialLines}: at most 160 bytes held, so a device streaming garbage without a newline
 * cannot grow memory), the allocation-free TLM parse, and the host conversion to engineering units.
 *
 * Handshake: a board that resets when the port opens (an Uno on USB) sends HELLO once its
 * bootloader is done, so wait `helloTimeoutMs` for it before sending INFO; a device that does not
 * reset (a pseudo-terminal, a board behind a USB adapter without DTR) is asked with INFO at once.
 * Refuse a different protocol major version. Commands, answers and the heartbeat are the
 * {@link HostConversation} (src/rig/source/hostConversation.ts, the Web Serial page's too).
 *
 * When the device disappears: RECONNECTING, and the {@link Reconnector} brings it back (the path
 * watched, a backoff, other ports with the same uid). The unit is the one of the first handshake
 * ({@link UnitIdentity}): another uid on the path is reported once and left alone unless
 * `anyUnit` accepts it. Every outage is marked as a gap in the events and the recording
 * ({@link SampleContinuity}). A deliberate close is not an error.
 */

import type { SerialPortStream } from "@serialport/stream";
import { createRigSample, type RigSample } from "../../model/rigSample.js";
import {
  DEFAULT_SENSOR_CALIBRATION,
  type SensorCalibration,
  TelemetryConverter,
} from "../../model/telemetryConverter.js";
import { latin1 } from "../../protocol/fieldCursor.js";
import { eventFields } from "../../protocol/format.js";
import type { DeviceMessage, HelloMessage } from "../../protocol/messages.js";
import { parseDeviceBytes, TlmSlot } from "../../protocol/parse.js";
import { StreamStats } from "../../protocol/streamStats.js";
import { isCompatibleVersion, ProtocolVersionError } from "../../protocol/version.js";
import { recordedHello } from "../recording/recording.js";
import type { RecordSink } from "../recording/recordingWriter.js";
import type { SerialBinding } from "../source/bindingTypes.js";
import { HostConversation } from "../source/hostConversation.js";
import { LinkDownError } from "../source/rigErrors.js";
import {
  type LinkState,
  type LinkStats,
  type RigCommand,
  type RigEvent,
  RigEventHub,
  type RigSource,
  type SendOptions,
} from "../source/rigSource.js";
import { type Scheduler, wallScheduler } from "../source/scheduler.js";
import { fsPathWatcher, isPseudoTerminal, type PathWatcher } from "./pathWatch.js";
import { Reconnector } from "./reconnector.js";
import { SampleContinuity } from "./sampleContinuity.js";
import { SerialLines } from "./serialLines.js";
import { closeSerialPort, openSerialPort, type SerialPortOpenOptions } from "./serialPortOpen.js";
import { HeldRecords, UnitIdentity } from "./unitIdentity.js";

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

const NL = Buffer.from("\n");

type ResolvedOptions = Required<
  Omit<
    SerialSourceOptions,
    "binding" | "record" | "candidatePaths" | "calibration" | "pathWatcher" | "resetsOnOpen"
  >
>;

export class SerialSource implements RigSource {
  readonly kind = "serial";
  private readonly opts: ResolvedOptions;
  private readonly resetsOnOpen: boolean | undefined;
  private readonly binding: SerialBinding | undefined;
  private readonly scheduler: Scheduler;
  private readonly record: RecordSink | undefined;
  private readonly portOptions: SerialPortOpenOptions;
  private readonly hub = new RigEventHub();
  private readonly streamStats = new StreamStats();
  private readonly slot = new TlmSlot();
  private readonly converter: TelemetryConverter;
  private readonly sample: RigSample = createRigSample();
  /** The one sample event, reused (subscribers copy what they keep). */
  private readonly sampleEvent: RigEvent = { kind: "sample", sample: this.sample };
  private readonly conversation: HostConversation;
  private readonly reconnector: Reconnector;
  private readonly unit: UnitIdentity;
  /** Records of the handshake in progress, written once the unit is accepted. */
  private readonly held = new HeldRecords();
  private readonly continuity = new SampleContinuity();
  /** The line stream of the port now open (a new one per connection). */
  private lines: SerialLines;

  private port: SerialPortStream | null = null;
  private currentPath: string;
  private linkState: LinkState = "DISCONNECTED";
  private helloMsg: HelloMessage | null = null;
  private handshakeDone = false;
  private closing = false;
  /** A connect (open + handshake) is running: a port that closes now fails it, not the link. */
  private connecting = false;

  private counters = { bytesIn: 0, bytesOut: 0, reconnects: 0, gaps: 0, samples: 0 };

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
    const pathWatcher =
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
    this.currentPath = options.path;
    this.converter = new TelemetryConverter(options.calibration ?? DEFAULT_SENSOR_CALIBRATION);
    this.lines = this.newLineStream();
    this.unit = new UnitIdentity(this.opts.anyUnit);
    this.portOptions = {
      binding: options.binding,
      baudRate: this.opts.baudRate,
      openTimeoutMs: this.opts.openTimeoutMs,
      scheduler: this.scheduler,
      linkState: () => this.linkState,
    };
    this.conversation = new HostConversation(
      {
        scheduler: this.scheduler,
        write: (line) => this.writeLine(line),
        ackTimeoutMs: this.opts.ackTimeoutMs,
        retries: this.opts.retries,
        pingIntervalMs: this.opts.pingIntervalMs,
      },
      {
        onTransmit: (id, line, attempt) => this.recordCommand(id, line, attempt),
        onSettled: (id, result, rttMs, reason) => {
          if (this.record === undefined) return;
          const atMs = this.record.atMs();
          this.recordWrite(
            reason === undefined
              ? { type: "answer", atMs, id, result, rttMs }
              : { type: "answer", atMs, id, result, reason, rttMs },
          );
        },
      },
    );
    this.reconnector = new Reconnector(
      {
        path: options.path,
        pathWatcher,
        scheduler: this.scheduler,
        minMs: this.opts.reconnectMinMs,
        maxMs: this.opts.reconnectMaxMs,
        candidatePaths: options.candidatePaths,
      },
      {
        connect: (path, signal) => this.connect(path, signal),
        reconnected: (path, replaced, signal) => this.reconnected(path, replaced, signal),
        wrongUnit: (e) => {
          if (this.unit.firstReport(e)) this.setState("RECONNECTING", e.message);
        },
        currentPath: () => this.currentPath,
        unitKnown: () => this.unit.expected !== null,
      },
    );
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
    this.unit.forget();
    await this.connect(this.opts.path, signal);
    this.setState("CONNECTED", "opened");
  }

  async close(): Promise<void> {
    if (this.closing && this.port === null) return;
    this.closing = true;
    this.reconnector.stop();
    this.conversation.stopHeartbeat();
    this.cancelPending("close");
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
    return this.conversation.send(command, options.signal);
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
      commands: { ...this.conversation.counts },
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
      const port = await openSerialPort(
        path,
        this.portOptions,
        { onData: (p, chunk) => this.onData(p, chunk), onClose: (p, err) => this.onPortClose(p, err) },
        signal,
      );
      this.port = port;
      this.currentPath = path;
      this.handshakeDone = false;
      this.lines.end();
      this.lines = this.newLineStream();
      try {
        const hello = await this.conversation.awaitHello(
          path,
          resets ? this.opts.helloTimeoutMs : 0,
          this.opts.handshakeTimeoutMs,
          signal,
        );
        if (!isCompatibleVersion(hello)) throw new ProtocolVersionError(hello);
        const replaced = this.unit.admit(path, hello);
        this.helloMsg = hello;
        this.handshakeDone = true;
        this.held.release(this.record ?? null);
        if (replaced !== null) {
          // Another unit took the rig's place: its clock, seq and pulse count are unrelated.
          this.converter.markReboot();
          this.continuity.unitReplaced();
        }
        this.recordWrite({ type: "hello", atMs: this.atMs(), hello: recordedHello(hello) });
        this.hub.emit({ kind: "hello", hello, reboot: false });
        this.conversation.startHeartbeat();
        if (this.opts.rateHz !== null) {
          await this.conversation.send({ type: "RATE", rateHz: this.opts.rateHz }, signal);
        }
        return replaced;
      } catch (e) {
        this.conversation.stopHeartbeat();
        this.handshakeDone = false;
        this.cancelPending("handshake failed");
        this.held.release(null);
        await this.closePort();
        throw e;
      }
    } finally {
      this.connecting = false;
    }
  }

  /** The reconnect loop's connect succeeded: the link is back, unless the source closed meanwhile. */
  private async reconnected(path: string, replaced: string | null, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closing) {
      await this.closePort();
      return;
    }
    this.counters.reconnects++;
    this.unit.clearReported();
    const where = path === this.opts.path ? "reconnected" : `reconnected on ${path}`;
    this.setState(
      "CONNECTED",
      replaced === null ? where : `${where}: unit ${this.unit.expected} replaces ${replaced}`,
    );
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    await closeSerialPort(port);
  }

  private onPortClose(port: SerialPortStream, err: unknown): void {
    if (port !== this.port) return; // a port we closed ourselves, or an old one
    this.port = null;
    if (this.closing) return;
    const reason = err instanceof Error ? err.message : "port closed";
    if (this.connecting) {
      // Gone during the handshake: that connect fails; whoever called it (open, the reconnect
      // loop) carries on. Starting another loop here would run two.
      this.cancelPending(`port closed (${reason})`);
      this.conversation.failHandshake(
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
    this.conversation.stopHeartbeat();
    this.handshakeDone = false;
    this.cancelPending(`link lost (${reason})`);
    this.continuity.linkLost();
    if (!this.opts.reconnect) {
      this.setState("DISCONNECTED", reason);
      this.hub.close();
      return;
    }
    this.setState("RECONNECTING", reason);
    this.reconnector.start();
  }

  /** Fails every command in flight with a LinkDownError saying `why`. */
  private cancelPending(why: string): void {
    this.conversation.cancelAll(why, (what) => new LinkDownError(`${what} (${why})`, this.linkState));
  }

  private setState(state: LinkState, reason: string): void {
    this.linkState = state;
    this.recordWrite({ type: "link", atMs: this.atMs(), state, reason });
    this.hub.emit({ kind: "link", state, reason });
  }

  // ------------------------------------------------------------------ the line stream

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
        if (this.conversation.offerHello(m)) return;
        if (this.handshakeDone) {
          if (!isCompatibleVersion(m)) {
            // A different firmware came up behind the same port: stop talking to it.
            this.cancelPending("protocol version changed");
            void this.closePort().then(() => this.lostLink(new ProtocolVersionError(m).message));
            return;
          }
          this.helloMsg = m;
          this.recordWrite({ type: "hello", atMs: this.atMs(), hello: recordedHello(m) });
          this.hub.emit({ kind: "hello", hello: m, reboot: false });
        }
        return;
      case "ACK":
      case "NAK":
        this.conversation.answer(m.id, m.type === "NAK" ? m.reason : null);
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
    this.continuity.rebooted();
    if (this.helloMsg !== null) this.hub.emit({ kind: "hello", hello: this.helloMsg, reboot: true });
    // The device forgot its rate (and its duties: the owner of the setpoints re-sends them).
    if (this.opts.rateHz !== null && this.linkState === "CONNECTED") {
      this.conversation.send({ type: "RATE", rateHz: this.opts.rateHz }).catch(() => {});
    }
  }

  private onTelemetry(): void {
    const s = this.converter.convert(this.slot, this.sample);
    const gap = this.continuity.place(s, this.scheduler.nowMs());
    if (gap !== null) {
      const fromTS = this.continuity.gapFromTS;
      const lostSamples = this.continuity.gapLostSamples;
      this.counters.gaps++;
      this.recordWrite({ type: "gap", atMs: this.atMs(), reason: gap, fromTS, toTS: s.tS, lostSamples });
      this.hub.emit({ kind: "gap", reason: gap, fromTS, toTS: s.tS, lostSamples });
    }
    this.counters.samples++;
    if (this.record !== undefined) this.record.write({ type: "sample", atMs: this.record.atMs(), sample: s });
    this.hub.emit(this.sampleEvent);
  }

  // ------------------------------------------------------------------ writing and recording

  /** Puts a command line on the port, when one is open (else the ACK timeout resends it). */
  private writeLine(line: string): void {
    const port = this.port;
    if (!port?.isOpen) return;
    const buf = Buffer.concat([Buffer.from(line, "latin1"), NL]);
    this.counters.bytesOut += buf.length;
    port.write(buf);
  }

  private recordCommand(id: number, line: string, attempt: number): void {
    if (this.record === undefined) return;
    const atMs = this.record.atMs();
    if (this.opts.recordRaw) this.recordWrite({ type: "raw", atMs, dir: "tx", line });
    this.recordWrite({ type: "command", atMs, id, line, attempt });
  }

  private atMs(): number {
    return this.record?.atMs() ?? 0;
  }

  /**
   * Records `r`; during a handshake holds it instead, until the unit is known to be this rig's:
   * another unit's lines stay out of the recording.
   */
  private recordWrite(r: Parameters<RecordSink["write"]>[0]): void {
    if (this.record === undefined) return;
    if (this.connecting && !this.handshakeDone) this.held.hold(r);
    else this.record.write(r);
  }
}
