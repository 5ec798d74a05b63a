/**
 * A rig on a board running StandardFirmata instead of this project's firmware, through
 * johnny-five (`repl: false`, no SIGINT hook) and firmata with a serialport v13 port passed in as
 * its transport, so johnny-five's bundled serialport 8 native bindings are never needed (package
 * overrides map every `serialport` in the tree to the project's v13).
 *
 * Wiring (defaults, {@link DEFAULT_FIRMATA_PINS}): thermistors on A0 (hot), A1 (cold), A2
 * (ambient, optional), pump PWM on D9, fan PWM on D10, heater (solid-state relay) on D7, flow
 * meter on D2. Firmata reports 10-bit analog values; they are scaled to the 12-bit counts of the
 * firmware's oversampling (x 4, the middle of the 10-bit step) and converted with the same host
 * conversion and calibration as the serial source.
 *
 * The flow meter is counted on the host from Firmata's digital-change reports (rising edges).
 * StandardFirmata samples digital inputs once per main loop, and each change costs a 3-byte
 * message at 57600 baud: 6 bytes a pulse, at most 960 pulses/s less the analog reports' share.
 * Measured in simavr (tests/fil/firmata.fil.ts, pulses low for at most 2 ms): none lost from 0.5
 * to 5 L/min on a YF-S201 (3.75-37.5 Hz); with a finer meter under 1 % at 376 Hz and about 19 %
 * at 1000 Hz, where the reports no longer fit the link.
 *
 * StandardFirmata has no safety of its own: this source keeps the protocol's behaviour on the
 * host — holds with expiry, the over-temperature interlock (counts below 462 on hot or cold: heater
 * off, pump full, latched until INFO or SAFE), time-proportioned heater (1 s window at the sample
 * rate's resolution) — and on close leaves the rig SAFE (heater off, pump and fan full). A host
 * that dies leaves the outputs as they were: fit a hardware thermostat on the heater.
 *
 * When the board goes away (a USB cable pulled, the emulator killed): RECONNECTING, and the
 * {@link Reconnector} opens the path again as soon as it leads to a new node, as the serial source
 * does. The host-side safety keeps its clock meanwhile: holds expire, and with the heartbeat on a
 * link down longer than it means SAFE, as the firmware would; when the board is back the pins get
 * the host's state again (a board that reset on the way starts with every output low). Samples stop
 * while the link is down and start again once the hot and cold probes have reported anew, the
 * first one after a gap marked as such; the sequence numbers, the host's, run on without a hole.
 *
 * Beside it: the wiring and the 10-bit readings (firmataPins.ts), the board connection and its
 * handshake (firmataBoard.ts), the safety kept on the host (firmataSafety.ts). This file holds the
 * source's lifecycle, the inputs and the samples.
 */
import { createRigSample, type RigSample, TLM_FLAGS } from "../../model/rigSample.js";
import {
  DEFAULT_SENSOR_CALIBRATION,
  type SensorCalibration,
  TelemetryConverter,
} from "../../model/telemetryConverter.js";
import { formatCommand } from "../../protocol/format.js";
import type { HostCommand } from "../../protocol/messages.js";
import { DEVICE_CONSTANTS } from "../emulator/emulatedDevice.js";
import type { RecordSink } from "../recording/recordingWriter.js";
import { LinkDownError, NakError } from "../source/rigErrors.js";
import {
  type LinkState,
  type LinkStats,
  type RigCommand,
  type RigEvent,
  RigEventHub,
  type RigSource,
} from "../source/rigSource.js";
import { type Scheduler, type TimerHandle, wallScheduler } from "../source/scheduler.js";
import { connectFirmataBoard, type FirmataPort, forgetBoard, type JohnnyFiveBoard } from "./firmataBoard.js";
import {
  countsFrom10Bit,
  DEFAULT_FIRMATA_PINS,
  type FirmataIo,
  type FirmataPins,
  tempFrom10Bit,
} from "./firmataPins.js";
import { FirmataHostSafety } from "./firmataSafety.js";
import { fsPathWatcher, type PathWatcher } from "./pathWatch.js";
import { Reconnector } from "./reconnector.js";

