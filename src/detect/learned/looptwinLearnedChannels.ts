/**
 * The learned detector's channels on the project's own data (a `simulate --sensors` CSV or a
 * recording turned into the same columns): what the rig measures, together with the twin's
 * residuals, so that the learned detector and the twin combine (issue 6, section 1).
 *
 * A looptwin table holds much more than a detector may see: the simulator's ground truth
 * (`t_hot_c`, `t_cold_c`, `m_dot_kg_s`, `q_in_w`, `ua_w_k`, `t_amb_c`), raw counts (`adc_*`),
 * the cumulative `pulses`, the setpoints and duties (inputs, not measurements). Two channel sets:
 *
 * - `residuals` (the default): the twin's residuals, measured minus the open-loop twin (monitor.ts
 *   run over the table the way monitorTable.ts runs it): `res_t_hot_k`, `res_t_cold_k`,
 *   `res_flow_lpm`. This is what the rig measures with the operator's setpoint changes taken out
 *   by the twin, so the detector learns the rig's noise and model error, not the operating point.
 * - `measured+residuals`: also the raw measurements `meas_t_hot_c`, `meas_t_cold_c`,
 *   `meas_flow_lpm` and `meas_t_amb_c` (when present). Measured on 24 h seeded runs
 *   (scripts/evalLearnedLooptwin.ts): the raw measurements' levels and slopes follow every pump
 *   and heater step, and a step larger than any in the training hour (the detector cannot know
 *   the operating points it has not seen) alarms on nominal data; so this set is for runs whose
 *   training rows cover every operating point, not the default.
 *
 * Missing values (no flow estimate before the host's flow window fills, an open or shorted
 * thermistor, the twin's residuals before its first prediction) are carried: each NaN takes the
 * last finite value of its channel; NaNs before a channel's first finite value take that first
 * finite value (or 0 when the channel never has one). A held value scores as "no change", so a
 * sensor that goes open is left to the twin's own detectors (open/short, flatline) and never
 * crashes or poisons the learned detector's training statistics. The number of filled cells per
 * channel is reported.
 *
 * Pure: table in, table out; time is the table's.
 */
import { InputFileError } from "../../core/errors.js";
import type { LabelledTable } from "../data/labelledTable.js";
import { LOOPTWIN_TIME_COLUMN } from "../data/looptwinCsv.js";
import type { MonitorConfig } from "../monitor/monitor.js";
import { runMonitorOnTable } from "../monitor/monitorTable.js";

/** Which channels the learned detector sees on looptwin data (see the module comment). */
export const LOOPTWIN_CHANNEL_SETS = ["residuals", "measured+residuals"] as const;
export type LooptwinChannelSet = (typeof LOOPTWIN_CHANNEL_SETS)[number];

/** Measured channels of the `measured+residuals` set (ambient when present). */
export const LOOPTWIN_MEASURED_CHANNELS = [
  "meas_t_hot_c",
  "meas_t_cold_c",
  "meas_flow_lpm",
  "meas_t_amb_c",
] as const;

/** The twin's residual channels added for the learned detector. */
export const TWIN_RESIDUAL_CHANNELS = ["res_t_hot_k", "res_t_cold_k", "res_flow_lpm"] as const;

/**
 * Default training span on looptwin data: the first hour of rows (rig time from the first row).
 * Long enough to see the warm-up and, in a run with setpoint steps every ~15 min, several
 * operating points; the learned detector's thresholds come from these rows only.
 */
export const LOOPTWIN_DEFAULT_TRAIN_S = 3600;

/** Whether a table is the project's own data (its time column is `t_s`). */
export function isLooptwinTable(table: LabelledTable): boolean {
  return table.timeColumn === LOOPTWIN_TIME_COLUMN;
}

/** Rows whose time is within `spanS` of the first row's: the default `--train-rows` on looptwin data. */
export function rowsWithinSeconds(table: LabelledTable, spanS: number): number {
  if (table.rowCount === 0) return 0;
  const t0 = table.timeS[0] as number;
  let n = 0;
  while (n < table.rowCount && (table.timeS[n] as number) - t0 < spanS) n++;
  return n;
}

/** The derived table and how many cells of each channel were filled (were NaN). */
export interface LearnedLooptwinTable {
  readonly table: LabelledTable;
  readonly filledCells: Readonly<Record<string, number>>;
}

/**
 * Carries finite values over NaNs in place (see the module comment); returns the number of
 * cells filled.
 */
export function carryFinite(values: Float64Array): number {
  let first = Number.NaN;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i] as number)) {
      first = values[i] as number;
      break;
    }
  if (Number.isNaN(first)) first = 0;
  let last = first;
  let filled = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) last = v;
    else {
      values[i] = last;
      filled++;
    }
  }
  return filled;
}

/**
 * The learned detector's view of a looptwin table: the twin's residuals (twin built from
 * `config`) and, for `measured+residuals`, the measured channels; NaNs carried, labels and time
 * unchanged. The required measured columns are checked whatever the set (the twin reads them).
 */
export function learnedLooptwinTable(
  table: LabelledTable,
  channelSet: LooptwinChannelSet = "residuals",
  config: MonitorConfig = {},
): LearnedLooptwinTable {
  const col = (name: string): Float64Array | undefined => {
    const i = table.channelNames.indexOf(name);
    return i < 0 ? undefined : table.channels[i];
  };
  const names: string[] = [];
  const channels: Float64Array[] = [];
  for (const name of LOOPTWIN_MEASURED_CHANNELS) {
    const c = col(name);
    if (c === undefined) {
      if (name === "meas_t_amb_c") continue;
      throw new InputFileError(
        table.source,
        `missing column ${JSON.stringify(name)} (the learned detector on looptwin data reads ${LOOPTWIN_MEASURED_CHANNELS.slice(0, 3).join(", ")})`,
        { line: 1, column: name },
      );
    }
    if (channelSet === "residuals") continue;
    names.push(name);
    channels.push(Float64Array.from(c));
  }
  const residuals = twinResiduals(table, config);
  TWIN_RESIDUAL_CHANNELS.forEach((name, k) => {
    names.push(name);
    channels.push(residuals[k] as Float64Array);
  });
  const filledCells: Record<string, number> = {};
  names.forEach((name, k) => {
    filledCells[name] = carryFinite(channels[k] as Float64Array);
  });
  return { table: { ...table, channelNames: names, channels }, filledCells };
}

/**
 * Runs a fresh twin monitor over every row (driven as in monitorTable.ts: setpoints when they
 * change, follow-applied, gaps) and returns its residuals [hot K, cold K, flow L/min] per row.
 */
function twinResiduals(table: LabelledTable, config: MonitorConfig): Float64Array[] {
  const n = table.rowCount;
  const resHot = new Float64Array(n);
  const resCold = new Float64Array(n);
  const resFlow = new Float64Array(n);
  runMonitorOnTable(table, config, (i, o) => {
    resHot[i] = o.resTHotK;
    resCold[i] = o.resTColdK;
    resFlow[i] = o.resFlowLpm;
  });
  return [resHot, resCold, resFlow];
}
