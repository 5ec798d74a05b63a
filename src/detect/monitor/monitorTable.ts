/**
 * Runs the monitor (monitor.ts) over a table of the project's own data: a `simulate --sensors`
 * CSV (looptwinCsv.ts) or a recording turned into the same columns. Each row is one sample, in
 * order, with what the host knew at the time:
 *
 * - measurements `meas_t_hot_c`, `meas_t_cold_c`, `meas_flow_lpm` (required), `meas_t_amb_c`;
 * - raw values `adc_hot`, `adc_cold`, `adc_amb`, `pulses` (the stuck and range tests and the
 *   measured-flow twin use them; without `pulses` that twin takes the windowed flow);
 * - the operator's setpoints `pump_setpoint`, `heater_setpoint`, `fan_setpoint` and the applied
 *   duties `pump_duty`, `heater_duty`, `fan_duty` (without setpoints the twin follows the duties);
 * - optional `follow_applied` (1 while the device overrides the setpoints: SAFE, interlock,
 *   reboot) and `gap_s` (seconds of missing samples before this row), which recordings carry;
 * - optional `flags` (TLM flags).
 *
 * A setpoint change is handed to the monitor at the rig time of the row where it first shows.
 * One row per input row comes out: the score, the decision (an alarm condition active) and the
 * diagnosis of the active alarm (empty when none is active).
 */
import { InputFileError } from "../../core/errors.js";
import { createRigSample } from "../../model/rigSample.js";
import type { LabelledTable } from "../data/labelledTable.js";
import { createMonitor, type MonitorConfig } from "./monitor.js";
import type { MonitorOutput } from "./monitorTypes.js";

/** Columns the monitor reads, by role. */
export const MONITOR_TABLE_COLUMNS = {
  tHotC: "meas_t_hot_c",
  tColdC: "meas_t_cold_c",
  tAmbC: "meas_t_amb_c",
  flowLpm: "meas_flow_lpm",
  pumpSetpoint: "pump_setpoint",
  heaterSetpoint: "heater_setpoint",
  fanSetpoint: "fan_setpoint",
  pumpDuty: "pump_duty",
  heaterDuty: "heater_duty",
  fanDuty: "fan_duty",
  adcHot: "adc_hot",
  adcCold: "adc_cold",
  adcAmb: "adc_amb",
  pulses: "pulses",
  flags: "flags",
  followApplied: "follow_applied",
  gapS: "gap_s",
} as const;

const REQUIRED = ["tHotC", "tColdC", "flowLpm"] as const;

/** The monitor's per-row results. */
export interface MonitorTableResult {
  readonly score: Float64Array;
  readonly anomaly: Uint8Array;
  readonly diagnosis: readonly string[];
  /** Alarms raised over the run. */
  readonly alarmsRaised: number;
}

/**
 * Runs a fresh monitor (built from `config`) over every row of `table`. `onRow`, when given, sees
 * the monitor's outputs after each row (overwritten by the next row: copy what you keep).
 */