export interface FirmataSourceOptions {
  /** Serial port of the board (StandardFirmata at `baudRate`). Either this or `io`. */
  readonly path?: string;
  /** @default 57600 (StandardFirmata's) */
  readonly baudRate?: number;
  /** An IO plugin to use instead of opening `path` (tests: mock-firmata). */
  readonly io?: FirmataIo;
  readonly pins?: Partial<FirmataPins>;
  /** @default DEFAULT_SENSOR_CALIBRATION */
  readonly calibration?: SensorCalibration;
  /** Samples per second. @default 10 */
  readonly rateHz?: number;
  /** @default wallScheduler */
  readonly scheduler?: Scheduler;
  /** Board must be ready within this [ms]. @default 10000 */
  readonly readyTimeoutMs?: number;
  /**
   * Whether the board resets when the port opens (an Uno on USB) and reports its version by
   * itself. @default true, except on a pseudo-terminal (`/dev/pts/*`)
   */
  readonly resetsOnOpen?: boolean;
  /**
   * The firmware's heartbeat, kept on the host: no command for this long [ms] -> SAFE (heater off,
   * pump and fan full), `EVT HB_LOST` and flag bit 1, until the next command. For an owner that
   * sends PINGs itself (the HIL runner); 0 turns it off. @default 0
   */
  readonly heartbeatTimeoutMs?: number;
  /** Reconnect when the board goes away (with `path` only). @default true */
  readonly reconnect?: boolean;
  /** Retry delay while the path has not changed, doubling from min to max [ms]. @default 500, 5000 */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** Watches `path` for the board's return; null: the backoff alone. @default fsPathWatcher(path) */
  readonly pathWatcher?: PathWatcher | null;
  readonly record?: RecordSink;
}

export class FirmataSource implements RigSource {
  readonly kind = "firmata";
  private readonly pins: FirmataPins;
  private readonly scheduler: Scheduler;
  private readonly hub = new RigEventHub();
  private readonly converter: TelemetryConverter;
  private readonly sample: RigSample = createRigSample();
  private readonly sampleEvent: RigEvent = { kind: "sample", sample: this.sample };
  private readonly options: FirmataSourceOptions;
  private io: FirmataIo | null = null;
  private port: FirmataPort | null = null;
  private board: JohnnyFiveBoard | null = null;
  private linkState: LinkState = "DISCONNECTED";
  private readonly reconnector: Reconnector | null;
  /** Between open and close: the safety clock ticks, connected or not. */
  private running = false;
  private closing = false;
  /** A connection's analog channels have not all reported yet: no sample until they have. */
  private awaitingReadings = true;
  /** rig time of the last sample before the link went down; null while none is pending. */
  private outageFromTS: number | null = null;
  private lastTS = Number.NaN;
  private timer: TimerHandle | null = null;
  private rateHz: number;
  private t0Ms = 0;
  private seq = 0;
  private nextId = 1;

  // Inputs.
  private readonly raw = new Float64Array([Number.NaN, Number.NaN, Number.NaN]);
  private flowLevel = -1;
  private pulses = 0;
  /** Flow pin changes seen (rising and falling). */
  private flowChanges = 0;

  private readonly safety: FirmataHostSafety;
  private counters = { sent: 0, naks: 0, samples: 0, reconnects: 0, gaps: 0 };

  constructor(options: FirmataSourceOptions) {
    if ((options.path === undefined) === (options.io === undefined)) {
      throw new RangeError("FirmataSource needs exactly one of path and io");
    }
    this.options = options;
    this.pins = { ...DEFAULT_FIRMATA_PINS, ...options.pins };
    this.scheduler = options.scheduler ?? wallScheduler;
    this.rateHz = options.rateHz ?? 10;
    this.converter = new TelemetryConverter(options.calibration ?? DEFAULT_SENSOR_CALIBRATION);
    this.safety = new FirmataHostSafety(
      this.pins,
      () => this.io,
      options.heartbeatTimeoutMs ?? 0,
      (e) => this.hub.emit(e),
    );
    const path = options.path;
    this.reconnector =
      path === undefined || options.reconnect === false
        ? null
        : new Reconnector(
            {
              path,
              pathWatcher: options.pathWatcher === undefined ? fsPathWatcher(path) : options.pathWatcher,
              scheduler: this.scheduler,
              minMs: options.reconnectMinMs ?? 500,
              maxMs: options.reconnectMaxMs ?? 5000,
              candidatePaths: undefined,
            },
            {
              connect: async (p, signal) => {
                await this.connect(p, signal);
                return null;
              },
              reconnected: (_p, _replaced, signal) => this.reconnected(signal),
              // StandardFirmata has no unit id: any board on the path is taken as the rig's.
              wrongUnit: () => {},
              currentPath: () => path,
              unitKnown: () => false,
            },
          );
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** StandardFirmata has no HELLO. */
  get hello(): null {
    return null;
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.running) return;
    this.closing = false;
    await this.connect(this.options.path ?? "io", signal);
    this.t0Ms = this.scheduler.nowMs();
    this.safety.start(this.t0Ms);
    this.running = true;
    this.hub.reopen();
    this.setState("CONNECTED", "opened");
    this.scheduleTick();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.running = false;
    this.reconnector?.stop();
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
    if (this.io !== null) {
      // Leave the rig safe: the board keeps its outputs when the host goes.
      this.safety.leaveSafe();
    }
    await this.dropConnection();
    if (this.linkState !== "DISCONNECTED") this.setState("DISCONNECTED", "closed");
    this.hub.close();
  }

