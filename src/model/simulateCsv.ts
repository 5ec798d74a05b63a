/**
 * CSV text of a simulate run (docs/design.md 5, a contract): the header starts
 * `t_s,t_hot_c,t_cold_c,m_dot_kg_s`; units are in the column names; temperatures in C.
 *
 * Loop model: `t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,ua_w_k,t_amb_c`, and with sensors also
 * `meas_t_hot_c,meas_t_cold_c,meas_t_amb_c,meas_flow_lpm` (the host's conversion of the raw
 * values; empty when a thermistor reads open or short or the flow estimate is not yet defined),
 * `pump_setpoint,heater_setpoint,fan_setpoint` (what the schedules ask for),
 * `pump_duty,heater_duty,fan_duty` (what the device applies; the same in `simulate`),
 * `adc_hot,adc_cold,adc_amb,pulses` (raw TLM values) and the labels `anomaly,changepoint,fault`
 * (SKAB-style 0/1, and the active fault kinds joined by `+`).
 *
 * Seed model: `t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,q_out_w`.
 *
 * Fixed decimals make the text deterministic: the same run gives byte-identical output.
 */
import { faultLabel } from "./plantSimulator.js";
import type { LoopRow, RunRow, SeedRow } from "./simulateRun.js";

export const LOOP_TRUE_COLUMNS = [
  "t_s",
  "t_hot_c",
  "t_cold_c",
  "m_dot_kg_s",
  "q_in_w",
  "ua_w_k",
  "t_amb_c",
] as const;
export const LOOP_SENSOR_COLUMNS = [
  "meas_t_hot_c",
  "meas_t_cold_c",
  "meas_t_amb_c",
  "meas_flow_lpm",
  "pump_setpoint",
  "heater_setpoint",
  "fan_setpoint",
  "pump_duty",
  "heater_duty",
  "fan_duty",
  "adc_hot",
  "adc_cold",
  "adc_amb",
  "pulses",
  "anomaly",
  "changepoint",
  "fault",
] as const;
export const SEED_COLUMNS = ["t_s", "t_hot_c", "t_cold_c", "m_dot_kg_s", "q_in_w", "q_out_w"] as const;

/** The header line (without newline). */
export function csvHeader(model: "loop" | "seed", sensors: boolean): string {
  if (model === "seed") return SEED_COLUMNS.join(",");
  return (sensors ? [...LOOP_TRUE_COLUMNS, ...LOOP_SENSOR_COLUMNS] : [...LOOP_TRUE_COLUMNS]).join(",");
}

/** Decimals needed to print multiples of `dtS` exactly (at most 9). */
export function timeDecimals(dtS: number): number {
  for (let d = 0; d < 9; d++) {
    const scaled = dtS * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 9;
}

function fixed(x: number, decimals: number): string {
  return Number.isFinite(x) ? x.toFixed(decimals) : "";
}

/** Formats rows of one run; construct once per run. */
export class CsvRowFormatter {
  private readonly tDecimals: number;
  private readonly sensors: boolean;

  constructor(dtS: number, sensors: boolean) {
    this.tDecimals = timeDecimals(dtS);
    this.sensors = sensors;
  }

  /** One CSV line (without newline). */
  format(row: RunRow): string {
    return row.model === "loop" ? this.loop(row) : this.seed(row);
  }

  private seed(r: SeedRow): string {
    return `${r.tS.toFixed(this.tDecimals)},${fixed(r.tHotC, 6)},${fixed(r.tColdC, 6)},${fixed(r.mDotKgS, 8)},${fixed(r.qInW, 4)},${fixed(r.qOutW, 4)}`;
  }

  private loop(r: LoopRow): string {
    const s = r.sample;
    const truth = `${s.tS.toFixed(this.tDecimals)},${fixed(s.tHotC, 6)},${fixed(s.tColdC, 6)},${fixed(s.mDotKgS, 8)},${fixed(s.qInW, 4)},${fixed(s.uaWK, 5)},${fixed(s.tAmbC, 4)}`;
    if (!this.sensors) return truth;
    return `${truth},${fixed(r.measTHotC, 3)},${fixed(r.measTColdC, 3)},${fixed(r.measTAmbC, 3)},${fixed(r.measFlowLpm, 3)},${r.pumpSetpoint},${r.heaterSetpoint},${r.fanSetpoint},${s.pumpDuty},${s.heaterDuty},${s.fanDuty},${s.adcHot},${s.adcCold},${s.adcAmb < 0 ? "" : s.adcAmb},${s.pulses},${s.anomaly},${s.changepoint},${faultLabel(s.faultMask)}`;
  }
}
