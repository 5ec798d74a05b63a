/**
 * A time chart drawn in Unicode braille cells (2 x 4 dots per character, U+2800-U+28FF, the
 * technique of drawille and blessed-contrib's line chart), rendered to text lines with blessed
 * colour tags. Pure: data in, strings out, so it is tested without a terminal.
 *
 * Unlike blessed-contrib's `line` (points spaced by index, y from zero unless told otherwise, one
 * legend box re-created per update), x here is time: one dot column per time bin of the window,
 * each bin drawn from its min to its max (decimation that keeps noise and spikes), bins joined to
 * their neighbours, and NaN bins left empty (a gap stays visible). Horizontal dotted lines draw
 * alarm bands; vertical dotted lines with a text label mark injected faults.
 */
import { type AxisRange, stepDecimals, ticks, timeTickStepS } from "./axisScale.js";

/** Colours a chart may use (blessed tag names); `default` is the terminal's foreground. */
export const CHART_COLORS = [
  "default",
  "red",
  "yellow",
  "green",
  "cyan",
  "blue",
  "magenta",
  "white",
  "gray",
] as const;
export type ChartColor = (typeof CHART_COLORS)[number];

/** One series, decimated to the plot's dot columns (see SeriesRing.bin). */
export interface ChartSeriesData {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly last: Float64Array;
  readonly color: ChartColor;
  /** Drawn on every other dot column (the twin's prediction, as a dashed line on paper). */
  readonly dotted: boolean;
}

/** A vertical marker at a rig time with a short label (an injected fault). */
export interface ChartMarker {
  readonly tS: number;
  readonly text: string;
  readonly color: ChartColor;
}

/** A horizontal dotted line (an alarm threshold). */
export interface ChartHLine {
  readonly value: number;
  readonly color: ChartColor;
}

export interface ChartFrame {
  /** Time window [s] the dot columns span. */
  readonly t0S: number;
  readonly t1S: number;
  readonly range: AxisRange;
  readonly series: readonly ChartSeriesData[];
  readonly hlines: readonly ChartHLine[];
  readonly markers: readonly ChartMarker[];
}

/** Where the plot sits inside a chart of `widthCells` x `heightCells`. */
export interface ChartGeometry {
  readonly widthCells: number;
  readonly heightCells: number;
  /** Columns of y labels, left of the axis. */
  readonly yLabelCells: number;
  /** Cells of the plot area. */
  readonly plotCols: number;
  readonly plotRows: number;
  /** Whether a row of x tick labels fits under the axis. */
  readonly xLabels: boolean;
}

/** Formats a y tick for `range`. */
export function formatYTick(v: number, range: AxisRange): string {
  const d = stepDecimals(range.step);
  const s = v.toFixed(d);
  return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
}

/** Plot geometry of a chart; the plot width decides how many time bins to ask the data for. */
export function chartGeometry(widthCells: number, heightCells: number, range: AxisRange): ChartGeometry {
  let yLabelCells = 0;
  for (const v of ticks(range)) yLabelCells = Math.max(yLabelCells, formatYTick(v, range).length);
  const xLabels = heightCells >= 5;
  const plotRows = Math.max(1, heightCells - (xLabels ? 2 : 1));
  const plotCols = Math.max(1, widthCells - yLabelCells - 1);
  return { widthCells, heightCells, yLabelCells, plotCols, plotRows, xLabels };
}

/** Dot columns of a geometry: one time bin per dot column. */
export function dotColumns(g: ChartGeometry): number {
  return g.plotCols * 2;
}

const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