  events(options?: { readonly capacity?: number }): AsyncIterable<RigEvent> {
    return this.hub.iterable(options?.capacity);
  }

  subscribe(listener: (e: RigEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  /** Applies a command on the host side; resolves at once (Firmata has no ACK), rejects as the firmware would NAK. */
  async send(command: RigCommand): Promise<void> {
    if (this.io === null) throw new LinkDownError(`send ${command.type}`, this.linkState);
    const id = this.nextId;
    this.nextId = id >= 65535 ? 1 : id + 1;
    const full = { ...command, id } as HostCommand;
    const line = formatCommand(full); // range-checks the fields as the wire format does
    this.counters.sent++;
    const at = this.options.record?.atMs() ?? 0;
    this.options.record?.write({ type: "command", atMs: at, id, line, attempt: 1 });
    const reason = this.apply(full);
    this.options.record?.write(
      reason === null
        ? { type: "answer", atMs: at, id, result: "ack", rttMs: 0 }
        : { type: "answer", atMs: at, id, result: "nak", reason, rttMs: 0 },
    );
    if (reason !== null) {
      this.counters.naks++;
      throw new NakError(id, reason, line.slice(0, line.indexOf("*")));
    }
  }

  stats(): LinkStats {
    return {
      state: this.linkState,
      path: this.options.path ?? "io",
      uid: null,
      bytesIn: 0,
      bytesOut: 0,
      stream: {
        lines: 0,
        samples: this.counters.samples,
        hello: 0,
        ack: 0,
        nak: 0,
        evt: 0,
        crc_errors: 0,
        malformed: 0,
        too_long: 0,
        bad_field: 0,
        unknown: 0,
        unknown_fields: 0,
        seq_gaps: 0,
        lost_samples: 0,
        seq_out_of_order: 0,
        reboots: 0,
        device_time_ms: 0,
        flow_pulses: this.pulses,
      },
      commands: {
        sent: this.counters.sent,
        retries: 0,
        acks: this.counters.sent - this.counters.naks,
        naks: this.counters.naks,
        timeouts: 0,
        stray: 0,
      },
      reconnects: this.counters.reconnects,
      gaps: this.counters.gaps,
      samples: this.counters.samples,
      droppedEvents: this.hub.dropped,
    };
  }

  /** Flow-pin changes seen so far (two per pulse). */
  get flowPinChanges(): number {
    return this.flowChanges;
  }

  // ------------------------------------------------------------------ connecting

  /** Connects (firmataBoard.ts); on success `io`, `port` and `board` are this connection's and its pins are set up. */
  private async connect(path: string, signal?: AbortSignal): Promise<void> {
    let io: FirmataIo;
    try {
      io = await connectFirmataBoard(
        path,
        this.options,
        this.scheduler,
        {
          made: (board, port) => {
            this.board = board;
            this.port = port;
          },
          portClosed: (port, err) => this.onPortClose(port, err),
          linkState: () => this.linkState,
        },
        signal,
      );
    } catch (e) {
      await this.dropConnection();
      throw e;
    }
    this.io = io;
    this.flowLevel = -1;
    this.raw.fill(Number.NaN);
    this.awaitingReadings = true;
    this.setupPins(io);
  }

  /** A connection made by the reconnector: the host's state onto the pins, samples again. */
  private async reconnected(signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closing) {
      await this.dropConnection();
      return;
    }
    this.counters.reconnects++;
    this.setState("CONNECTED", "reconnected");
  }

  private onPortClose(port: FirmataPort | null, err: unknown): void {
    if (port !== this.port || port === null) return; // one we closed, or an old one
    this.port = null;
    this.io = null;
    this.forgetBoard();
    if (this.closing) return;
    const reason = err instanceof Error ? err.message : "port closed";
    if (this.hasSampled()) this.outageFromTS = this.lastTS;
    if (this.reconnector === null) {
      this.running = false;
      if (this.timer !== null) this.scheduler.clearTimer(this.timer);
      this.timer = null;
      this.setState("DISCONNECTED", reason);
      this.hub.close();
      return;
    }
    this.setState("RECONNECTING", reason);
    this.reconnector.start();
  }

  private hasSampled(): boolean {
    return !Number.isNaN(this.lastTS);
  }

  /** Forgets this connection's board (firmataBoard.ts: out of johnny-five's cache). */
  private forgetBoard(): void {
    const board = this.board;
    this.board = null;
    if (board !== null) forgetBoard(board);
  }

  /** Closes this connection's port (if open) and forgets its board. */
  private async dropConnection(): Promise<void> {
    this.io = null;
    this.forgetBoard();
    const port = this.port;
    this.port = null;
    if (port === null || !port.isOpen) return;
    await new Promise<void>((res) => port.close(() => res()));
  }

  // ------------------------------------------------------------------ internals

  private setupPins(io: FirmataIo): void {
    const p = this.pins;
    io.setSamplingInterval?.(19);
    const analog = [p.hot, p.cold, p.amb];
    analog.forEach((ch, i) => {
      if (ch === null) return;
      io.analogRead(ch, (v) => {
        this.raw[i] = v;
      });
    });
    this.safety.writePins(io);
    io.pinMode(p.flow, io.MODES.INPUT);
    io.digitalRead(p.flow, (v) => {
      const level = v ? 1 : 0;
      if (this.flowLevel >= 0 && level !== this.flowLevel) {
        this.flowChanges++;
        if (level === 1) this.pulses = (this.pulses + 1) % 4294967296;
      }
      this.flowLevel = level;
    });
  }

  /** The host-side safety answers; RATE also sets the sampling rate. */
  private apply(c: HostCommand): string | null {
    const reason = this.safety.apply(c, this.scheduler.nowMs());
    if (c.type === "RATE") this.rateHz = c.rateHz;
    return reason;
  }

  private scheduleTick(): void {
    this.timer = this.scheduler.setTimer(() => this.tick(), 1000 / this.rateHz);
  }

  private tick(): void {
    if (!this.running) return;
    const now = this.scheduler.nowMs();
    this.safety.tick(now);
    if (this.io === null || !this.readingsIn()) {
      // Link down, or this connection's first readings not in: the safety clock only.
      this.scheduleTick();
      return;
    }
    this.safety.control(countsFrom10Bit(this.raw[0]!), countsFrom10Bit(this.raw[1]!), now - this.t0Ms);
    this.emitSample(now);
    this.scheduleTick();
  }

  /**
   * Whether the hot and cold probes have reported on this connection (the interlock reads them;
   * the ambient probe is optional and NaN until it reports).
   */
  private readingsIn(): boolean {
    if (!this.awaitingReadings) return true;
    if (Number.isNaN(this.raw[0]!) || Number.isNaN(this.raw[1]!)) return false;
    this.awaitingReadings = false;
    return true;
  }

  private emitSample(nowMs: number): void {
    const tMs = Math.floor(nowMs - this.t0Ms) % 4294967296;
    const hasAmb = this.pins.amb !== null && !Number.isNaN(this.raw[2]!);
    const adc = (i: number): number => Math.round(countsFrom10Bit(this.raw[i]!) - 1.5);
    const sensorBad = [0, 1, 2].some((i) => {
      if (i === 2 && !hasAmb) return false;
      const c = adc(i);
      return c >= DEVICE_CONSTANTS.adcOpenCounts || c <= DEVICE_CONSTANTS.adcShortCounts;
    });
    let flags = this.safety.flags();
    if (sensorBad) flags |= TLM_FLAGS.sensorOutOfRange;
    const s = this.converter.convert(
      {
        seq: this.seq,
        tMs,
        adcHot: adc(0),
        adcCold: adc(1),
        adcAmb: hasAmb ? adc(2) : -1,
        pulses: this.pulses,
        pumpDuty: this.safety.duty[0]!,
        heaterDuty: this.safety.duty[1]!,
        fanDuty: this.safety.duty[2]!,
        flags,
      },
      this.sample,
    );
    // Convert at the middle of the 10-bit step, not of the 12-bit count.
    const cal = this.options.calibration ?? DEFAULT_SENSOR_CALIBRATION;
    s.tHotC = tempFrom10Bit(cal.hot, this.raw[0]!, cal.offsetsK?.hot);
    s.tColdC = tempFrom10Bit(cal.cold, this.raw[1]!, cal.offsetsK?.cold);
    s.tAmbC = hasAmb ? tempFrom10Bit(cal.amb, this.raw[2]!, cal.offsetsK?.amb) : Number.NaN;
    this.seq = (this.seq + 1) % 4294967296;
    this.counters.samples++;
    if (this.outageFromTS !== null) {
      const fromTS = this.outageFromTS;
      this.outageFromTS = null;
      this.counters.gaps++;
      this.options.record?.write({
        type: "gap",
        atMs: this.options.record.atMs(),
        reason: "disconnect",
        fromTS,
        toTS: s.tS,
        lostSamples: 0,
      });
      this.hub.emit({ kind: "gap", reason: "disconnect", fromTS, toTS: s.tS, lostSamples: 0 });
    }
    this.lastTS = s.tS;
    this.options.record?.write({ type: "sample", atMs: this.options.record.atMs(), sample: s });
    this.hub.emit(this.sampleEvent);
  }

  private setState(state: LinkState, reason: string): void {
    this.linkState = state;
    this.options.record?.write({ type: "link", atMs: this.options.record.atMs(), state, reason });
    this.hub.emit({ kind: "link", state, reason });
  }
}