export function runMonitorOnTable(
  table: LabelledTable,
  config: MonitorConfig = {},
  onRow?: (row: number, output: Readonly<MonitorOutput>) => void,
): MonitorTableResult {
  const col = (name: string): Float64Array | undefined => {
    const i = table.channelNames.indexOf(name);
    return i < 0 ? undefined : table.channels[i];
  };
  const C = MONITOR_TABLE_COLUMNS;
  for (const k of REQUIRED)
    if (col(C[k]) === undefined)
      throw new InputFileError(
        table.source,
        `missing column ${JSON.stringify(C[k])} (the twin's detector needs ${REQUIRED.map((r) => C[r]).join(", ")}; is this a simulate --sensors CSV or a recording?)`,
        { line: 1, column: C[k] },
      );
  const hot = col(C.tHotC) as Float64Array;
  const cold = col(C.tColdC) as Float64Array;
  const flow = col(C.flowLpm) as Float64Array;
  const amb = col(C.tAmbC);
  const spP = col(C.pumpSetpoint);
  const spH = col(C.heaterSetpoint);
  const spF = col(C.fanSetpoint);
  const duP = col(C.pumpDuty);
  const duH = col(C.heaterDuty);
  const duF = col(C.fanDuty);
  const adcHot = col(C.adcHot);
  const adcCold = col(C.adcCold);
  const adcAmb = col(C.adcAmb);
  const pulses = col(C.pulses);
  const flags = col(C.flags);
  const follow = col(C.followApplied);
  const gap = col(C.gapS);
  const pumpCol = spP ?? duP;
  const heaterCol = spH ?? duH;
  const fanCol = spF ?? duF;
  if (pumpCol === undefined || heaterCol === undefined || fanCol === undefined)
    throw new InputFileError(
      table.source,
      "missing the setpoint columns (pump_setpoint, heater_setpoint, fan_setpoint) and the duty columns (pump_duty, heater_duty, fan_duty): the twin needs one or the other",
      { line: 1 },
    );
  const noSetpoints = spP === undefined || spH === undefined || spF === undefined;

  const monitor = createMonitor(config);
  const n = table.rowCount;
  const score = new Float64Array(n);
  const anomaly = new Uint8Array(n);
  const diagnosis: string[] = new Array<string>(n);
  const s = createRigSample();
  let raised = 0;
  let sp = { pumpDuty: Number.NaN, heaterDuty: Number.NaN, fanDuty: Number.NaN };
  let following = false;
  const at = (a: Float64Array | undefined, i: number, fallback: number): number => {
    const v = a?.[i];
    return v === undefined || Number.isNaN(v) ? fallback : v;
  };
  for (let i = 0; i < n; i++) {
    const t = table.timeS[i] as number;
    const p = duty(table, pumpCol, i, spP ? C.pumpSetpoint : C.pumpDuty);
    const h = duty(table, heaterCol, i, spH ? C.heaterSetpoint : C.heaterDuty);
    const f = duty(table, fanCol, i, spF ? C.fanSetpoint : C.fanDuty);
    if (p !== sp.pumpDuty || h !== sp.heaterDuty || f !== sp.fanDuty) {
      sp = { pumpDuty: p, heaterDuty: h, fanDuty: f };
      monitor.setSetpoints(sp, t);
      following = false;
    }
    const wantFollow = noSetpoints || at(follow, i, 0) !== 0;
    if (wantFollow !== following) {
      monitor.followApplied(wantFollow);
      following = wantFollow;
    }
    const g = at(gap, i, 0);
    if (g > 0) monitor.markGap(t - g, t);
    s.tS = t;
    s.seq = i;
    s.tMs = Math.round(t * 1000);
    s.tHotC = hot[i] as number;
    s.tColdC = cold[i] as number;
    s.tAmbC = at(amb, i, Number.NaN);
    s.flowLpm = flow[i] as number;
    s.adcHot = at(adcHot, i, Number.NaN);
    s.adcCold = at(adcCold, i, Number.NaN);
    s.adcAmb = at(adcAmb, i, -1);
    s.pulses = at(pulses, i, Number.NaN);
    s.pumpDuty = at(duP, i, p);
    s.heaterDuty = at(duH, i, h);
    s.fanDuty = at(duF, i, f);
    s.flags = at(flags, i, 0);
    const events = monitor.step(s);
    for (let k = 0; k < events.length; k++) if (events[k]?.type === "raised") raised++;
    const o = monitor.output;
    score[i] = o.score;
    anomaly[i] = o.anomaly ? 1 : 0;
    diagnosis[i] = o.anomaly ? o.diagnosis : "";
    onRow?.(i, o);
  }
  return { score, anomaly, diagnosis, alarmsRaised: raised };
}

/** A duty cell (0-255; an empty cell reads 0), or an InputFileError naming the row and column. */
function duty(table: LabelledTable, values: Float64Array, i: number, name: string): number {
  const v = values[i] as number;
  if (Number.isNaN(v)) return 0;
  if (!(v >= 0 && v <= 255))
    throw new InputFileError(table.source, `a duty must be 0-255 (got ${v})`, { line: i + 2, column: name });
  return v;
}
