/**
 * The emulated looptwin device: the firmware's behaviour (firmware/looptwin/src/lt/device.cpp)
 * byte for byte, around a plant instead of pins. Pure: virtual time is passed in
 * ({@link EmulatedDevice.advanceTo}), bytes in ({@link EmulatedDevice.receive}) and out (the
 * {@link DeviceOutput}); no timers, no I/O.
 *
 * As the firmware: line assembly (159 content bytes, `\r` dropped), CRC-checked commands (a bad
 * CRC or an overlong line is dropped and counted, no answer), ACK/NAK with the firmware's reasons
 * (`NAK,0,...` when a CRC-valid line has no readable id), id dedupe over the last 16 (id, CRC)
 * pairs (those two in commandAnswers.ts), PWM holds with expiry and `EVT,HOLD_EXPIRED`, heartbeat loss after 3 s without a valid
 * command -> SAFE and `EVT,HB_LOST,<ms>`, the over-temperature interlock (counts below 462 on hot
 * or cold; latched until INFO or SAFE; heater PWM refused with `NAK,<id>,interlock`), sensor range
 * events, HELLO and `EVT,BOOT` at boot and HELLO after the ACK of INFO, TLM on the firmware's
 * schedule (`base + (i + 1) * 1000 / rate`) with seq, t_ms and flags.
 *
 * Emulator-only: `EMU,<id>,<fault spec>` injects a fault (times relative to its arrival;
 * `EMU,<id>,clear` clears all faults), and link faults: `link_corrupt` (each byte, both ways,
 * has one random bit flipped at rate `value`), `link_drop` (each line, both ways, lost at rate
 * `value`), `link_disconnect` (the link is down from start to end; the device runs on, powered
 * from its own supply, so it loses the heartbeat and goes SAFE), `device_reboot` (a watchdog
 * reset at start: millis, seq and pulses restart, duties 0, HELLO + `EVT,BOOT,WDT` + `EVT,WDT,0`).
 *
 * Differences from the firmware, by design: the ADC is scanned every `adcScanPeriodMs` (10 ms by
 * default; the firmware every ~5 ms) and right before every TLM, so range events and the
 * interlock come within 10 ms of the reading that causes them;
 * the heater duty goes to the plant as a mean power (no 1 s time-proportioning window).
 */
import { SeededRng } from "../../core/rng.js";
import type { FaultSpec } from "../../model/faultSpec.js";
import { CRC16_TABLE } from "../../protocol/crc16.js";
import { hex4At } from "../../protocol/fieldCursor.js";
import { LineFramer } from "../../protocol/lineFramer.js";
import type { HostCommand, PwmChannel, ResetCause } from "../../protocol/messages.js";
import { parseCommandBytes } from "../../protocol/parse.js";
import { PROTOCOL_VERSION } from "../../protocol/version.js";
import { ACK, AnswerMemory, hasValidCrc, refusalId, refusalReason } from "./commandAnswers.js";
import type { DeviceOutput, DevicePlant, EmulatorEvent, SensorCounts } from "./devicePorts.js";
import { FaultSchedule } from "./faultSchedule.js";
import { damageHostBytes, flipBits } from "./linkDamage.js";

export type { DeviceOutput, DevicePlant, EmulatorEvent, SensorCounts } from "./devicePorts.js";

/** Firmware name the emulator reports in HELLO (docs/protocol.md "HELLO"). */
export const EMULATOR_FW_NAME = "looptwin-emu";
export const EMULATOR_FW_VERSION = "0.1.0";

/** Constants of firmware/looptwin/src/lt/lt_config.h. */
export const DEVICE_CONSTANTS = {
  heartbeatTimeoutMs: 3000,
  defaultRateHz: 10,
  dedupeWindow: 16,
  overtempBelowCounts: 462,
  adcOpenCounts: 4084,
  adcShortCounts: 8,
  /** Default period of the emulator's ADC scans [ms] (the firmware scans every ~5 ms). */
  adcScanPeriodMs: 10,
} as const;

