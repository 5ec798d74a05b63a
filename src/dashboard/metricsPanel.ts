/**
 * The Metrics panel: the loop figures, the twin's fit, the sample rate and the link's error
 * counts, laid out in one column when the rows allow, otherwise in columns side by side.
 */
import type { LoopPerformanceFigures } from "../detect/monitor/monitorTypes.js";
import type { SessionStatus } from "../session/sessionObserver.js";
import { fitText, fmt } from "./format.js";

/** A Metrics item: long label, short label (two-column layout), value with unit. */
export type MetricItem = [string, string, string];

/** The items, in panel order. */
export function metricsPanelItems(
  p: LoopPerformanceFigures,
  link: SessionStatus,
  samplesPerSecond: number,
): MetricItem[] {
  return [
    ["heat delivered", "Q delivered", `${fmt(p.heatDeliveredW, 1)} W`],
    ["heat rejected", "Q rejected", `${fmt(p.heatRejectedW, 1)} W`],
    ["HX effectiveness", "HX eff.", fmt(p.hxEffectiveness, 3)],
    ["thermal resistance", "R_th", `${fmt(p.thermalResistanceKPerW, 3)} K/W`],
    ["loop time constant", "time constant", `${fmt(p.timeConstantS, 0)} s`],
    ["stability", "stability", p.stability],
    ["twin RMSE T_hot", "RMSE T_hot", `${fmt(p.rmseTHotK, 3)} K`],
    ["twin RMSE T_cold", "RMSE T_cold", `${fmt(p.rmseTColdK, 3)} K`],
    ["twin RMSE flow", "RMSE flow", `${fmt(p.rmseFlowLpm, 3)} L/min`],
    ["samples per second", "samples/s", fmt(samplesPerSecond, 1)],
    ["CRC errors", "CRC errors", String(link.crcErrors)],
    ["lost lines", "lost lines", String(link.lostSamples)],
    ["reconnects", "reconnects", String(link.reconnects)],
  ];
}

/**
 * `items` as lines of `width` in `height` rows: one column when the rows allow, otherwise columns
 * side by side; each item keeps its full label when it fits, else its short one, with values
 * right-aligned.
 */
export function metricsPanelLines(items: readonly MetricItem[], width: number, height: number): string[] {
  const perCol = Math.max(1, height);
  const nCols = Math.ceil(items.length / perCol);
  const sep = "│";
  const colW = Math.floor((width - (nCols - 1) * sep.length) / nCols);
  const lines: string[] = [];
  for (let r = 0; r < Math.min(perCol, items.length); r++) {
    const cells: string[] = [];
    for (let k = 0; k < nCols; k++) {
      const item = items[k * perCol + r];
      if (item === undefined) {
        cells.push(" ".repeat(Math.max(0, colW)));
        continue;
      }
      const [long, short, value] = item;
      const label = long.length + 1 + value.length <= colW ? long : short;
      const labelW = Math.max(0, colW - value.length - 1);
      cells.push(
        `${fitText(label, labelW)} ${value.padStart(colW - labelW - 1)}`.slice(0, Math.max(0, colW)),
      );
    }
    lines.push(cells.join(sep).trimEnd());
  }
  return lines;
}
