/**
 * What a report plots of one run, whatever produced it (a HIL scenario's history, a recording
 * streamed from disk): each sampled column on one time axis, already decimated to the plots'
 * width (decimate.ts), the injected faults (ground truth), the gaps in the data, the alarms and
 * the device events; and the plots drawn from it (temperatures with the twin, flow with the twin,
 * residuals, anomaly score, applied duties).
 */
import { type DecimatedSeries, decimateMinMax, MinMaxDecimator } from "./decimate.js";
import { PLOT_COLUMNS, type PlotMarker, type PlotSeries, type PlotSpec, type PlotWindow } from "./svgPlot.js";

/** Every column a trace carries, in engineering units (NaN where the run had no value). */
export const TRACE_COLUMNS = [
  "tHotC",
  "tColdC",
  "predTHotC",
  "predTColdC",
  "flowLpm",
  "predFlowLpm",
  "resTHotK",
  "resTColdK",
  "resFlowLpm",
  "score",
  "pumpDuty",
  "heaterDuty",
  "fanDuty",
] as const;

export type TraceColumn = (typeof TRACE_COLUMNS)[number];

export interface RunTrace {
  /** Each column decimated over the plotted range (no points: the run had no value of it). */
  readonly series: Readonly<Record<TraceColumn, DecimatedSeries>>;
  /** Plotted range [s]. */
  readonly t0S: number;
  readonly t1S: number;
  readonly faults: readonly PlotWindow[];
  readonly gaps: readonly PlotWindow[];
  /** Alarms raised or escalated, and device events. */
  readonly markers: readonly PlotMarker[];
}

/**
 * Five times the median of some sample intervals (at least 1 s): two samples further apart are
 * not joined by a line, so a disconnect shows as a hole, not as a straight ramp.
 */
export function breakAfter(intervalsS: readonly number[]): number {
  if (intervalsS.length < 2) return Number.POSITIVE_INFINITY;
  const sorted = [...intervalsS].sort((x, y) => x - y);
  return Math.max(1, 5 * (sorted[sorted.length >> 1] as number));
}

/** Up to 500 sample intervals spread over `timeS`, for {@link breakAfter}. */
export function sampleIntervals(timeS: ArrayLike<number>): number[] {
  const n = timeS.length;
  const step = Math.max(1, Math.floor(n / 500));
  const out: number[] = [];
  for (let i = step; i < n; i += step) out.push(((timeS[i] as number) - (timeS[i - step] as number)) / step);
  return out;
}

/** Every column of whole arrays sampled at `timeS`, decimated over [t0S, t1S]. */
export function decimateColumns(
  timeS: Float64Array,
  columns: Readonly<Record<TraceColumn, Float64Array>>,
  t0S: number,
  t1S: number,
): Record<TraceColumn, DecimatedSeries> {
  const options = { t0S, t1S, columns: PLOT_COLUMNS, breakAfterS: breakAfter(sampleIntervals(timeS)) };
  const out = {} as Record<TraceColumn, DecimatedSeries>;
  for (const c of TRACE_COLUMNS) out[c] = decimateMinMax(timeS, columns[c], options);
  return out;
}

/**
 * A decimator per column for a stream of `samples` samples over [t0S, t1S] with the intervals a
 * first pass saw: memory bounded by the plot width, whatever the length of the recording.
 */
export function columnDecimators(
  samples: number,
  t0S: number,
  t1S: number,
  intervalsS: readonly number[],
): Record<TraceColumn, MinMaxDecimator> {
  const options = {
    t0S,
    t1S,
    columns: PLOT_COLUMNS,
    breakAfterS: breakAfter(intervalsS),
    keepAll: samples <= 2 * PLOT_COLUMNS,
  };
  const out = {} as Record<TraceColumn, MinMaxDecimator>;
  for (const c of TRACE_COLUMNS) out[c] = new MinMaxDecimator(options);
  return out;
}

