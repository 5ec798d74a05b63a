/** A scripted plant for device tests: counts are set by the test, duties and faults recorded. */
import type { FaultSpec } from "../../src/model/faultSpec.js";
import type { PwmChannel } from "../../src/protocol/messages.js";
import type { DevicePlant, SensorCounts } from "../../src/rig/emulator/emulatedDevice.js";

export class FakePlant implements DevicePlant {
  tS = 0;
  counts = { adcHot: 2000, adcCold: 2100, adcAmb: 2048 };
  /** Pulses per second of plant time. */
  pulseRateHz = 15;
  private pulseBaseS = 0;
  readonly duties: Record<PwmChannel, number> = { pump: 0, heater: 0, fan: 0 };
  readonly dutyLog: { tS: number; channel: PwmChannel; duty: number }[] = [];
  readonly faults: FaultSpec[] = [];

  advanceTo(tS: number): void {
    if (tS < this.tS) throw new Error(`plant time went back from ${this.tS} to ${tS}`);
    this.tS = tS;
  }
  setDuty(channel: PwmChannel, duty: number): void {
    this.duties[channel] = duty;
    this.dutyLog.push({ tS: this.tS, channel, duty });
  }
  readSensors(out: SensorCounts): void {
    out.adcHot = this.counts.adcHot;
    out.adcCold = this.counts.adcCold;
    out.adcAmb = this.counts.adcAmb;
    out.pulses = Math.floor((this.tS - this.pulseBaseS) * this.pulseRateHz) >>> 0;
  }
  addFault(spec: FaultSpec): void {
    if (spec.channel === "amb" && this.counts.adcAmb < 0) throw new Error("no ambient probe");
    this.faults.push(spec);
  }
  clearFaults(): void {
    this.faults.length = 0;
  }
  resetPulses(): void {
    this.pulseBaseS = this.tS;
  }
}
