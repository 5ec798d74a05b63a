/**
 * Firmware in the loop: the real rig firmware (the ELF that would be flashed) running in simavr
 * ({@link FilHarness}), wired to a plant ({@link DevicePlant}, the same interface the emulated
 * device drives) in lockstep with device time. It is the emulated device's twin with the
 * firmware's own code inside: same plant, same output sink, same events, same fault specs.
 *
 * Each step of `stepMs` device time:
 *   1. the plant's sensors at the step's start become the thermistor channels' ADC counts, and the
 *      flow pulses the plant counted since the previous step become falling edges on D2, spread
 *      over the step;
 *   2. host bytes that arrived meanwhile go into UART0 RX (one per character time);
 *   3. the firmware runs to the step's end;
 *   4. what it drove during the step goes to the plant for the same interval: the pump and fan
 *      duty Timer1 drives (OC1A/OC1B) and the heater's mean duty from the SSR pin's on time
 *      (its 1 s time-proportioning resolved to the step), and the plant runs to the step's end;
 *   5. the firmware's UART0 output goes to the host through the link bridge.
 * The plant thus sees the actuation with at most one step of delay, the firmware the sensors
 * likewise; with the default 20 ms step both are far below the loop's time constants (seconds).
 *
 * Faults: physical, sensor and flow-meter faults go to the plant; link faults act at the bridge
 * ({@link FilLinkBridge}); `device_reboot` resets the MCU as its watchdog would (MCUSR WDRF, so the
 * firmware reports `EVT,BOOT,WDT` as the emulated device does); `EMU` lines are answered by the
 * bridge. The firmware itself is never patched.
 *
 * Time is device time since the harness started [ms]; the firmware's own millis() restarts at
 * every reset.
 */
import { SeededRng } from "../../core/rng.js";
import type { FaultSpec } from "../../model/faultSpec.js";
import type { PwmChannel, ResetCause } from "../../protocol/messages.js";
import type { DeviceOutput, DevicePlant, EmulatorEvent, SensorCounts } from "../emulator/emulatedDevice.js";
import { FaultSchedule } from "../emulator/faultSchedule.js";
import { FilLinkBridge } from "./filBridge.js";
import { FilHarness, type FilHarnessOptions, type FilStepResult } from "./filHarness.js";

const UINT32 = 4294967296;

export interface FilDeviceOptions {
  /** The plant behind the pins. */
  readonly plant: DevicePlant;
  /** Where the firmware's bytes go (after the link bridge). */
  readonly output: DeviceOutput;
  /** The harness process: firmware ELF, harness binary, baud rate, abort signal. */
  readonly harness?: Omit<FilHarnessOptions, "uid">;
  /** Seed of the link-fault randomness and of the default uid. @default 1 */
  readonly seed?: number;
  /**
   * Unit id in the board's EEPROM (8 hex digits); null: an erased EEPROM (the firmware draws one
   * at its first boot). @default derived from the seed as the emulated device's
   */
  readonly uid?: string | null;
  /** Faults from the start; times in device seconds. */
  readonly faults?: readonly FaultSpec[];
  /** The bridge answers `EMU` lines (plant and link faults); false: they reach the firmware. @default true */
  readonly interceptEmu?: boolean;
  /** Lockstep period [device ms]. @default 20 */
  readonly stepMs?: number;
  /** Largest pulse count made on D2 in one step; a larger jump of the plant's counter is skipped and counted. @default 100000 */
  readonly maxPulsesPerStep?: number;
  /** Ground-truth notifications (fault starts and ends, link, reboots). */
  readonly onEvent?: (e: EmulatorEvent) => void;
}

/** Counters of the far end, for reports (link effects, pulses that could not be made). */
export interface FilDeviceStats {
  steps: number;
  linesDropped: number;
  bytesCorrupted: number;
  bytesLostWhileDown: number;
  emuLines: number;
  resets: number;
  /** Plant pulse-counter jumps too large to make as edges on D2 (skipped). */
  pulseJumpsSkipped: number;
  /** Bytes the firmware sent in a step during which a reset was requested (before the reset, to nobody). */
  bytesLostToReset: number;
}

/** The emulated device's default uid for a seed, so both devices of one seed say the same HELLO uid. */
export function defaultUidForSeed(seed: number): string {
  const n = new SeededRng(seed ^ 0x4c54).nextUint32() || 0x4c540001;
  const v = n === 0xffffffff ? 0x4c540001 : n;
  return v.toString(16).toUpperCase().padStart(8, "0");
}

