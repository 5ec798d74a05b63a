/**
 * The model's plant simulator behind the emulated device's pins (the {@link DevicePlant} the
 * device drives): duties in, counts and pulses out. The device's flow counter restarts at a
 * reboot while the plant's keeps counting, so the adapter reports pulses since the last reboot.
 */

import type { FaultSpec } from "../../model/faultSpec.js";
import {
  createPlantSample,
  type PlantSample,
  PlantSimulator,
  type PlantSimulatorOptions,
} from "../../model/plantSimulator.js";
import type { PwmChannel } from "../../protocol/messages.js";
import type { DevicePlant, SensorCounts } from "./emulatedDevice.js";

const UINT32 = 4294967296;

export class PlantDeviceAdapter implements DevicePlant {
  readonly simulator: PlantSimulator;
  /** The latest plant sample (true states and labels), as of the last sensor read. */
  readonly lastSample: PlantSample = createPlantSample();
  private pulseBase = 0;

  constructor(simulator: PlantSimulator | PlantSimulatorOptions = {}) {
    this.simulator = simulator instanceof PlantSimulator ? simulator : new PlantSimulator(simulator);
  }

  advanceTo(tS: number): void {
    if (tS > this.simulator.tS) this.simulator.advanceTo(tS);
  }

  setDuty(channel: PwmChannel, duty: number): void {
    this.simulator.setDuty(channel, duty);
  }

  readSensors(out: SensorCounts): void {
    const s = this.simulator.sample(this.lastSample);
    out.adcHot = s.adcHot;
    out.adcCold = s.adcCold;
    out.adcAmb = s.adcAmb < 0 ? 0 : s.adcAmb;
    out.pulses = (s.pulses - this.pulseBase + UINT32) % UINT32;
  }

  addFault(spec: FaultSpec): void {
    this.simulator.addFault(spec);
  }

  clearFaults(): void {
    this.simulator.clearFaults();
  }

  resetPulses(): void {
    this.pulseBase = this.simulator.sample(this.lastSample, false).pulses;
  }
}