const CHANNELS: readonly PwmChannel[] = ["pump", "heater", "fan"];
const PUMP = 0;
const HEATER = 1;
const FAN = 2;
const PROBES = ["hot", "cold", "amb"] as const;
const UINT32 = 4294967296;

export interface EmulatedDeviceOptions {
  readonly plant: DevicePlant;
  readonly output: DeviceOutput;
  /** Seed of the link-fault randomness and the default uid. @default 1 */
  readonly seed?: number;
  /** Unit id, 8 hex digits. @default derived from the seed */
  readonly uid?: string;
  /** HELLO board field. @default "emu" */
  readonly board?: string;
  /** false: TLM adc_amb is empty and the ambient probe is not checked. @default true */
  readonly hasAmbientProbe?: boolean;
  /** Faults from the start (`--fault`); times in device seconds since the emulator started. */
  readonly faults?: readonly FaultSpec[];
  /** Reset cause of the first boot. @default "POWERON" */
  readonly resetCause?: ResetCause;
  /** Ground-truth notifications (fault starts and ends, link, reboots). */
  readonly onEvent?: (e: EmulatorEvent) => void;
  /**
   * Period of the ADC scans that check the sensor ranges and the interlock [ms]; the telemetry
   * reads a fresh scan anyway. @default 10
   */
  readonly adcScanPeriodMs?: number;
  /**
   * Accept `EMU,<id>,<fault spec>`. false makes the device answer it `NAK,<id>,unknown` exactly as
   * the real firmware does (for replaying the firmware's behaviour sessions). @default true
   */
  readonly acceptEmu?: boolean;
}

/** Counters of refused input, as the firmware's DeviceStats, plus the link faults' effects. */
export interface EmulatedDeviceStats {
  crcErrors: number;
  malformed: number;
  tooLong: number;
  duplicates: number;
  /** Lines the device sent, and those link faults dropped or corrupted. */
  linesSent: number;
  linesDropped: number;
  bytesCorrupted: number;
  /** Host bytes lost while the link was down. */
  bytesLostWhileDown: number;
}

interface Hold {
  active: boolean;
  revertDuty: number;
  startMs: number;
  durationMs: number;
}

/** CRC-16/CCITT-FALSE of an ASCII string (no allocation). */
function crcAscii(s: string): number {
  let c = 0xffff;
  for (let i = 0; i < s.length; i++)
    c = ((c << 8) ^ CRC16_TABLE[((c >>> 8) ^ s.charCodeAt(i)) & 0xff]!) & 0xffff;
  return c;
}

const HEX = "0123456789ABCDEF";
function hex4(v: number): string {
  return HEX[(v >>> 12) & 15]! + HEX[(v >>> 8) & 15]! + HEX[(v >>> 4) & 15]! + HEX[v & 15]!;
}

export class EmulatedDevice {
  readonly stats: EmulatedDeviceStats = {
    crcErrors: 0,
    malformed: 0,
    tooLong: 0,
    duplicates: 0,
    linesSent: 0,
    linesDropped: 0,
    bytesCorrupted: 0,
    bytesLostWhileDown: 0,
  };
  readonly uid: string;
  readonly board: string;
  readonly hasAmbientProbe: boolean;
  private readonly plant: DevicePlant;
  private readonly output: DeviceOutput;
  private readonly rng: SeededRng;
  private readonly onEvent: ((e: EmulatorEvent) => void) | undefined;
  private readonly adcScanPeriodMs: number;
  private readonly acceptEmu: boolean;
  private readonly framer: LineFramer;
  private readonly sensors: SensorCounts = { adcHot: 0, adcCold: 0, adcAmb: 0, pulses: 0 };

  /** Virtual time [ms] since the emulator started. */
  private now = 0;
  /** Virtual time of the current boot [ms]; device millis = now - bootAt. */
  private bootAt = 0;
  private out = "";
  private readonly faults: FaultSchedule;
  private linkDownUntilMs = -1;

