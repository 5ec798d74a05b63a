/**
 * The host's side of the wire protocol (docs/protocol.md) without a port: bytes in through
 * {@link RigConversation.push}, command lines out through a `write` callback, time from a
 * {@link Scheduler}. The Web Serial page (webSerialPage.ts) drives it from a browser port; the
 * tests drive it from a hand-written device on a virtual clock. It does what serialSource.ts does
 * on a Node stream, minus the reconnect (a browser port that goes away needs the user's click).
 *
 * Handshake: wait `helloTimeoutMs` for the boot HELLO of a board that resets when the port opens,
 * then ask with INFO, a new INFO every `ackTimeoutMs` (a fresh id: a repeated id is answered
 * without being applied again, so a lost HELLO would never come back), give up after
 * `handshakeTimeoutMs`; a HELLO of another major version is refused. Commands: ids 1-65535, an
 * ACK or NAK within `ackTimeoutMs`, else up to `retries` resends with the same id. Heartbeat: PING
 * every `pingIntervalMs` once the handshake is done (the device goes SAFE after 3 s without one).
 */
import { createRigSample, type RigSample } from "../../src/model/rigSample.js";
import {
  DEFAULT_SENSOR_CALIBRATION,
  type SensorCalibration,
  TelemetryConverter,
} from "../../src/model/telemetryConverter.js";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import { formatCommand } from "../../src/protocol/format.js";
import type {
  DeviceEvent,
  DeviceMessage,
  HelloMessage,
  HostCommand,
  TlmMessage,
} from "../../src/protocol/messages.js";
import type { StreamSummary } from "../../src/protocol/streamStats.js";
import { isCompatibleVersion, ProtocolVersionError } from "../../src/protocol/version.js";
import { CommandTimeoutError, HandshakeTimeoutError, NakError } from "../../src/rig/source/rigErrors.js";
import type { Scheduler, TimerHandle } from "../../src/rig/source/scheduler.js";

/** A host command without its id (the conversation numbers it). */
export type RigRequest = HostCommand extends infer C
  ? C extends HostCommand
    ? Omit<C, "id">
    : never
  : never;

export interface RigConversationOptions {
  /** Sends one complete command line (with its `\n`). Must not throw. */
  readonly write: (line: string) => void;
  readonly scheduler: Scheduler;
  /** What to call the port in messages (e.g. "Web Serial port"). */
  readonly portName: string;
  /** @default DEFAULT_SENSOR_CALIBRATION */
  readonly calibration?: SensorCalibration;
  /** Wait this long for a boot HELLO before sending INFO [ms]. @default 1500 */
  readonly helloTimeoutMs?: number;
  /** Give up the handshake after this long [ms]. @default 5000 */
  readonly handshakeTimeoutMs?: number;
  /** Wait this long for ACK/NAK before resending [ms]. @default 500 */
  readonly ackTimeoutMs?: number;
  /** Resends of an unanswered command, same id. @default 3 */
  readonly retries?: number;
  /** PING period [ms]. @default 500 */
  readonly pingIntervalMs?: number;
}

/** What the conversation reports; all synchronous. */
export interface RigConversationHandler {
  /** A converted sample (a reused object: copy what you keep). Only after the handshake. */
  onSample?(sample: RigSample): void;
  /** A device event (BOOT, HOLD_EXPIRED, HB_LOST, ...) after the handshake. */
  onEvent?(event: DeviceEvent): void;
  /** A HELLO after the handshake (the device rebooted); the conversation goes on. */
  onHello?(hello: HelloMessage): void;
}

