/**
 * The four chart panels (Temperatures, Flow, Residuals, Pump/heater/fan) drawn by uPlot from the
 * store's columns, handed whole as typed-array views (no copy per frame). Fault labels and alarm
 * markers are drawn over each chart; the residual chart shades its alarm band (residuals are in
 * band units, so the band is +-1 for all three).
 */
import uPlot from "uplot";
import type { PageStore, StoreColumn } from "./pageStore.js";

export const CHART_IDS = ["temperatures", "flow", "residuals", "duties"] as const;
export type ChartId = (typeof CHART_IDS)[number];

interface SeriesDef {
  readonly column: StoreColumn;
  readonly label: string;
  readonly colorVar: string;
  readonly dashed: boolean;
  readonly decimals: number;
}

export interface ChartDef {
  readonly id: ChartId;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly SeriesDef[];
  /** Smallest y span, so sensor noise is not magnified to full height. */
  readonly minSpan: number;
  readonly band?: boolean;
}

export const CHART_DEFS: readonly ChartDef[] = [
  {
    id: "temperatures",
    title: "Temperatures",
    unit: "C",
    minSpan: 2,
    series: [
      { column: "tHotC", label: "T_hot", colorVar: "--c-hot", dashed: false, decimals: 2 },
      { column: "twinTHotC", label: "twin T_hot", colorVar: "--c-hot-twin", dashed: true, decimals: 2 },
      { column: "tColdC", label: "T_cold", colorVar: "--c-cold", dashed: false, decimals: 2 },
      { column: "twinTColdC", label: "twin T_cold", colorVar: "--c-cold-twin", dashed: true, decimals: 2 },
    ],
  },
  {
    id: "flow",
    title: "Flow",
    unit: "L/min",
    minSpan: 0.5,
    series: [
      { column: "flowLpm", label: "flow", colorVar: "--c-flow", dashed: false, decimals: 2 },
      { column: "twinFlowLpm", label: "twin flow", colorVar: "--c-twin", dashed: true, decimals: 2 },
    ],
  },
  {
    id: "residuals",
    title: "Residuals",
    unit: "band",
    minSpan: 3,
    band: true,
    series: [
      { column: "resTHotBand", label: "T_hot", colorVar: "--c-hot", dashed: false, decimals: 2 },
      { column: "resTColdBand", label: "T_cold", colorVar: "--c-cold", dashed: false, decimals: 2 },
      { column: "resFlowBand", label: "flow", colorVar: "--c-flow", dashed: false, decimals: 2 },
    ],
  },
  {
    id: "duties",
    title: "Pump, heater, fan",
    unit: "duty",
    minSpan: 10,
    series: [
      { column: "pumpSetpoint", label: "pump set", colorVar: "--c-flow", dashed: true, decimals: 0 },
      { column: "pumpApplied", label: "pump", colorVar: "--c-flow", dashed: false, decimals: 0 },
      { column: "heaterSetpoint", label: "heater set", colorVar: "--c-hot", dashed: true, decimals: 0 },
      { column: "heaterApplied", label: "heater", colorVar: "--c-hot", dashed: false, decimals: 0 },
      { column: "fanSetpoint", label: "fan set", colorVar: "--c-cold", dashed: true, decimals: 0 },
      { column: "fanApplied", label: "fan", colorVar: "--c-cold", dashed: false, decimals: 0 },
    ],
  },
];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/**
 * y range of a chart: the finite data's, widened to at least `minSpan` around its middle. The
 * data is scanned here rather than taken from uPlot, whose min/max start from a series' first
 * non-null value and so stay NaN when that value is NaN (an unknown twin or flow estimate: the
 * store's typed arrays carry NaN, not null).
 */
function yRange(minSpan: number, band: boolean) {
  return (u: uPlot): [number, number] => {
    let a = Number.POSITIVE_INFINITY;
    let b = Number.NEGATIVE_INFINITY;
    for (let k = 1; k < u.data.length; k++) {
      const col = u.data[k] as ArrayLike<number | null>;
      for (let i = 0; i < col.length; i++) {
        const v = col[i];
        if (v === null || v === undefined) continue;
        if (v < a) a = v;
        if (v > b) b = v;
      }
    }
    if (band) {
      a = Math.min(a, -1.5);
      b = Math.max(b, 1.5);
    }
    if (!(Number.isFinite(a) && Number.isFinite(b))) return [0, 1];
    if (b - a < minSpan) {
      const mid = (a + b) / 2;
      a = mid - minSpan / 2;
      b = mid + minSpan / 2;
    }
    const pad = (b - a) * 0.05;
    return [a - pad, b + pad];
  };
}