  // Firmware state (device.h).
  private readonly answers = new AnswerMemory(DEVICE_CONSTANTS.dedupeWindow);
  private readonly holds: Hold[] = CHANNELS.map(() => ({
    active: false,
    revertDuty: 0,
    startMs: 0,
    durationMs: 0,
  }));
  private readonly duty = new Uint8Array(3);
  private readonly adc = new Uint16Array(3);
  private readonly sensorState: ("ok" | "open" | "short")[] = ["ok", "ok", "ok"];
  private lastValidMs = 0;
  private heartbeatLost = false;
  private interlock = false;
  private watchdogReset = false;
  private rateHz: number = DEVICE_CONSTANTS.defaultRateHz;
  private tlmIndex = 0;
  private tlmBaseMs = 0;
  private seq = 0;
  private lastAdcScanMs = 0;

  constructor(options: EmulatedDeviceOptions) {
    this.plant = options.plant;
    this.output = options.output;
    this.rng = new SeededRng(options.seed ?? 1);
    this.onEvent = options.onEvent;
    this.adcScanPeriodMs = options.adcScanPeriodMs ?? DEVICE_CONSTANTS.adcScanPeriodMs;
    this.acceptEmu = options.acceptEmu ?? true;
    if (!(this.adcScanPeriodMs >= 1))
      throw new RangeError(`adcScanPeriodMs must be >= 1 (got ${this.adcScanPeriodMs})`);
    this.board = options.board ?? "emu";
    this.hasAmbientProbe = options.hasAmbientProbe ?? true;
    const uidNumber = new SeededRng((options.seed ?? 1) ^ 0x4c54).nextUint32() || 0x4c540001;
    this.uid = (options.uid ?? uidNumber.toString(16).padStart(8, "0")).toUpperCase();
    if (!/^[0-9A-F]{8}$/.test(this.uid))
      throw new RangeError(`uid must be 8 hex digits (got ${options.uid})`);
    this.framer = new LineFramer({
      onLine: (b, s, e) => this.handleLine(b, s, e),
      onOverflow: () => {
        this.stats.tooLong++;
        this.stats.malformed++;
      },
    });
    this.faults = new FaultSchedule({
      plant: this.plant,
      onEvent: this.onEvent,
      onStart: (spec, tS) => {
        if (spec.kind === "device_reboot") this.boot("WDT");
        if (spec.kind === "link_disconnect") {
          this.linkDownUntilMs = Math.max(this.linkDownUntilMs, spec.endS * 1000);
          this.onEvent?.({ kind: "link_down", tS });
        }
      },
      onEnd: (spec, tS) => {
        if (spec.kind === "link_disconnect" && this.linkUp) this.onEvent?.({ kind: "link_up", tS });
      },
    });
    for (const spec of options.faults ?? []) this.faults.add(spec);
    this.boot(options.resetCause ?? "POWERON");
    this.flush();
  }

  /** Virtual time now [ms since the emulator started]. */
  get nowMs(): number {
    return this.now;
  }

  /** The device's millis() now (uint32). */
  get millis(): number {
    return Math.floor(this.now - this.bootAt) % UINT32;
  }

  /** False while a `link_disconnect` fault holds the link down. */
  get linkUp(): boolean {
    return this.now >= this.linkDownUntilMs;
  }

  /** Duty applied now, 0-255. */
  dutyOf(channel: PwmChannel): number {
    return this.duty[CHANNELS.indexOf(channel)]!;
  }

  /** TLM flags now (device.cpp flags()). */
  get flags(): number {
    let f = 0;
    for (let i = 0; i < 3; i++) {
      if (this.holds[i]!.active) f |= 1;
      if (this.sensorState[i] !== "ok") f |= 8;
    }
    if (this.heartbeatLost) f |= 2;
    if (this.interlock) f |= 4;
    if (this.watchdogReset) f |= 16;
    return f;
  }

  get telemetryRateHz(): number {
    return this.rateHz;
  }

