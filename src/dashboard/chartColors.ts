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

/** Index of a colour in CHART_COLORS (what a CellGrid stores). */
export function chartColorIndex(color: ChartColor): number {
  return CHART_COLORS.indexOf(color);
}