/** Draws fault labels, alarm markers and (residuals) the alarm band over the plot area. */
function overlayPlugin(store: PageStore, def: ChartDef): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u: uPlot) => {
        if (!def.band) return;
        const { ctx, bbox } = u;
        const y1 = u.valToPos(1, "y", true);
        const y0 = u.valToPos(-1, "y", true);
        ctx.save();
        ctx.fillStyle = cssVar("--c-band");
        ctx.fillRect(bbox.left, y1, bbox.width, y0 - y1);
        ctx.restore();
      },
      draw: (u: uPlot) => {
        const { ctx, bbox } = u;
        const xMin = u.scales.x?.min ?? 0;
        const xMax = u.scales.x?.max ?? 0;
        const dpr = devicePixelRatio || 1;
        ctx.save();
        ctx.beginPath();
        ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
        ctx.clip();
        ctx.font = `${11 * dpr}px system-ui, sans-serif`;
        ctx.lineWidth = dpr;
        // uPlot leaves its axis labels' alignment on the context.
        ctx.textAlign = "left";
        ctx.textBaseline = "alphabetic";
        const mark = (tS: number, color: string, text: string, row: number, dashed: boolean): void => {
          if (tS < xMin || tS > xMax) return;
          const x = Math.round(u.valToPos(tS, "x", true));
          ctx.strokeStyle = color;
          ctx.fillStyle = color;
          ctx.setLineDash(dashed ? [4 * dpr, 3 * dpr] : []);
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          // Right of the line when it fits, else left of it, else cut with an ellipsis to the wider side.
          const gap = 3 * dpr;
          const right = bbox.left + bbox.width - x - gap;
          const left = x - bbox.left - gap;
          let shown = text;
          let w = ctx.measureText(shown).width;
          const toRight = w <= right || (w > left && right >= left);
          const room = toRight ? right : left;
          while (w > room && shown.length > 1) {
            shown = `${shown.slice(0, -2)}…`;
            w = ctx.measureText(shown).width;
          }
          ctx.fillText(shown, toRight ? x + gap : x - gap - w, bbox.top + (12 + 13 * row) * dpr);
        };
        const fault = cssVar("--c-fault");
        let row = 0;
        for (const l of store.labels)
          mark(l.tS, fault, `${l.action === "start" ? "▶" : "■"} ${l.text}`, row++ % 3, true);
        const alarm = cssVar("--c-alarm");
        for (const e of store.alarmLog)
          if (e.type === "raised") mark(e.tS, alarm, `▲ ${e.diagnosis || e.cause}`, 3, false);
        ctx.restore();
      },
    },
  };
}

/** `col` itself when every value is known, else a copy with null for each NaN. */
function withGaps(col: Float64Array): Float64Array | (number | null)[] {
  for (let i = 0; i < col.length; i++)
    if (Number.isNaN(col[i] as number)) return Array.from(col, (v) => (Number.isNaN(v) ? null : v));
  return col;
}

/** One chart panel: its uPlot and the data it was last given. */
export class ChartPanel {
  readonly def: ChartDef;
  readonly plot: uPlot;
  private readonly store: PageStore;

  constructor(def: ChartDef, store: PageStore, target: HTMLElement, widthPx: number, heightPx: number) {
    this.def = def;
    this.store = store;
    const axisColor = cssVar("--fg-muted");
    const gridColor = cssVar("--grid");
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const opts: uPlot.Options = {
      width: widthPx,
      height: heightPx,
      title: "",
      legend: { show: true, live: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: yRange(def.minSpan, def.band === true) } },
      axes: [
        { ...axis, label: "rig time [s]", labelSize: 18, size: 32 },
        { ...axis, label: def.unit, labelSize: 18, size: 48 },
      ],
      series: [
        { label: "t [s]" },
        ...def.series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.colorVar),
          width: 2,
          dash: s.dashed ? [6, 4] : undefined,
          points: { show: false },
          value: (_u: uPlot, v: number | null) =>
            v == null || !Number.isFinite(v) ? "–" : v.toFixed(s.decimals),
        })),
      ],
      plugins: [overlayPlugin(store, def)],
    };
    this.plot = new uPlot(opts, this.emptyData(), target);
  }

  private emptyData(): uPlot.AlignedData {
    return [new Float64Array(0), ...this.def.series.map(() => new Float64Array(0))];
  }

  /**
   * Hands the visible window to the chart: views into the store, not copies, except for a column
   * with unknown values (NaN: the twin before its first sample, a gap), copied with null there,
   * which is what uPlot draws as a gap.
   */
  update(): void {
    const store = this.store;
    const range = store.visibleRange();
    const data = [
      store.timeOf(range),
      ...this.def.series.map((s) => withGaps(store.columnOf(s.column, range))),
    ];
    this.plot.setData(data as uPlot.AlignedData, true);
  }

  resize(widthPx: number, heightPx: number): void {
    this.plot.setSize({ width: widthPx, height: heightPx });
  }

  destroy(): void {
    this.plot.destroy();
  }
}

/**
 * The visible charts drawn into one PNG (white or dark background as shown), each under its title:
 * the PNG export of the window.
 */
export function chartsToPng(panels: readonly ChartPanel[], background: string, foreground: string): string {
  const dpr = devicePixelRatio || 1;
  const canvases = panels.map((p) => p.plot.ctx.canvas);
  const titleH = Math.round(22 * dpr);
  const width = Math.max(...canvases.map((c) => c.width));
  const height = canvases.reduce((h, c) => h + c.height + titleH, 0);
  const out = document.createElement("canvas");
  out.width = width;
  out.height = height;
  const ctx = out.getContext("2d");
  if (ctx === null) throw new Error("PNG export: this browser gives no 2D canvas");
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = foreground;
  ctx.font = `bold ${14 * dpr}px system-ui, sans-serif`;
  let y = 0;
  panels.forEach((p, i) => {
    const c = canvases[i] as HTMLCanvasElement;
    ctx.fillText(p.def.title, 8 * dpr, y + 16 * dpr);
    y += titleH;
    ctx.drawImage(c, 0, y);
    y += c.height;
  });
  return out.toDataURL("image/png");
}