  /** The seq of the next TLM: how many TLM lines this boot has sent (mod 2^32), for soak accounting. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Time [ms] of the next thing the device will do on its own (a TLM, an expiry, a fault). */
  nextEventMs(): number {
    let next = Math.min(this.tlmDueMs(), this.bootAt + this.lastAdcScanMs + this.adcScanPeriodMs);
    if (!this.heartbeatLost)
      next = Math.min(next, this.bootAt + this.lastValidMs + DEVICE_CONSTANTS.heartbeatTimeoutMs);
    for (const h of this.holds) if (h.active) next = Math.min(next, this.bootAt + h.startMs + h.durationMs);
    next = Math.min(next, this.faults.nextMs());
    return Math.max(next, this.now);
  }

  /**
   * Runs the device and the plant up to virtual time `tMs`, emitting what the device sends on the
   * way, in one {@link DeviceOutput.write} at the end.
   */
  advanceTo(tMs: number): void {
    if (!(tMs >= this.now)) return;
    for (;;) {
      const next = this.nextEventMs();
      if (next > tMs) break;
      this.now = next;
      this.step();
    }
    this.now = tMs;
    this.flush();
  }

  /** Bytes from the host, arriving now. */
  receive(bytes: Uint8Array): void {
    if (!this.linkUp) {
      this.stats.bytesLostWhileDown += bytes.length;
      return;
    }
    let data = bytes;
    const { corruptRate, dropRate } = this.faults;
    if (corruptRate > 0 || dropRate > 0)
      data = damageHostBytes(bytes, corruptRate, dropRate, this.rng, this.stats);
    this.framer.push(data);
    this.flush();
  }

  /**
   * Injects a fault now (as `EMU` does): its start and end are taken relative to the current
   * virtual time. Physical and sensor faults go to the plant, link faults to the device.
   */
  injectFault(spec: FaultSpec): void {
    this.faults.addRelative(spec, this.now / 1000);
    this.step();
    this.flush();
  }

  /** Clears every fault (plant and link). */
  clearFaults(): void {
    this.faults.clear(this.now);
    if (this.linkDownUntilMs > this.now) {
      this.linkDownUntilMs = this.now;
      this.onEvent?.({ kind: "link_up", tS: this.now / 1000 });
    }
  }

  /** Reboots the device now (a reset button, a watchdog reset). */
  reboot(cause: ResetCause = "EXTERNAL"): void {
    this.plant.advanceTo(this.now / 1000);
    this.boot(cause);
    this.flush();
  }

  // ---------------------------------------------------------------- internals

  private tlmDueMs(): number {
    return this.bootAt + this.tlmBaseMs + Math.floor(((this.tlmIndex + 1) * 1000) / this.rateHz);
  }

  /** Everything due at `this.now`, in the firmware loop's order. */
  private step(): void {
    this.plant.advanceTo(this.now / 1000);
    this.faults.update(this.now);
    const ms = this.now - this.bootAt;
    if (this.now >= this.tlmDueMs() || ms - this.lastAdcScanMs >= this.adcScanPeriodMs) {
      this.scanAdc();
    }
    this.tick(Math.floor(ms));
  }

  private boot(cause: ResetCause): void {
    this.bootAt = Math.floor(this.now);
    this.framer.end();
    this.answers.clear();
    for (const h of this.holds) h.active = false;
    this.duty.fill(0);
    for (let i = 0; i < 3; i++) this.plant.setDuty(CHANNELS[i]!, 0);
    this.adc.fill(0);
    this.sensorState.fill("ok");
    this.plant.resetPulses();
    this.lastValidMs = 0;
    this.heartbeatLost = false;
    this.interlock = false;
    this.watchdogReset = cause === "WDT";
    this.rateHz = DEVICE_CONSTANTS.defaultRateHz;
    this.seq = 0;
    this.restartTelemetry(0);
    if (this.now > 0 || cause !== "POWERON") this.onEvent?.({ kind: "reboot", tS: this.now / 1000, cause });
    this.sendHello();
    this.emit(`EVT,BOOT,${cause}`);
    if (this.watchdogReset) this.emit("EVT,WDT,0");
    this.scanAdc();
  }