/** Renders a chart to `heightCells` lines of exactly `widthCells` visible characters. */
export function renderChart(frame: ChartFrame, g: ChartGeometry, color: boolean): string[] {
  const { plotCols, plotRows, yLabelCells } = g;
  const pxW = plotCols * 2;
  const pxH = plotRows * 4;
  const cells = plotCols * plotRows;
  const dots = new Uint8Array(cells);
  const ink = new Uint8Array(cells);
  const text: (string | undefined)[] = new Array(cells);
  const { min: yMin, max: yMax } = frame.range;
  const ySpan = yMax - yMin;
  const toPy = (v: number): number => {
    const p = Math.round(((yMax - v) / ySpan) * (pxH - 1));
    return p < 0 ? 0 : p > pxH - 1 ? pxH - 1 : p;
  };
  const setDot = (x: number, y: number, c: number): void => {
    const cell = (y >> 2) * plotCols + (x >> 1);
    dots[cell] = dots[cell]! | DOT_BITS[y & 3]![x & 1]!;
    // A label keeps its own colour where a series passes under it.
    if (text[cell] === undefined) ink[cell] = c;
  };
  const tSpan = frame.t1S - frame.t0S;

  for (const h of frame.hlines) {
    if (!(h.value >= yMin && h.value <= yMax)) continue;
    const y = toPy(h.value);
    const c = CHART_COLORS.indexOf(h.color);
    for (let x = 0; x < pxW; x += 2) setDot(x, y, c);
  }
  for (const m of frame.markers) {
    if (!(m.tS >= frame.t0S && m.tS < frame.t1S)) continue;
    const x = Math.min(pxW - 1, Math.floor(((m.tS - frame.t0S) / tSpan) * pxW));
    const c = CHART_COLORS.indexOf(m.color);
    for (let y = 0; y < pxH; y += 2) setDot(x, y, c);
    const col = x >> 1;
    const label = m.text.slice(0, Math.max(0, plotCols - 1));
    const start = col + 1 + label.length <= plotCols ? col + 1 : Math.max(0, col - label.length);
    // A label never overwrites an earlier one (the earlier start label matters more than an end).
    let free = true;
    for (let i = 0; i < label.length; i++) if (text[start + i] !== undefined) free = false;
    if (!free) continue;
    for (let i = 0; i < label.length; i++) {
      text[start + i] = label[i];
      ink[start + i] = c;
    }
  }
  for (const s of frame.series) {
    const c = CHART_COLORS.indexOf(s.color);
    let prev = Number.NaN;
    for (let x = 0; x < pxW; x++) {
      const mn = s.min[x]!;
      if (!Number.isFinite(mn)) {
        prev = Number.NaN;
        continue;
      }
      let lo = mn;
      let hi = s.max[x]!;
      if (Number.isFinite(prev)) {
        if (prev < lo) lo = prev;
        if (prev > hi) hi = prev;
      }
      prev = s.last[x]!;
      if (s.dotted && (x & 1) === 1) continue;
      const y0 = toPy(hi);
      const y1 = toPy(lo);
      for (let y = y0; y <= y1; y++) setDot(x, y, c);
    }
  }

  // Y labels by row.
  const yLabelRow: (string | undefined)[] = new Array(plotRows);
  for (const v of ticks(frame.range)) {
    const row = toPy(v) >> 2;
    if (yLabelRow[row] === undefined) yLabelRow[row] = formatYTick(v, frame.range);
  }

  const lines: string[] = [];
  for (let r = 0; r < plotRows; r++) {
    const label = yLabelRow[r];
    let line = (label ?? "").padStart(yLabelCells) + (label !== undefined ? "┤" : "│");
    let open = 0;
    for (let col = 0; col < plotCols; col++) {
      const cell = r * plotCols + col;
      const t = text[cell];
      const d = dots[cell]!;
      const ch = t !== undefined ? escapeTag(t) : d === 0 ? " " : String.fromCharCode(0x2800 + d);
      const c = t !== undefined || d !== 0 ? ink[cell]! : open;
      if (color && c !== open) {
        if (open !== 0) line += `{/${CHART_COLORS[open]}-fg}`;
        if (c !== 0) line += `{${CHART_COLORS[c]}-fg}`;
        open = c;
      }
      line += ch;
    }
    if (color && open !== 0) line += `{/${CHART_COLORS[open]}-fg}`;
    lines.push(line);
  }

  // X axis with ticks at nice rig times, and their labels.
  const step = timeTickStepS(tSpan, Math.max(1, Math.floor(plotCols / 10)));
  const axis: string[] = new Array(plotCols).fill("─");
  const labels: string[] = new Array(plotCols).fill(" ");
  const decimals = step < 1 ? 1 : 0;
  let lastEnd = -1;
  for (let t = Math.ceil(frame.t0S / step) * step; t < frame.t1S; t += step) {
    const col = Math.floor(((t - frame.t0S) / tSpan) * plotCols);
    if (col < 0 || col >= plotCols) continue;
    axis[col] = "┬";
    const s = `${t.toFixed(decimals)}s`;
    const start = Math.max(0, Math.min(plotCols - s.length, col - (s.length >> 1)));
    if (start > lastEnd && start + s.length <= plotCols) {
      for (let i = 0; i < s.length; i++) labels[start + i] = s[i]!;
      lastEnd = start + s.length;
    }
  }
  lines.push(`${" ".repeat(yLabelCells)}└${axis.join("")}`);
  if (g.xLabels) lines.push(`${" ".repeat(yLabelCells + 1)}${labels.join("")}`);
  return lines;
}

/** Braces start blessed tags: show them as parentheses in free text. */
function escapeTag(ch: string): string {
  return ch === "{" ? "(" : ch === "}" ? ")" : ch;
}
