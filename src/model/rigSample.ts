/**
 * One rig sample in engineering units: the common currency of every mode (live, emulated,
 * replayed, HIL). Sources fill it from TLM lines; the twin, the detectors, the dashboard and the
 * recording read it. Created once per source and overwritten per sample (no allocation).
 */
export interface RigSample {
  /** Rig time [s]: device time, unwrapped across t_ms wraps and kept monotonic across reboots. */
  tS: number;
  /** TLM sequence number as sent (uint32). */
  seq: number;
  /** Device millis as sent (uint32). */
  tMs: number;
  /** Heater-outlet temperature [C]; NaN when the thermistor reads open or short. */
  tHotC: number;
  /** Radiator-outlet temperature [C]; NaN when open or short. */
  tColdC: number;
  /** Ambient temperature [C]; NaN when the rig has no ambient probe, or it is open or short. */
  tAmbC: number;
  /** Flow [L/min] from the pulse count over the estimator's window; NaN until it spans some time. */
  flowLpm: number;
  /** Raw 12-bit counts as sent; `adcAmb` is -1 when the field was empty. */
  adcHot: number;
  adcCold: number;
  adcAmb: number;
  /** Cumulative flow pulses as sent (uint32). */
  pulses: number;
  /** Duties applied by the device now, 0-255. */
  pumpDuty: number;
  heaterDuty: number;
  fanDuty: number;
  /** TLM flags (see TLM_FLAGS). */
  flags: number;
}

/** TLM flag bits (docs/design.md 4). */
export const TLM_FLAGS = {
  holdActive: 1 << 0,
  heartbeatLost: 1 << 1,
  overTemp: 1 << 2,
  sensorOutOfRange: 1 << 3,
  watchdogReset: 1 << 4,
} as const;

export function createRigSample(): RigSample {
  return {
    tS: 0,
    seq: 0,
    tMs: 0,
    tHotC: Number.NaN,
    tColdC: Number.NaN,
    tAmbC: Number.NaN,
    flowLpm: Number.NaN,
    adcHot: 0,
    adcCold: 0,
    adcAmb: -1,
    pulses: 0,
    pumpDuty: 0,
    heaterDuty: 0,
    fanDuty: 0,
    flags: 0,
  };
}

export function copyRigSample(from: RigSample, to: RigSample): RigSample {
  Object.assign(to, from);
  return to;
}