  private scanAdc(): void {
    this.plant.readSensors(this.sensors);
    this.lastAdcScanMs = this.now - this.bootAt;
    this.setAdc(this.sensors.adcHot, this.sensors.adcCold, this.sensors.adcAmb);
  }

  /** device.cpp setAdc(). */
  private setAdc(hot: number, cold: number, amb: number): void {
    this.adc[0] = hot;
    this.adc[1] = cold;
    this.adc[2] = amb;
    const probes = this.hasAmbientProbe ? 3 : 2;
    for (let i = 0; i < probes; i++) {
      const c = this.adc[i]!;
      const state =
        c >= DEVICE_CONSTANTS.adcOpenCounts ? "open" : c <= DEVICE_CONSTANTS.adcShortCounts ? "short" : "ok";
      if (state !== this.sensorState[i]) {
        this.sensorState[i] = state;
        this.emit(`EVT,SENSOR,${PROBES[i]}:${state}`);
      }
    }
    if (!this.interlock) {
      if (hot < DEVICE_CONSTANTS.overtempBelowCounts) this.tripInterlock("hot");
      else if (cold < DEVICE_CONSTANTS.overtempBelowCounts) this.tripInterlock("cold");
    }
  }

  private tripInterlock(probe: "hot" | "cold"): void {
    this.interlock = true;
    this.holds[HEATER]!.active = false;
    this.holds[PUMP]!.active = false;
    this.setDuty(HEATER, 0);
    this.setDuty(PUMP, 255);
    this.emit(`EVT,OVERTEMP,${probe}`);
  }

  private setDuty(ch: number, duty: number): void {
    const d = ch === HEATER && this.interlock ? 0 : duty;
    if (this.duty[ch] !== d) {
      this.duty[ch] = d;
      this.plant.setDuty(CHANNELS[ch]!, d);
    }
  }

  private enterSafe(): void {
    for (const h of this.holds) h.active = false;
    this.setDuty(HEATER, 0);
    this.setDuty(PUMP, 255);
    this.setDuty(FAN, 255);
  }

  /** device.cpp tick(), at device millis `ms`. */
  private tick(ms: number): void {
    for (let i = 0; i < 3; i++) {
      const h = this.holds[i]!;
      if (h.active && ms - h.startMs >= h.durationMs) {
        h.active = false;
        this.setDuty(i, h.revertDuty);
        this.emit(`EVT,HOLD_EXPIRED,${CHANNELS[i]}`);
      }
    }
    if (!this.heartbeatLost && ms - this.lastValidMs >= DEVICE_CONSTANTS.heartbeatTimeoutMs) {
      this.heartbeatLost = true;
      this.enterSafe();
      this.emit(`EVT,HB_LOST,${ms - this.lastValidMs}`);
    }
    if (this.now >= this.tlmDueMs()) {
      this.sendTelemetry(ms);
      if (++this.tlmIndex >= this.rateHz) {
        this.tlmBaseMs += 1000;
        this.tlmIndex = 0;
      }
    }
  }

  private restartTelemetry(ms: number): void {
    this.tlmBaseMs = ms;
    this.tlmIndex = 0;
  }

  private sendTelemetry(ms: number): void {
    // The ADC was scanned in this step (step() scans when a TLM is due), pulses with it.
    const amb = this.hasAmbientProbe ? String(this.adc[2]) : "";
    this.emit(
      `TLM,${this.seq},${ms % UINT32},${this.adc[0]},${this.adc[1]},${amb},${this.sensors.pulses >>> 0},${this.duty[0]},${this.duty[1]},${this.duty[2]},${this.flags.toString(16).toUpperCase()}`,
    );
    this.seq = (this.seq + 1) % UINT32;
  }

  private sendHello(): void {
    this.emit(
      `HELLO,${PROTOCOL_VERSION.major}.${PROTOCOL_VERSION.minor},${EMULATOR_FW_NAME},${EMULATOR_FW_VERSION},${this.board},${this.uid}`,
    );
  }