interface SeriesPick {
  readonly column: TraceColumn;
  readonly label: string;
  readonly colour: PlotSeries["colour"];
  readonly dashed?: boolean;
}

const PLOTS: readonly {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly SeriesPick[];
  readonly refLines?: PlotSpec["refLines"];
}[] = [
  {
    title: "Temperatures, measured and twin",
    unit: "C",
    series: [
      { column: "tHotC", label: "T_hot measured", colour: "hot" },
      { column: "predTHotC", label: "T_hot twin", colour: "hot", dashed: true },
      { column: "tColdC", label: "T_cold measured", colour: "cold" },
      { column: "predTColdC", label: "T_cold twin", colour: "cold", dashed: true },
    ],
  },
  {
    title: "Flow, measured and twin",
    unit: "L/min",
    series: [
      { column: "flowLpm", label: "flow measured", colour: "flow" },
      { column: "predFlowLpm", label: "flow twin", colour: "flow", dashed: true },
    ],
  },
  {
    title: "Residuals (measured - twin)",
    unit: "K, L/min",
    series: [
      { column: "resTHotK", label: "T_hot residual [K]", colour: "hot" },
      { column: "resTColdK", label: "T_cold residual [K]", colour: "cold" },
      { column: "resFlowLpm", label: "flow residual [L/min]", colour: "flow" },
    ],
  },
  {
    title: "Anomaly score",
    unit: "1",
    series: [{ column: "score", label: "combined score", colour: "score" }],
    refLines: [{ value: 1, label: "alarm level (score 1)" }],
  },
  {
    title: "Duties applied by the device",
    unit: "0-255",
    series: [
      { column: "pumpDuty", label: "pump", colour: "pump" },
      { column: "heaterDuty", label: "heater", colour: "heater" },
      { column: "fanDuty", label: "fan", colour: "fan" },
    ],
  },
];

function hasFinite(series: DecimatedSeries): boolean {
  const v = series.values;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i] as number)) return true;
  return false;
}

/**
 * Windows of one kind that lie closer than `minSeparationS` merged into one (hundreds of lost
 * lines on a noisy link are one shaded stretch, not hundreds of rectangles), in time order.
 */
export function mergeWindows(windows: readonly PlotWindow[], minSeparationS: number): PlotWindow[] {
  const sorted = [...windows].sort((a, b) => a.fromS - b.fromS);
  const out: PlotWindow[] = [];
  let merged = 1;
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.kind === w.kind && w.fromS - last.toS < minSeparationS) {
      merged++;
      out[out.length - 1] = {
        kind: last.kind,
        fromS: last.fromS,
        toS: Math.max(last.toS, w.toS),
        label: `${merged} ${w.kind === "gap" ? "gaps in the data" : "faults"}, ${last.fromS.toFixed(1)} s to ${Math.max(last.toS, w.toS).toFixed(1)} s`,
      };
    } else {
      merged = 1;
      out.push(w);
    }
  }
  return out;
}

/**
 * The plots of a trace; a series with no value at all (no twin in a recording made without
 * one) is left out, and a plot with no series is not drawn.
 */
export function tracePlots(trace: RunTrace): PlotSpec[] {
  const gaps = mergeWindows(trace.gaps, (trace.t1S - trace.t0S) / PLOT_COLUMNS);
  const out: PlotSpec[] = [];
  for (const p of PLOTS) {
    const series: PlotSeries[] = [];
    for (const s of p.series) {
      const data = trace.series[s.column];
      if (!hasFinite(data)) continue;
      series.push({ label: s.label, colour: s.colour, ...(s.dashed === true ? { dashed: true } : {}), data });
    }
    if (series.length === 0) continue;
    out.push({
      title: p.title,
      unit: p.unit,
      t0S: trace.t0S,
      t1S: trace.t1S,
      series,
      windows: [...trace.faults, ...gaps],
      markers: trace.markers,
      ...(p.refLines !== undefined ? { refLines: p.refLines } : {}),
    });
  }
  return out;
}
