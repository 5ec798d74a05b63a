/**
 * The device's safety, kept on the host for a board running StandardFirmata, which has none of
 * its own (docs/design.md 2.4): PWM holds with expiry, the heartbeat (no command for too long ->
 * SAFE), the over-temperature interlock (counts below the device's threshold on hot or cold:
 * heater off, pump full, latched until INFO or SAFE) and the time-proportioned heater. It answers
 * commands as the firmware would (null, or the NAK reason) and writes duties to the board's pins
 * while there is one; with the link down the state runs on and goes onto the pins on reconnect.
 */
import { TLM_FLAGS } from "../../model/rigSample.js";
import type { HostCommand, PwmChannel } from "../../protocol/messages.js";
import { DEVICE_CONSTANTS } from "../emulator/emulatedDevice.js";
import type { RigEvent } from "../source/rigSource.js";
import type { FirmataIo, FirmataPins } from "./firmataPins.js";

/** Duty channels in the order of the duty array: 0 pump, 1 heater, 2 fan. */
const CHANNELS: readonly PwmChannel[] = ["pump", "heater", "fan"];
const HEATER_WINDOW_MS = 1000;

export class FirmataHostSafety {
  /** Applied duties (0-255): pump, heater, fan. */
  readonly duty = new Uint8Array(3);
  private readonly holds = CHANNELS.map(() => ({ active: false, revertDuty: 0, untilMs: 0 }));
  private interlock = false;
  private heartbeatLost = false;
  private lastCommandMs = 0;
  private heaterOn = false;

  /**
   * @param io the connection's IO plugin, null while the link is down
   * @param heartbeatTimeoutMs no command for this long -> SAFE; 0: no heartbeat
   * @param emit where device events (HOLD_EXPIRED, HB_LOST, OVERTEMP) go
   */
  constructor(
    private readonly pins: FirmataPins,
    private readonly io: () => FirmataIo | null,
    private readonly heartbeatTimeoutMs: number,
    private readonly emit: (e: RigEvent) => void,
  ) {}

  /** Starts the heartbeat's clock (the source's open). */
  start(nowMs: number): void {
    this.lastCommandMs = nowMs;
  }

  /** Applies a command; null when taken, else the reason the firmware would NAK it with. */
  apply(c: HostCommand, nowMs: number): string | null {
    this.lastCommandMs = nowMs;
    this.heartbeatLost = false;
    switch (c.type) {
      case "PWM": {
        const ch = CHANNELS.indexOf(c.channel);
        if (ch === 1 && c.duty > 0 && this.interlock) return "interlock";
        if (ch === 2 && this.pins.fan === null) return "range:channel";
        const hold = this.holds[ch]!;
        if (c.holdMs !== null) {
          if (!hold.active) hold.revertDuty = this.duty[ch]!;
          hold.active = true;
          hold.untilMs = nowMs + c.holdMs;
        } else hold.active = false;
        this.setDuty(ch, c.duty);
        return null;
      }
      case "RATE":
      case "PING":
        return null;
      case "INFO":
        this.interlock = false;
        return null;
      case "SAFE":
        this.enterSafe();
        this.interlock = false;
        return null;
      case "EMU":
        return "unknown";
    }
  }

  /** SAFE and the heater's pin low at once: what the rig is left in when the host goes. */
  leaveSafe(): void {
    this.enterSafe();
    this.applyHeater(false);
  }

  /**
   * A new connection's output pins set to the host's state (all 0 at the first open; after a
   * reconnect what the holds, the heartbeat and the interlock left): the heater comes on again
   * only at the next tick's window.
   */
  writePins(io: FirmataIo): void {
    const p = this.pins;
    io.pinMode(p.pump, io.MODES.PWM);
    io.analogWrite(p.pump, this.duty[0]!);
    if (p.fan !== null) {
      io.pinMode(p.fan, io.MODES.PWM);
      io.analogWrite(p.fan, this.duty[2]!);
    }
    io.pinMode(p.heater, io.MODES.OUTPUT);
    io.digitalWrite(p.heater, 0);
    this.heaterOn = false;
  }

  /** The safety clock, every tick connected or not: holds expire, the heartbeat is checked. */
  tick(nowMs: number): void {
    for (let i = 0; i < 3; i++) {
      const h = this.holds[i]!;
      if (h.active && nowMs >= h.untilMs) {
        h.active = false;
        this.setDuty(i, h.revertDuty);
        this.emit({ kind: "device_event", event: { code: "HOLD_EXPIRED", channel: CHANNELS[i]! } });
      }
    }
    const heartbeatMs = this.heartbeatTimeoutMs;
    if (heartbeatMs > 0 && !this.heartbeatLost && nowMs - this.lastCommandMs > heartbeatMs) {
      this.heartbeatLost = true;
      this.enterSafe();
      this.emit({
        kind: "device_event",
        event: { code: "HB_LOST", sinceCommandMs: Math.round(nowMs - this.lastCommandMs) },
      });
    }
  }

  /**
   * The interlock on this tick's readings (12-bit counts), then the heater's pin for where
   * `sinceOpenMs` falls in its window.
   */
  control(hotCounts: number, coldCounts: number, sinceOpenMs: number): void {
    if (!this.interlock) {
      const probe =
        hotCounts < DEVICE_CONSTANTS.overtempBelowCounts
          ? "hot"
          : coldCounts < DEVICE_CONSTANTS.overtempBelowCounts
            ? "cold"
            : null;
      if (probe !== null) {
        this.interlock = true;
        this.holds[0]!.active = false;
        this.holds[1]!.active = false;
        this.setDuty(1, 0);
        this.setDuty(0, 255);
        this.emit({ kind: "device_event", event: { code: "OVERTEMP", channel: probe } });
      }
    }
    // Time-proportioned heater: on for duty/255 of each window.
    const phase = (sinceOpenMs % HEATER_WINDOW_MS) / HEATER_WINDOW_MS;
    this.applyHeater(this.duty[1]! > 0 && phase < this.duty[1]! / 255);
  }

  /** The telemetry flags this state sets (hold, over-temperature, heartbeat). */
  flags(): number {
    let flags = 0;
    if (this.holds.some((h) => h.active)) flags |= TLM_FLAGS.holdActive;
    if (this.interlock) flags |= TLM_FLAGS.overTemp;
    if (this.heartbeatLost) flags |= TLM_FLAGS.heartbeatLost;
    return flags;
  }

  private setDuty(ch: number, duty: number): void {
    const d = ch === 1 && this.interlock ? 0 : duty;
    this.duty[ch] = d;
    const io = this.io();
    if (io === null) return;
    if (ch === 0) io.analogWrite(this.pins.pump, d);
    if (ch === 2 && this.pins.fan !== null) io.analogWrite(this.pins.fan, d);
    if (ch === 1 && d === 0) this.applyHeater(false);
  }

  private enterSafe(): void {
    for (const h of this.holds) h.active = false;
    this.setDuty(1, 0);
    this.setDuty(0, 255);
    this.setDuty(2, 255);
  }

  private applyHeater(on: boolean): void {
    if (on === this.heaterOn && this.io() !== null) return;
    this.heaterOn = on;
    this.io()?.digitalWrite(this.pins.heater, on ? 1 : 0);
  }
}
