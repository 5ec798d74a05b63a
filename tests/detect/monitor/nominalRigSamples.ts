/**
 * A seeded emulated rig at nominal setpoints, fault-free, sampled into copies: the stream the
 * monitor's setpoint tests feed two monitors alike.
 */
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { copyRigSample, createRigSample, type RigSample } from "../../../src/model/rigSample.js";

/** Pump 200, heater and fan full (0-255 duties). */
export const NOMINAL = { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };
/** NOMINAL with the heater off. */
export const HEATER_OFF = { pumpDuty: 200, heaterDuty: 0, fanDuty: 255 };

/** The rig's samples from 0 s up to `toS` (copied), nominal setpoints throughout. */
export function nominalRigSamples(toS: number, seed: number): RigSample[] {
  const rig = new EmulatedRig({ seed, setpoints: [{ tS: 0, ...NOMINAL }], faults: [] });
  const out: RigSample[] = [];
  while (rig.nextTS <= toS + 1e-9) out.push(copyRigSample(rig.next(), createRigSample()));
  return out;
}
