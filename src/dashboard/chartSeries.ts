/**
 * What the three chart panels plot: the columns of the dashboard's sample history, and per panel
 * which columns it draws, in what colour and line, and its smallest y span. A new trace on a chart
 * is a change here alone.
 */
import type { ChartColor } from "./brailleChart.js";

/** Columns of the sample history. */
export const SERIES_CHANNELS = [
  "tHot",
  "tCold",
  "predHot",
  "predCold",
  "flow",
  "predFlow",
  /** Residuals divided by their alarm band: the band is +-1 for all three. */
  "resHotN",
  "resColdN",
  "resFlowN",
] as const;
export type SeriesChannel = (typeof SERIES_CHANNELS)[number];

/** Column index of each channel in the history ring. */
export const SERIES_COLUMN = Object.fromEntries(SERIES_CHANNELS.map((n, i) => [n, i])) as Record<
  SeriesChannel,
  number
>;

export const CHART_PANELS = ["temperatures", "flow", "residuals"] as const;
export type ChartPanel = (typeof CHART_PANELS)[number];

/** One series of a chart panel: which channel, how it is drawn, how the legend names it. */
export interface SeriesSpec {
  readonly channel: SeriesChannel;
  readonly label: string;
  readonly color: ChartColor;
  readonly dotted: boolean;
  /** Legend value: decimals and unit. */
  readonly decimals: number;
  readonly unit: string;
}

export const PANEL_SERIES: Readonly<Record<ChartPanel, readonly SeriesSpec[]>> = {
  temperatures: [
    { channel: "predHot", label: "twin", color: "yellow", dotted: true, decimals: 2, unit: "" },
    { channel: "predCold", label: "twin", color: "blue", dotted: true, decimals: 2, unit: "" },
    { channel: "tHot", label: "T_hot", color: "red", dotted: false, decimals: 2, unit: "C" },
    { channel: "tCold", label: "T_cold", color: "cyan", dotted: false, decimals: 2, unit: "C" },
  ],
  flow: [
    { channel: "predFlow", label: "twin", color: "white", dotted: true, decimals: 2, unit: "" },
    { channel: "flow", label: "flow", color: "green", dotted: false, decimals: 2, unit: "L/min" },
  ],
  residuals: [
    { channel: "resHotN", label: "T_hot", color: "red", dotted: false, decimals: 2, unit: "" },
    { channel: "resColdN", label: "T_cold", color: "cyan", dotted: false, decimals: 2, unit: "" },
    { channel: "resFlowN", label: "flow", color: "green", dotted: false, decimals: 2, unit: "" },
  ],
};

/** The smallest y span of each chart, so sensor noise is not magnified to full height. */
export const MIN_SPAN: Readonly<Record<ChartPanel, number>> = { temperatures: 2, flow: 0.5, residuals: 1.5 };