export class FilDevice {
  readonly stats: FilDeviceStats = {
    steps: 0,
    linesDropped: 0,
    bytesCorrupted: 0,
    bytesLostWhileDown: 0,
    emuLines: 0,
    resets: 0,
    pulseJumpsSkipped: 0,
    bytesLostToReset: 0,
  };
  /** The uid preset in EEPROM (null: the firmware drew its own; see its HELLO). */
  readonly uid: string | null;
  readonly harness: FilHarness;
  /** The last step's outputs (what the firmware drove). */
  lastStep: FilStepResult | null = null;
  private readonly plant: DevicePlant;
  private readonly output: DeviceOutput;
  private readonly bridge: FilLinkBridge;
  private readonly onEvent: ((e: EmulatorEvent) => void) | undefined;
  private readonly stepMs: number;
  private readonly maxPulsesPerStep: number;
  private readonly sensors: SensorCounts = { adcHot: 0, adcCold: 0, adcAmb: 0, pulses: 0 };
  private readonly faults: FaultSchedule;
  private readonly duty: Record<PwmChannel, number> = { pump: 0, heater: 0, fan: 0 };
  private now = 0;
  private lastResetMs = 0;
  private lastPulses = 0;
  private linkDownUntilMs = -1;
  private pendingIn: Uint8Array[] = [];
  private stepInFlight = false;
  private discardStepOutput = false;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(harness: FilHarness, options: FilDeviceOptions, uid: string | null) {
    this.harness = harness;
    this.uid = uid;
    this.plant = options.plant;
    this.output = options.output;
    this.onEvent = options.onEvent;
    this.stepMs = options.stepMs ?? 20;
    if (!(this.stepMs >= 0.1 && this.stepMs <= 1000))
      throw new RangeError(`stepMs must be 0.1-1000 ms (got ${options.stepMs})`);
    this.maxPulsesPerStep = options.maxPulsesPerStep ?? 100_000;
    this.bridge = new FilLinkBridge({
      seed: options.seed ?? 1,
      interceptEmu: options.interceptEmu ?? true,
      onEmu: (spec) => this.applyEmu(spec),
    });
    this.faults = new FaultSchedule({
      plant: this.plant,
      onEvent: this.onEvent,
      onStart: (spec, tS) => {
        if (spec.kind === "device_reboot") this.reboot("WDT");
        if (spec.kind === "link_disconnect") {
          this.linkDownUntilMs = Math.max(this.linkDownUntilMs, spec.endS * 1000);
          if (this.bridge.linkUp) this.onEvent?.({ kind: "link_down", tS });
          this.bridge.linkUp = false;
        }
      },
    });
    for (const spec of options.faults ?? []) this.faults.add(spec);
    for (const ch of ["pump", "heater", "fan"] as const) this.plant.setDuty(ch, 0);
    this.plant.readSensors(this.sensors);
    this.lastPulses = this.sensors.pulses;
  }

  /** Starts the harness (the MCU powers up at device time 0). */
  static async start(options: FilDeviceOptions): Promise<FilDevice> {
    const uid = options.uid === undefined ? defaultUidForSeed(options.seed ?? 1) : options.uid;
    const harness = await FilHarness.start({
      ...options.harness,
      ...(uid !== null ? { uid } : {}),
    });
    try {
      return new FilDevice(harness, options, uid);
    } catch (e) {
      await harness.close();
      throw e;
    }
  }

  /** Device time [ms since the harness started]. */
  get nowMs(): number {
    return this.now;
  }

  /** The firmware's millis() now, to the step (it restarts at every reset). */
  get millis(): number {
    return Math.floor(this.now - this.lastResetMs) % UINT32;
  }

  /** False while a `link_disconnect` fault holds the link down. */
  get linkUp(): boolean {
    return this.bridge.linkUp;
  }

  /** The duty the plant received last (what the firmware drove), 0-255. */
  dutyOf(channel: PwmChannel): number {
    return this.duty[channel];
  }

  /** Counters of the bridge and the device, as one flat record. */
  counters(): Readonly<Record<string, number>> {
    const b = this.bridge.stats;
    return {
      ...this.stats,
      linesDropped: b.linesDropped,
      bytesCorrupted: b.bytesCorrupted,
      bytesLostWhileDown: b.bytesLostWhileDown,
      emuLines: b.emuLines,
    };
  }

