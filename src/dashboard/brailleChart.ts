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
import { CellGrid } from "./cellGrid.js";
import { CHART_COLORS, type ChartColor } from "./chartColors.js";

export { CHART_COLORS, type ChartColor } from "./chartColors.js";

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
  const grid = new CellGrid(g.widthCells, chartRows(g));
  drawChart(frame, g, grid, 0);
  return grid.toLines(color);
}

/** Rows a chart draws: the plot, the axis and the tick labels when they fit. */
export function chartRows(g: ChartGeometry): number {
  return g.plotRows + 1 + (g.xLabels ? 1 : 0);
}

/**
 * Draws a chart into rows [top, top + heightCells) of `grid` (at least `widthCells` wide), every
 * cell of those rows written. The screen keeps one grid per panel and draws into it every frame.
 */
export function drawChart(frame: ChartFrame, g: ChartGeometry, grid: CellGrid, top: number): void {
  const { plotCols, plotRows, yLabelCells } = g;
  grid.clearRows(top, chartRows(g));
  const pxW = plotCols * 2;
  const pxH = plotRows * 4;
  const cells = plotCols * plotRows;
  const { dots, ink, text } = scratch(cells);
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
    if (text[cell] === NO_TEXT) ink[cell] = c;
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
    for (let i = 0; i < label.length; i++) if (text[start + i] !== NO_TEXT) free = false;
    if (!free) continue;
    for (let i = 0; i < label.length; i++) {
      text[start + i] = escapeTag(label.charCodeAt(i));
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

  for (let r = 0; r < plotRows; r++) {
    const y = top + r;
    const label = yLabelRow[r];
    if (label !== undefined) grid.write(yLabelCells - label.length, y, label, 0);
    grid.put(yLabelCells, y, label !== undefined ? TICK_LEFT : VERTICAL, 0);
    for (let col = 0; col < plotCols; col++) {
      const cell = r * plotCols + col;
      const t = text[cell]!;
      const d = dots[cell]!;
      if (t !== NO_TEXT) grid.put(yLabelCells + 1 + col, y, t, ink[cell]!);
      else if (d !== 0) grid.put(yLabelCells + 1 + col, y, 0x2800 + d, ink[cell]!);
    }
  }

  // X axis with ticks at nice rig times, and their labels.
  const step = timeTickStepS(tSpan, Math.max(1, Math.floor(plotCols / 10)));
  const axisY = top + plotRows;
  grid.put(yLabelCells, axisY, CORNER, 0);
  for (let col = 0; col < plotCols; col++) grid.put(yLabelCells + 1 + col, axisY, HORIZONTAL, 0);
  const decimals = step < 1 ? 1 : 0;
  let lastEnd = -1;
  for (let t = Math.ceil(frame.t0S / step) * step; t < frame.t1S; t += step) {
    const col = Math.floor(((t - frame.t0S) / tSpan) * plotCols);
    if (col < 0 || col >= plotCols) continue;
    grid.put(yLabelCells + 1 + col, axisY, TICK_DOWN, 0);
    if (!g.xLabels) continue;
    const s = `${t.toFixed(decimals)}s`;
    const start = Math.max(0, Math.min(plotCols - s.length, col - (s.length >> 1)));
    if (start > lastEnd && start + s.length <= plotCols) {
      grid.write(yLabelCells + 1 + start, axisY + 1, s, 0);
      lastEnd = start + s.length;
    }
  }
}

const TICK_LEFT = 0x2524; // ┤
const VERTICAL = 0x2502; // │
const CORNER = 0x2514; // └
const HORIZONTAL = 0x2500; // ─
const TICK_DOWN = 0x252c; // ┬

/** Braces start blessed tags: show them as parentheses in free text. */
function escapeTag(code: number): number {
  return code === 0x7b ? 0x28 : code === 0x7d ? 0x29 : code;
}

/** A cell with no label text over it. */
const NO_TEXT = 0;

/**
 * Per-cell working arrays of drawChart (braille dot bits, colour, label character), reused from
 * call to call and grown when a bigger chart needs more: a frame allocates none.
 */
let scratchArrays = { dots: new Uint8Array(0), ink: new Uint8Array(0), text: new Uint16Array(0) };

function scratch(cells: number): typeof scratchArrays {
  if (scratchArrays.dots.length < cells)
    scratchArrays = { dots: new Uint8Array(cells), ink: new Uint8Array(cells), text: new Uint16Array(cells) };
  scratchArrays.dots.fill(0, 0, cells);
  scratchArrays.ink.fill(0, 0, cells);
  scratchArrays.text.fill(NO_TEXT, 0, cells);
  return scratchArrays;
}
