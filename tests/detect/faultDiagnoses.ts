/**
 * The diagnosis a correct isolation gives for each of the 15 injectable fault kinds, written by hand
 * from the loop's physics (the signatures in src/detect/diagnosis/isolation.ts's file comment): the
 * expected answers of the isolation tests, kept apart from `expectedDiagnosis` (the code under
 * test, which the HIL runner and the emulator's labels use as ground truth).
 */
import type { Diagnosis } from "../../src/detect/diagnosis/isolation.js";
import type { FaultKind, SensorChannel } from "../../src/model/faultSpec.js";

type PerChannel = Readonly<Record<SensorChannel, Diagnosis>>;

/** A thermistor fault is that thermistor's, the ambient probe's included. */
const THERMISTOR: PerChannel = { hot: "t_hot_sensor", cold: "t_cold_sensor", amb: "t_amb_sensor" };

/** Every fault kind, one row each (a `Record` so that a new kind without a row does not compile). */
export const FAULT_DIAGNOSES: Readonly<Record<FaultKind, Diagnosis | PerChannel>> = {
  pump_degradation: "pump_degradation",
  pump_failure: "pump_failure",
  hx_fouling: "hx_fouling",
  heater_overpower: "heater_fault",
  sensor_bias: THERMISTOR,
  sensor_drift: THERMISTOR,
  sensor_noise: THERMISTOR,
  sensor_stuck: THERMISTOR,
  sensor_open: THERMISTOR,
  sensor_short: THERMISTOR,
  // The meter reads low while the loop's flow is unchanged: the meter's fault, not the pump's.
  flow_blockage: "flow_sensor",
  link_corrupt: "link_fault",
  link_drop: "link_fault",
  link_disconnect: "link_fault",
  device_reboot: "link_fault",
};

/** The row for a fault (a thermistor fault needs its channel). */
export function faultDiagnosis(kind: FaultKind, channel?: SensorChannel): Diagnosis {
  const row = FAULT_DIAGNOSES[kind];
  if (typeof row === "string") return row;
  if (channel === undefined) throw new Error(`${kind}: a thermistor fault needs its channel`);
  return row[channel];
}
