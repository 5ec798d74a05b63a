/**
 * Export of the visible window as CSV (docs/web.md "Export"): one row per sample, units in the
 * column names as in `looptwin simulate` (docs/design.md 5), residuals in units of their alarm
 * band, an empty field where a value is unknown (the twin before its first sample).
 */
import { type PageStore, type RowRange, STORE_COLUMNS, type StoreColumn } from "./pageStore.js";

/** CSV header name of each store column. */
export const CSV_COLUMN_NAMES: Readonly<Record<StoreColumn, string>> = {
  tHotC: "t_hot_c",
  tColdC: "t_cold_c",
  twinTHotC: "twin_t_hot_c",
  twinTColdC: "twin_t_cold_c",
  flowLpm: "flow_lpm",
  twinFlowLpm: "twin_flow_lpm",
  resTHotBand: "res_t_hot_band",
  resTColdBand: "res_t_cold_band",
  resFlowBand: "res_flow_band",
  pumpSetpoint: "pump_setpoint",
  pumpApplied: "pump_applied",
  heaterSetpoint: "heater_setpoint",
  heaterApplied: "heater_applied",
  fanSetpoint: "fan_setpoint",
  fanApplied: "fan_applied",
};

export const CSV_HEADER = ["t_s", ...STORE_COLUMNS.map((c) => CSV_COLUMN_NAMES[c])].join(",");

function cell(v: number, decimals: number): string {
  return Number.isFinite(v) ? v.toFixed(decimals) : "";
}

/** The rows of `range` as CSV text (header first, `\n` line ends, a final newline). */
export function rangeToCsv(store: PageStore, range: RowRange): string {
  const t = store.timeOf(range);
  const cols = STORE_COLUMNS.map((c) => store.columnOf(c, range));
  const lines: string[] = [CSV_HEADER];
  for (let i = 0; i < t.length; i++) {
    let line = cell(t[i] as number, 3);
    for (const col of cols) line += `,${cell(col[i] as number, 4)}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

/** A file name for an export taken at rig time `tS`: `looptwin-window-123.4s.csv`. */
export function exportFileName(tS: number, ext: "csv" | "png"): string {
  return `looptwin-window-${Number.isFinite(tS) ? tS.toFixed(1) : "0"}s.${ext}`;
}