interface Pending {
  readonly line: string;
  readonly what: string;
  attemptsLeft: number;
  attempts: number;
  timer: TimerHandle | null;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class RigConversation {
  private readonly opts: Required<Omit<RigConversationOptions, "calibration">>;
  private readonly handler: RigConversationHandler;
  private readonly decoder: DeviceStreamDecoder;
  private readonly converter: TelemetryConverter;
  private readonly sample: RigSample = createRigSample();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private helloMsg: HelloMessage | null = null;
  private helloWaiter: ((h: HelloMessage) => void) | null = null;
  private pingTimer: TimerHandle | null = null;
  private stopped = false;
  /** Commands answered with NAK, and commands never answered, so far. */
  naks = 0;
  timeouts = 0;

  constructor(options: RigConversationOptions, handler: RigConversationHandler = {}) {
    this.opts = {
      write: options.write,
      scheduler: options.scheduler,
      portName: options.portName,
      helloTimeoutMs: options.helloTimeoutMs ?? 1500,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
      ackTimeoutMs: options.ackTimeoutMs ?? 500,
      retries: options.retries ?? 3,
      pingIntervalMs: options.pingIntervalMs ?? 500,
    };
    this.handler = handler;
    this.converter = new TelemetryConverter(options.calibration ?? DEFAULT_SENSOR_CALIBRATION);
    this.decoder = new DeviceStreamDecoder({
      onTlm: (tlm) => this.onTlm(tlm),
      onMessage: (m) => this.onMessage(m),
    });
  }

  /** The device's HELLO once the handshake is done, else null. */
  get hello(): HelloMessage | null {
    return this.helloMsg;
  }

  /** Line statistics so far (CRC errors, malformed lines, lost samples). */
  summary(): StreamSummary {
    return this.decoder.summary();
  }

  /** Bytes from the device, in chunks of any size. */
  push(chunk: Uint8Array): void {
    if (!this.stopped) this.decoder.push(chunk);
  }

  /**
   * The handshake: resolves with the HELLO (then the heartbeat runs), rejects with a
   * HandshakeTimeoutError or a ProtocolVersionError (and the conversation stops).
   */
  handshake(): Promise<HelloMessage> {
    const s = this.opts.scheduler;
    return new Promise((resolve, reject) => {
      let infoTimer: TimerHandle;
      const finish = (): void => {
        this.helloWaiter = null;
        s.clearTimer(infoTimer);
        s.clearTimer(giveUp);
      };
      const ask = (): void => {
        infoTimer = s.setTimer(ask, this.opts.ackTimeoutMs);
        this.request({ type: "INFO" }, 0).catch(() => {
          // The give-up timer reports the failure.
        });
      };
      infoTimer = s.setTimer(ask, this.opts.helloTimeoutMs);
      const giveUp = s.setTimer(() => {
        finish();
        this.stop();
        reject(new HandshakeTimeoutError(this.opts.portName, this.opts.handshakeTimeoutMs));
      }, this.opts.handshakeTimeoutMs);
      this.helloWaiter = (h) => {
        finish();
        if (!isCompatibleVersion(h)) {
          this.stop();
          reject(new ProtocolVersionError(h));
          return;
        }
        this.helloMsg = h;
        this.schedulePing();
        resolve(h);
      };
    });
  }

  /** Sends a command; resolves on ACK, rejects with NakError or CommandTimeoutError. */
  send(req: RigRequest): Promise<void> {
    return this.request(req, this.opts.retries);
  }

  /**
   * A SAFE line (with its `\n`) with a fresh id, for the moments when no answer can be awaited (the page is
   * closing): write it and forget it.
   */
  safeLine(): string {
    return `${formatCommand({ type: "SAFE", id: this.allocateId() })}\n`;
  }

  /** Stops the heartbeat and fails every command in flight; later bytes are ignored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pingTimer !== null) this.opts.scheduler.clearTimer(this.pingTimer);
    this.pingTimer = null;
    for (const [id, p] of this.pending) {
      if (p.timer !== null) this.opts.scheduler.clearTimer(p.timer);
      p.reject(new Error(`${p.what} (id ${id}): the link was closed`));
    }
    this.pending.clear();
  }

  private schedulePing(): void {
    this.pingTimer = this.opts.scheduler.setTimer(() => {
      if (this.stopped) return;
      this.request({ type: "PING" }, 0).catch(() => {
        // A lost PING is counted as a timeout; the next one follows anyway.
      });
      this.schedulePing();
    }, this.opts.pingIntervalMs);
  }

  private allocateId(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
    throw new RangeError("65535 commands in flight");
  }

  private request(req: RigRequest, retries: number): Promise<void> {
    if (this.stopped) return Promise.reject(new Error(`${req.type}: the link was closed`));
    const id = this.allocateId();
    // Formatting checks the fields (a duty of 300 is a ConfigError naming duty) before anything is sent.
    const line = `${formatCommand({ ...req, id } as HostCommand)}\n`;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        line,
        what: req.type,
        attemptsLeft: retries,
        attempts: 0,
        timer: null,
        resolve,
        reject,
      };
      this.pending.set(id, p);
      this.transmit(id, p);
    });
  }

  private transmit(id: number, p: Pending): void {
    p.attempts++;
    this.opts.write(p.line);
    p.timer = this.opts.scheduler.setTimer(() => this.onAckTimeout(id, p), this.opts.ackTimeoutMs);
  }

  private onAckTimeout(id: number, p: Pending): void {
    if (this.pending.get(id) !== p) return;
    if (p.attemptsLeft > 0) {
      p.attemptsLeft--;
      this.transmit(id, p);
      return;
    }
    this.pending.delete(id);
    this.timeouts++;
    p.reject(new CommandTimeoutError(id, p.what, p.attempts, this.opts.ackTimeoutMs));
  }

  private onAnswer(id: number, nakReason: string | null): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (p.timer !== null) this.opts.scheduler.clearTimer(p.timer);
    if (nakReason === null) p.resolve();
    else {
      this.naks++;
      p.reject(new NakError(id, nakReason, p.what));
    }
  }

  private onMessage(m: Exclude<DeviceMessage, TlmMessage>): void {
    switch (m.type) {
      case "HELLO":
        if (this.helloWaiter !== null) this.helloWaiter(m);
        else if (this.helloMsg !== null) this.handler.onHello?.(m);
        return;
      case "ACK":
        this.onAnswer(m.id, null);
        return;
      case "NAK":
        this.onAnswer(m.id, m.reason);
        return;
      case "EVT":
        if (this.helloMsg === null) return;
        if (m.event.code === "BOOT") this.converter.markReboot();
        this.handler.onEvent?.(m.event);
        return;
    }
  }

  private onTlm(tlm: TlmMessage): void {
    if (this.helloMsg === null) return;
    this.handler.onSample?.(this.converter.convert(tlm, this.sample));
  }
}