  /** device.cpp handleLine(): `bytes[start, end)` without `\n`/`\r`. */
  private handleLine(bytes: Uint8Array, start: number, end: number): void {
    const ms = Math.floor(this.now - this.bootAt);
    const r = parseCommandBytes(bytes, start, end, { acceptEmu: this.acceptEmu });
    let id: number;
    let crc: number;
    if (r.ok) {
      id = r.value.id;
      crc = hex4At(bytes, end - 4);
    } else {
      const e = r.error;
      if (e.kind === "crc") {
        this.stats.crcErrors++;
        return;
      }
      if (e.kind === "too_long" || (e.kind === "malformed" && !hasValidCrc(bytes, start, end))) {
        if (end > start) this.stats.malformed++;
        return;
      }
      crc = hex4At(bytes, end - 4);
      id = refusalId(e, bytes, start, end);
    }
    const before = id === 0 ? null : this.answers.find(id, crc);
    if (before !== null) {
      this.stats.duplicates++;
      if (before === ACK) this.noteValid(ms);
      this.sendAnswer(id, before);
      return;
    }
    let answer: string;
    let command: HostCommand | null = null;
    if (r.ok) {
      command = r.value;
      answer = this.apply(command, ms);
    } else {
      answer = refusalReason(r.error);
      if (r.error.kind === "malformed") this.stats.malformed++;
    }
    if (id !== 0) this.answers.remember(id, crc, answer);
    if (answer === ACK) this.noteValid(ms);
    this.sendAnswer(id, answer);
    if (answer === ACK && command?.type === "INFO") this.sendHello();
  }

  private noteValid(ms: number): void {
    this.lastValidMs = ms;
    this.heartbeatLost = false;
  }

  /** device.cpp apply(): "" (ACK) or a NAK reason. */
  private apply(c: HostCommand, ms: number): string {
    switch (c.type) {
      case "PWM": {
        const ch = CHANNELS.indexOf(c.channel);
        if (ch === HEATER && c.duty > 0 && this.interlock) return "interlock";
        const hold = this.holds[ch]!;
        if (c.holdMs !== null) {
          if (!hold.active) hold.revertDuty = this.duty[ch]!;
          hold.active = true;
          hold.startMs = ms;
          hold.durationMs = c.holdMs;
        } else {
          hold.active = false;
        }
        this.setDuty(ch, c.duty);
        return ACK;
      }
      case "RATE":
        this.rateHz = c.rateHz;
        this.restartTelemetry(ms);
        return ACK;
      case "PING":
        return ACK;
      case "INFO":
        this.interlock = false;
        return ACK;
      case "SAFE":
        this.enterSafe();
        this.interlock = false;
        return ACK;
      case "EMU": {
        if (c.faultSpec === "clear") {
          this.clearFaults();
          return ACK;
        }
        // Takes effect at the next step, after this ACK (a device_reboot must not eat it). Not a
        // fault spec, or not applicable to this plant (e.g. amb without an ambient probe): syntax.
        return this.faults.addFromEmu(c.faultSpec, this.now / 1000) ? ACK : "syntax";
      }
    }
  }

  private sendAnswer(id: number, answer: string): void {
    this.emit(answer === ACK ? `ACK,${id}` : `NAK,${id},${answer}`);
  }

  /** Queues one line (body without CRC) for output, through the link faults. */
  private emit(body: string): void {
    this.stats.linesSent++;
    if (!this.linkUp) return;
    const { dropRate } = this.faults;
    if (dropRate > 0 && this.rng.uniform() < dropRate) {
      this.stats.linesDropped++;
      return;
    }
    this.out += `${body}*${hex4(crcAscii(body))}\n`;
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const buf = Buffer.from(this.out, "latin1");
    this.out = "";
    const { corruptRate } = this.faults;
    if (corruptRate > 0) flipBits(buf, corruptRate, this.rng, this.stats);
    this.output.write(buf);
  }
}
