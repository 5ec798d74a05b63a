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
 * Fixed decimals make the text deterministic: the same run gives byte-identical output. Rows are
 * written field by field into a {@link CsvWriter} (no string per row: issue 16).
 */
import { type CsvWriter, FixedMemo } from "../core/csvWriter.js";
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

/** Writes the rows of one run; construct once per run. Numbers have fixed decimals per column. */
export class CsvRowFormatter {
  private readonly tDecimals: number;
  private readonly sensors: boolean;
  /** Columns that hold a parameter or a schedule's value, mostly the same from row to row. */
  private readonly mDot = new FixedMemo();
  private readonly qIn = new FixedMemo();
  private readonly qOut = new FixedMemo();
  private readonly ua = new FixedMemo();
  private readonly tAmb = new FixedMemo();

  constructor(dtS: number, sensors: boolean) {
    this.tDecimals = timeDecimals(dtS);
    this.sensors = sensors;
  }

  /** One CSV line, newline included. */
  write(row: RunRow, out: CsvWriter): void {
    if (row.model === "loop") this.loop(row, out);
    else this.seed(row, out);
    out.newline();
  }

  /** The columns both models start with: t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w. */
  private common(
    out: CsvWriter,
    tS: number,
    tHotC: number,
    tColdC: number,
    mDotKgS: number,
    qInW: number,
  ): void {
    out.fixed(tS, this.tDecimals);
    out.comma();
    out.fixed(tHotC, 6);
    out.comma();
    out.fixed(tColdC, 6);
    out.comma();
    out.fixedRepeated(mDotKgS, 8, this.mDot);
    out.comma();
    out.fixedRepeated(qInW, 4, this.qIn);
  }

  private seed(r: SeedRow, out: CsvWriter): void {
    this.common(out, r.tS, r.tHotC, r.tColdC, r.mDotKgS, r.qInW);
    out.comma();
    out.fixedRepeated(r.qOutW, 4, this.qOut);
  }

  private loop(r: LoopRow, out: CsvWriter): void {
    const s = r.sample;
    this.common(out, s.tS, s.tHotC, s.tColdC, s.mDotKgS, s.qInW);
    out.comma();
    out.fixedRepeated(s.uaWK, 5, this.ua);
    out.comma();
    out.fixedRepeated(s.tAmbC, 4, this.tAmb);
    if (!this.sensors) return;
    out.comma();
    out.fixed(r.measTHotC, 3);
    out.comma();
    out.fixed(r.measTColdC, 3);
    out.comma();
    out.fixed(r.measTAmbC, 3);
    out.comma();
    out.fixed(r.measFlowLpm, 3);
    out.comma();
    out.int(r.pumpSetpoint);
    out.comma();
    out.int(r.heaterSetpoint);
    out.comma();
    out.int(r.fanSetpoint);
    out.comma();
    out.int(s.pumpDuty);
    out.comma();
    out.int(s.heaterDuty);
    out.comma();
    out.int(s.fanDuty);
    out.comma();
    out.int(s.adcHot);
    out.comma();
    out.int(s.adcCold);
    out.comma();
    if (s.adcAmb >= 0) out.int(s.adcAmb);
    out.comma();
    out.int(s.pulses);
    out.comma();
    out.int(s.anomaly);
    out.comma();
    out.int(s.changepoint);
    out.comma();
    out.text(faultLabel(s.faultMask));
  }
}
