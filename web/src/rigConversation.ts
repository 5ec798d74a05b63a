/**
 * The Web Serial page's rig link without the port: bytes in through {@link RigConversation.push}
 * (decoded, telemetry converted to engineering units), command lines out through a `write`
 * callback. The request/answer protocol itself (handshake, ids, ACK/NAK, resends, PING every
 * 500 ms) is src/rig/source/hostConversation.ts, the one the serial source holds too; this file
 * adds what the page needs around it: the version check that stops the link, and the stop the
 * page calls when the port goes away (a browser port needs the user's click to come back, so
 * there is no reconnect). The tests drive it from a hand-written device on a virtual clock.
 */
import { createRigSample, type RigSample } from "../../src/model/rigSample.js";
import {
  DEFAULT_SENSOR_CALIBRATION,
  type SensorCalibration,
  TelemetryConverter,
} from "../../src/model/telemetryConverter.js";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import type { DeviceEvent, DeviceMessage, HelloMessage, TlmMessage } from "../../src/protocol/messages.js";
import type { StreamSummary } from "../../src/protocol/streamStats.js";
import { isCompatibleVersion, ProtocolVersionError } from "../../src/protocol/version.js";
import { HostConversation } from "../../src/rig/source/hostConversation.js";
import type { RigCommand } from "../../src/rig/source/rigSource.js";
import type { Scheduler } from "../../src/rig/source/scheduler.js";

/** A host command without its id (the conversation numbers it). */
export type RigRequest = RigCommand;

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

export class RigConversation {
  private readonly write: (line: string) => void;
  private readonly portName: string;
  private readonly helloTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly handler: RigConversationHandler;
  private readonly host: HostConversation;
  private readonly decoder: DeviceStreamDecoder;
  private readonly converter: TelemetryConverter;
  private readonly sample: RigSample = createRigSample();
  private helloMsg: HelloMessage | null = null;
  private stopped = false;

  constructor(options: RigConversationOptions, handler: RigConversationHandler = {}) {
    this.write = options.write;
    this.portName = options.portName;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 1500;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
    this.handler = handler;
    this.host = new HostConversation({
      scheduler: options.scheduler,
      write: (line) => this.write(`${line}\n`),
      ackTimeoutMs: options.ackTimeoutMs ?? 500,
      retries: options.retries ?? 3,
      pingIntervalMs: options.pingIntervalMs ?? 500,
      commandName: "type",
    });
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

  /** Commands answered with NAK so far. */
  get naks(): number {
    return this.host.counts.naks;
  }

  /** Commands never answered (after their resends) so far. */
  get timeouts(): number {
    return this.host.counts.timeouts;
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
  async handshake(): Promise<HelloMessage> {
    let h: HelloMessage;
    try {
      h = await this.host.awaitHello(this.portName, this.helloTimeoutMs, this.handshakeTimeoutMs);
    } catch (e) {
      this.stop();
      throw e;
    }
    if (this.helloMsg !== h) throw new ProtocolVersionError(h);
    return h;
  }

  /** Sends a command; resolves on ACK, rejects with NakError or CommandTimeoutError. */
  send(req: RigRequest): Promise<void> {
    if (this.stopped) return Promise.reject(new Error(`${req.type}: the link was closed`));
    return this.host.send(req);
  }

  /**
   * A SAFE line (with its `\n`) with a fresh id, for the moments when no answer can be awaited (the page is
   * closing): write it and forget it.
   */
  safeLine(): string {
    return `${this.host.safeLine()}\n`;
  }

  /** Stops the heartbeat and fails every command in flight; later bytes are ignored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.host.stopHeartbeat();
    this.host.cancelAll("closed", (what, id) => new Error(`${what} (id ${id}): the link was closed`));
  }

  private onMessage(m: Exclude<DeviceMessage, TlmMessage>): void {
    switch (m.type) {
      case "HELLO":
        if (this.host.offerHello(m)) this.acceptHello(m);
        else if (this.helloMsg !== null) this.handler.onHello?.(m);
        return;
      case "ACK":
        this.host.answer(m.id, null);
        return;
      case "NAK":
        this.host.answer(m.id, m.reason);
        return;
      case "EVT":
        if (this.helloMsg === null) return;
        if (m.event.code === "BOOT") this.converter.markReboot();
        this.handler.onEvent?.(m.event);
        return;
    }
  }

  /**
   * The handshake's HELLO, taken as it arrives (not after the handshake's promise settles): the
   * telemetry behind it in the same chunk is already this device's.
   */
  private acceptHello(h: HelloMessage): void {
    if (!isCompatibleVersion(h)) {
      this.stop();
      return;
    }
    this.helloMsg = h;
    this.host.startHeartbeat();
  }

  private onTlm(tlm: TlmMessage): void {
    if (this.helloMsg === null) return;
    this.handler.onSample?.(this.converter.convert(tlm, this.sample));
  }
}
