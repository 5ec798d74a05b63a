/**
 * The two implementations of the device, set up to replay a behaviour session: the TypeScript
 * emulated device, and the firmware in simavr (firmware in the loop). Both read a scripted plant
 * whose sensors the session sets, so both see the same counts at the same device time.
 */
import type { FaultSpec } from "../../src/model/faultSpec.js";
import type { PwmChannel, ResetCause } from "../../src/protocol/messages.js";
import {
  type DevicePlant,
  EmulatedDevice,
  type SensorCounts,
} from "../../src/rig/emulator/emulatedDevice.js";
import { FilDevice } from "../../src/rig/fil/filDevice.js";
import type { SensorValues, Session, SessionDevice, TimedLine } from "./sessionScript.js";

const UINT32 = 4294967296;

/** Sensors as the session sets them (held until changed); duties recorded. */
export class ScriptedPlant implements DevicePlant {
  tS = 0;
  hot = 2048;
  cold = 2048;
  amb = 2048;
  /** Cumulative flow pulses as the session sets them (uint32). */
  pulses = 0;
  private pulseBase = 0;
  readonly duties: Record<PwmChannel, number> = { pump: 0, heater: 0, fan: 0 };

  advanceTo(tS: number): void {
    if (tS > this.tS) this.tS = tS;
  }
  setDuty(channel: PwmChannel, duty: number): void {
    this.duties[channel] = duty;
  }
  readSensors(out: SensorCounts): void {
    out.adcHot = this.hot;
    out.adcCold = this.cold;
    out.adcAmb = this.amb;
    out.pulses = (((this.pulses - this.pulseBase) % UINT32) + UINT32) % UINT32;
  }
  /** Faults the emulator was asked to inject (the scripted sensors ignore them). */
  readonly faults: FaultSpec[] = [];
  addFault(spec: FaultSpec): void {
    this.faults.push(spec);
  }
  clearFaults(): void {
    this.faults.length = 0;
  }
  resetPulses(): void {
    this.pulseBase = this.pulses;
  }
  set(values: SensorValues): void {
    if (values.hot !== undefined) this.hot = values.hot;
    if (values.cold !== undefined) this.cold = values.cold;
    if (values.amb !== undefined) this.amb = values.amb;
    if (values.pulses !== undefined) this.pulses = values.pulses;
  }
}

/** Splits a device byte stream into lines stamped with the time they arrived. */
class LineCollector {
  readonly lines: TimedLine[] = [];
  private partial = "";
  constructor(private readonly now: () => number) {}
  write(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString("latin1")).split("\n");
    this.partial = parts.pop() ?? "";
    const tMs = this.now();
    for (const line of parts) this.lines.push({ tMs, line });
  }
}

function bootCause(session: Session): ResetCause {
  const d = session.directives[0];
  return d?.kind === "boot" ? d.cause : "POWERON";
}

/** The emulated device on the session's clock, answering `EMU` as the firmware does (NAK unknown). */
export function emulatorSessionDevice(session: Session): SessionDevice & { readonly device: EmulatedDevice } {
  const plant = new ScriptedPlant();
  let device: EmulatedDevice | null = null;
  const collector = new LineCollector(() => device?.nowMs ?? 0);
  device = new EmulatedDevice({
    plant,
    output: collector,
    seed: 1,
    resetCause: bootCause(session),
    acceptEmu: false,
  });
  const dev = device;
  return {
    device: dev,
    lines: collector.lines,
    // In 1 ms steps, so every line is stamped with the millisecond the device wrote it.
    advanceTo: async (tMs) => {
      for (let t = Math.floor(dev.nowMs) + 1; t < tMs; t++) dev.advanceTo(t);
      dev.advanceTo(tMs);
    },
    receive: (bytes) => dev.receive(bytes),
    setSensors: (v) => plant.set(v),
  };
}

/** Largest pulse-counter jump the flow pin makes within one step (more is not a flow meter). */
export const FIL_SESSION_MAX_PULSES = 10_000;

export interface FilSessionDevice extends SessionDevice {
  readonly device: FilDevice;
  /** True once the session set a pulse count no flow meter can reach (then the TLM pulses differ). */
  readonly pulsesUnreachable: boolean;
  close(): Promise<void>;
}

/**
 * The firmware in simavr, power-on at session time 0 (or reset at 0 with the session's cause),
 * with a uid in EEPROM (a board that has booted before) and EMU lines reaching the firmware.
 */
export async function filSessionDevice(session: Session, stepMs = 2): Promise<FilSessionDevice> {
  const plant = new ScriptedPlant();
  let device: FilDevice | null = null;
  const collector = new LineCollector(() => device?.nowMs ?? 0);
  device = await FilDevice.start({
    plant,
    output: collector,
    seed: 1,
    uid: "0000BEEF",
    interceptEmu: false,
    stepMs,
    maxPulsesPerStep: FIL_SESSION_MAX_PULSES,
  });
  const dev = device;
  const cause = bootCause(session);
  if (cause !== "POWERON") dev.reboot(cause);
  let unreachable = false;
  return {
    device: dev,
    lines: collector.lines,
    get pulsesUnreachable() {
      return unreachable;
    },
    advanceTo: (tMs) => dev.advanceTo(tMs),
    receive: (bytes) => dev.receive(bytes),
    setSensors: (v) => {
      if (v.pulses !== undefined) {
        const jump = (((v.pulses - plant.pulses) % UINT32) + UINT32) % UINT32;
        if (jump > FIL_SESSION_MAX_PULSES) unreachable = true;
      }
      plant.set(v);
    },
    close: () => dev.close(),
  };
}

/** Full scale of the firmware's counts: 16 x 1023 >> 2 (a session may set more; a real ADC cannot read it). */
export const ADC_FULL_SCALE_COUNTS = 4092;

/**
 * A TLM pattern as the firmware on a real ADC and flow pin can meet it: counts above full scale
 * read full scale, and once the session set an unreachable pulse count the pulses field is `{u}`.
 */
export function relaxTlmForFil(pattern: string, pulsesUnreachable: boolean): string {
  if (!pattern.startsWith("TLM,")) return pattern;
  const f = pattern.split(",");
  for (const i of [3, 4, 5]) {
    const v = f[i];
    if (v !== undefined && /^\d+$/.test(v) && Number(v) > ADC_FULL_SCALE_COUNTS)
      f[i] = String(ADC_FULL_SCALE_COUNTS);
  }
  if (pulsesUnreachable && f.length > 6) f[6] = "{u}";
  return f.join(",");
}
