/**
 * The emulated device's boundaries: the plant behind its pins, where its bytes go, and the ground
 * truth it reports. In a file of their own so that the device (emulatedDevice.ts) and its fault
 * schedule (faultSchedule.ts), which both speak of them, do not import each other.
 */
import type { FaultSpec } from "../../model/faultSpec.js";
import type { PwmChannel, ResetCause } from "../../protocol/messages.js";

/** Sensor readings of the plant, as the device's pins see them. */
export interface SensorCounts {
  /** 12-bit oversampled counts 0-4092 per probe. */
  adcHot: number;
  adcCold: number;
  adcAmb: number;
  /** Cumulative flow pulses since the last {@link DevicePlant.resetPulses} (uint32). */
  pulses: number;
}

/**
 * The plant behind the device's pins: actuators in, sensor counts out, in plant seconds (the
 * device's virtual time / 1000). An adapter around the model's plant simulator implements it.
 */
export interface DevicePlant {
  /** Integrates the plant up to `tS` (never called with a smaller `tS` than before). */
  advanceTo(tS: number): void;
  /** Applies a duty 0-255 from the current plant time on. */
  setDuty(channel: PwmChannel, duty: number): void;
  /** Reads the sensors at the current plant time into `out`. */
  readSensors(out: SensorCounts): void;
  /** Adds a physical, sensor or flow-meter fault (times in plant seconds); throws a ConfigError if not applicable. */
  addFault(spec: FaultSpec): void;
  clearFaults(): void;
  /** The flow counter restarts at 0 (the device rebooted). */
  resetPulses(): void;
}

/** Where the device's bytes go (the mock port, the pseudo-terminal). */
export interface DeviceOutput {
  /** A chunk of device output, whole lines, possibly several. */
  write(chunk: Buffer): void;
}

/** Ground truth of emulator faults and device-level happenings, for labels and transports. */
export type EmulatorEvent =
  | { readonly kind: "fault_start"; readonly tS: number; readonly spec: FaultSpec; readonly text: string }
  | { readonly kind: "fault_end"; readonly tS: number; readonly spec: FaultSpec; readonly text: string }
  | { readonly kind: "link_down"; readonly tS: number }
  | { readonly kind: "link_up"; readonly tS: number }
  | { readonly kind: "reboot"; readonly tS: number; readonly cause: ResetCause };
