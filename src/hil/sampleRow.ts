/**
 * One row of the run's history from a sample, the monitor's output and the plant's truth, in
 * {@link SIGNALS} order (column 0 is the scenario time). Writes into a preallocated row.
 */
import type { MonitorOutput } from "../detect/monitor/monitorTypes.js";
import { type RigSample, TLM_FLAGS } from "../model/rigSample.js";
import { type PlantTruth, SIGNAL_INDEX } from "./signals.js";

const I = SIGNAL_INDEX;

/** Fills `row` (length 1 + SIGNALS.length); missing sources give NaN. */
export function fillSignalRow(
  row: Float64Array,
  tS: number,
  s: RigSample,
  o: Readonly<MonitorOutput> | undefined,
  truth: Readonly<PlantTruth> | undefined,
): void {
  row[0] = tS;
  row[1 + I.t_hot_c] = s.tHotC;
  row[1 + I.t_cold_c] = s.tColdC;
  row[1 + I.t_amb_c] = s.tAmbC;
  row[1 + I.delta_t_k] = s.tHotC - s.tColdC;
  row[1 + I.flow_lpm] = s.flowLpm;
  row[1 + I.adc_hot] = s.adcHot;
  row[1 + I.adc_cold] = s.adcCold;
  row[1 + I.pump_duty] = s.pumpDuty;
  row[1 + I.heater_duty] = s.heaterDuty;
  row[1 + I.fan_duty] = s.fanDuty;
  row[1 + I.flag_hold] = (s.flags & TLM_FLAGS.holdActive) !== 0 ? 1 : 0;
  row[1 + I.flag_hb_lost] = (s.flags & TLM_FLAGS.heartbeatLost) !== 0 ? 1 : 0;
  row[1 + I.flag_overtemp] = (s.flags & TLM_FLAGS.overTemp) !== 0 ? 1 : 0;
  row[1 + I.flag_sensor] = (s.flags & TLM_FLAGS.sensorOutOfRange) !== 0 ? 1 : 0;
  row[1 + I.pred_t_hot_c] = o?.predTHotC ?? Number.NaN;
  row[1 + I.pred_t_cold_c] = o?.predTColdC ?? Number.NaN;
  row[1 + I.pred_flow_lpm] = o?.predFlowLpm ?? Number.NaN;
  row[1 + I.res_t_hot_k] = o?.resTHotK ?? Number.NaN;
  row[1 + I.res_t_cold_k] = o?.resTColdK ?? Number.NaN;
  row[1 + I.res_flow_lpm] = o?.resFlowLpm ?? Number.NaN;
  row[1 + I.score] = o?.score ?? Number.NaN;
  row[1 + I.ua_ratio] = o?.uaRatio ?? Number.NaN;
  row[1 + I.pump_ratio] = o?.pumpRatio ?? Number.NaN;
  row[1 + I.true_t_hot_c] = truth?.tHotC ?? Number.NaN;
  row[1 + I.true_t_cold_c] = truth?.tColdC ?? Number.NaN;
  row[1 + I.true_flow_lpm] = truth?.flowLpm ?? Number.NaN;
  row[1 + I.true_ua_ratio] = truth?.uaRatio ?? Number.NaN;
  row[1 + I.true_q_in_w] = truth?.qInW ?? Number.NaN;
}

/** Field-by-field copy of a sample (Object.assign is generic and slower on the per-sample path). */
export function copySample(from: RigSample, to: RigSample): RigSample {
  to.tS = from.tS;
  to.seq = from.seq;
  to.tMs = from.tMs;
  to.tHotC = from.tHotC;
  to.tColdC = from.tColdC;
  to.tAmbC = from.tAmbC;
  to.flowLpm = from.flowLpm;
  to.adcHot = from.adcHot;
  to.adcCold = from.adcCold;
  to.adcAmb = from.adcAmb;
  to.pulses = from.pulses;
  to.pumpDuty = from.pumpDuty;
  to.heaterDuty = from.heaterDuty;
  to.fanDuty = from.fanDuty;
  to.flags = from.flags;
  return to;
}
