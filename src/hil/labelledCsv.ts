/**
 * The labelled data set of a run (docs/design.md 6): SKAB layout, so `looptwin detect --format
 * skab` and `looptwin eval --format skab` read it as they read SKAB's own files: `;`-separated,
 * `datetime` first (`YYYY-MM-DD HH:MM:SS.mmm`, UTC), the measured and twin signals, then `anomaly`
 * (1 while an injected fault is in force) and `changepoint` (1 on the first sample of each injected
 * fault), from the injector's ground truth, never from the detectors.
 *
 * A value that is not a number (an open thermistor, the flow before its first estimate) repeats
 * the column's last number (0 before the first), since SKAB readers need numbers everywhere; the
 * raw counts (`adc_hot`, `adc_cold`) show the fault itself.
 */
import type { FaultInterval, SignalHistory } from "./observations.js";
import { SIGNAL_INDEX, type SignalName } from "./signals.js";

/** Signal columns of the CSV, in order (after `datetime` and `t_s`). */
export const CSV_SIGNALS: readonly SignalName[] = [
  "t_hot_c",
  "t_cold_c",
  "flow_lpm",
  "adc_hot",
  "adc_cold",
  "pump_duty",
  "heater_duty",
  "fan_duty",
  "pred_t_hot_c",
  "pred_t_cold_c",
  "pred_flow_lpm",
  "res_t_hot_k",
  "res_t_cold_k",
  "res_flow_lpm",
  "score",
];

/** Default wall-clock origin of emulated runs (reproducible files). */
export const EMULATED_EPOCH = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));

function datetime(ms: number): string {
  return new Date(Math.round(ms)).toISOString().replace("T", " ").replace("Z", "");
}

function cell(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Math.round(x * 1e6) / 1e6);
}

/** Per-row labels: `anomaly[i]` and `changepoint[i]` for each history row. */
export function labelRows(
  history: SignalHistory,
  faults: readonly FaultInterval[],
): { anomaly: Uint8Array; changepoint: Uint8Array } {
  const n = history.length;
  const anomaly = new Uint8Array(n);
  const changepoint = new Uint8Array(n);
  for (const f of faults) {
    let first = true;
    for (let i = history.firstAtOrAfter(f.startS); i < n && history.timeS(i) < f.endS; i++) {
      anomaly[i] = 1;
      if (first) {
        changepoint[i] = 1;
        first = false;
      }
    }
  }
  return { anomaly, changepoint };
}

/** The CSV text of a run's history with its ground-truth labels. */
export function labelledCsv(
  history: SignalHistory,
  faults: readonly FaultInterval[],
  origin = EMULATED_EPOCH,
): string {
  const { anomaly, changepoint } = labelRows(history, faults);
  const cols = CSV_SIGNALS.map((s) => SIGNAL_INDEX[s]);
  const last = new Float64Array(cols.length);
  const lines: string[] = [["datetime", "t_s", ...CSV_SIGNALS, "anomaly", "changepoint"].join(";")];
  const t0 = origin.getTime();
  for (let i = 0; i < history.length; i++) {
    const tS = history.timeS(i);
    const row: string[] = [datetime(t0 + tS * 1000), cell(tS)];
    for (let c = 0; c < cols.length; c++) {
      const v = history.value(cols[c] as number, i);
      if (Number.isFinite(v)) last[c] = v;
      row.push(cell(last[c] as number));
    }
    row.push(String(anomaly[i]), String(changepoint[i]));
    lines.push(row.join(";"));
  }
  return `${lines.join("\n")}\n`;
}