  /** Bytes from the host, arriving now (they reach UART0 at the next step). */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const answers: string[] = [];
    const forward = this.bridge.fromHost(bytes, answers);
    if (forward.length > 0) this.pendingIn.push(forward);
    if (answers.length > 0) this.toHost(Buffer.from(answers.join(""), "latin1"));
  }

  /**
   * Runs the firmware and the plant to device time `tMs` in lockstep, writing what the firmware
   * sends to the output on the way. Calls are serialised.
   */
  advanceTo(tMs: number): Promise<void> {
    const next = this.running.then(() => this.runTo(tMs));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Injects a fault now (as `EMU` does): start and end relative to the current device time. */
  injectFault(spec: FaultSpec): void {
    this.faults.addRelative(spec, this.now / 1000);
    this.updateFaults();
  }

  /** Clears every fault (plant and link). */
  clearFaults(): void {
    this.faults.clear(this.now);
    this.bridge.corruptRate = 0;
    this.bridge.dropRate = 0;
    if (!this.bridge.linkUp) {
      this.bridge.linkUp = true;
      this.linkDownUntilMs = this.now;
      this.onEvent?.({ kind: "link_up", tS: this.now / 1000 });
    }
  }

  /**
   * Resets the MCU now (the reset pin for EXTERNAL, e.g. an Uno's DTR when the port opens). Host
   * bytes not yet on the wire are lost, and so is what a step still running wrote: that was sent
   * before the reset, to nobody (the reset takes effect when the step ends).
   */
  reboot(cause: ResetCause = "EXTERNAL"): void {
    this.pendingIn = [];
    if (this.stepInFlight) this.discardStepOutput = true;
    this.harness.reset(cause);
  }

  /** Stops the harness. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await this.harness.close();
  }

  // ---------------------------------------------------------------- internals

  private async runTo(tMs: number): Promise<void> {
    // Device time moves in whole microseconds (the harness's unit).
    const targetMs = Math.ceil(tMs * 1000) / 1000;
    while (this.now < targetMs && !this.closed) {
      this.updateFaults();
      const next = Math.min(targetMs, this.now + this.stepSpanMs(targetMs), this.faults.nextMs());
      const endMs =
        Math.ceil((next > this.now ? next : Math.min(targetMs, this.now + this.stepMs)) * 1000) / 1000;
      await this.step(Math.max(endMs, this.now + 0.001));
    }
  }

  /**
   * Device time [ms] of the next step toward `targetMs`: `stepMs`, except that a remainder under
   * half a step is not left for a step of its own; the last two steps share the span. A sliver of
   * a step (a chunk of 20.5 ms at speed 1 on a loaded machine was 20 + 0.5) squeezed whatever flow
   * pulses it carried into a fraction of a millisecond, shorter than the firmware's loop, and the
   * firmware missed them: a harness artefact, 2 % of the pulses at 376 Hz.
   */
  private stepSpanMs(targetMs: number): number {
    const leftMs = targetMs - this.now;
    if (leftMs > this.stepMs && leftMs < 1.5 * this.stepMs) return leftMs / 2;
    return this.stepMs;
  }

  private async step(endMs: number): Promise<void> {
    const startMs = this.now;
    const s = this.sensors;
    this.plant.advanceTo(startMs / 1000);
    this.plant.readSensors(s);
    let pulses = (((s.pulses - this.lastPulses) % UINT32) + UINT32) % UINT32;
    this.lastPulses = s.pulses;
    if (pulses > this.maxPulsesPerStep) {
      this.stats.pulseJumpsSkipped++;
      pulses = 0;
    }
    for (const chunk of this.pendingIn) this.harness.send(chunk);
    this.pendingIn = [];
    this.stepInFlight = true;
    let r: FilStepResult;
    try {
      r = await this.harness.run(endMs * 1000, s.adcHot, s.adcCold, s.adcAmb, pulses);
    } finally {
      this.stepInFlight = false;
    }
    const discard = this.discardStepOutput;
    this.discardStepOutput = false;
    this.lastStep = r;
    this.stats.steps++;
    const spanUs = r.endUs - startMs * 1000;
    this.setDuty("pump", r.pumpDuty);
    this.setDuty("fan", r.fanDuty);
    this.setDuty("heater", spanUs > 0 ? Math.min(255, (255 * r.heaterOnUs) / spanUs) : r.heaterOn ? 255 : 0);
    this.now = r.endUs / 1000;
    this.plant.advanceTo(this.now / 1000);
    for (const reset of r.resets) {
      this.stats.resets++;
      this.lastResetMs = reset.atUs / 1000;
      this.onEvent?.({
        kind: "reboot",
        tS: reset.atUs / 1e6,
        cause: reset.cause === "UNKNOWN" ? "POWERON" : reset.cause,
      });
    }
    if (r.uartOut.length > 0) {
      if (discard) this.stats.bytesLostToReset += r.uartOut.length;
      else this.toHost(r.uartOut);
    }
  }

  private setDuty(channel: PwmChannel, duty: number): void {
    if (this.duty[channel] === duty) return;
    this.duty[channel] = duty;
    this.plant.setDuty(channel, duty);
  }

  private toHost(chunk: Buffer): void {
    const out = this.bridge.toHost(chunk);
    if (out !== null) this.output.write(out);
  }

  private applyEmu(spec: string): string {
    if (spec === "clear") {
      this.clearFaults();
      return "";
    }
    // Takes effect at the next step, after the bridge's ACK (a link_disconnect or a device_reboot
    // must not eat it), as on the emulated device; "syntax" as it answers what is not a fault spec
    // or not applicable to this plant.
    return this.faults.addFromEmu(spec, this.now / 1000) ? "" : "syntax";
  }

  /** Starts and ends faults due now; link faults set the bridge, `device_reboot` resets the MCU. */
  private updateFaults(): void {
    this.faults.update(this.now);
    if (!this.bridge.linkUp && this.now >= this.linkDownUntilMs) {
      this.bridge.linkUp = true;
      this.onEvent?.({ kind: "link_up", tS: this.now / 1000 });
    }
    this.bridge.corruptRate = this.faults.corruptRate;
    this.bridge.dropRate = this.faults.dropRate;
  }
}
