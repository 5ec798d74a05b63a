/**
 * The legends of the chart panels: per series a coloured swatch and the current value (the
 * residuals against their bands, the learned detector's score, the monitor's score).
 */
import type { LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import type { MonitorOutput } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { ChartColor } from "./brailleChart.js";
import type { ChartPanel } from "./chartSeries.js";
import { fmt, fmtSigned } from "./format.js";

/** A legend entry: coloured swatch and text (the current value). */
export interface LegendItem {
  readonly text: string;
  readonly color: ChartColor;
  readonly dotted: boolean;
}

/** The monitor's outputs a legend shows (the latest sample's). */
export type LegendOutputs = Readonly<
  Pick<
    MonitorOutput,
    | "predTHotC"
    | "predTColdC"
    | "predFlowLpm"
    | "resTHotK"
    | "resTColdK"
    | "resFlowLpm"
    | "bandTHotK"
    | "bandTColdK"
    | "bandFlowLpm"
    | "score"
  >
>;

/**
 * Legend of a chart panel with the latest sample `s` (null before the first: its values show
 * `--`), the monitor's outputs at it and the learned detector's state (null: none runs).
 */
export function chartLegend(
  panel: ChartPanel,
  s: Readonly<RigSample> | null,
  o: LegendOutputs,
  learned: LearnedStatus | null,
): LegendItem[] {
  switch (panel) {
    case "temperatures":
      return [
        { text: `T_hot ${s !== null ? fmt(s.tHotC, 2) : "--"} C`, color: "red", dotted: false },
        { text: `twin ${fmt(o.predTHotC, 2)}`, color: "yellow", dotted: true },
        { text: `T_cold ${s !== null ? fmt(s.tColdC, 2) : "--"} C`, color: "cyan", dotted: false },
        { text: `twin ${fmt(o.predTColdC, 2)}`, color: "blue", dotted: true },
      ];
    case "flow":
      return [
        { text: `flow ${s !== null ? fmt(s.flowLpm, 2) : "--"} L/min`, color: "green", dotted: false },
        { text: `twin ${fmt(o.predFlowLpm, 2)}`, color: "white", dotted: true },
      ];
    case "residuals":
      return [
        { text: `T_hot ${fmtSigned(o.resTHotK, 2)}/${fmt(o.bandTHotK, 2)} K`, color: "red", dotted: false },
        {
          text: `T_cold ${fmtSigned(o.resTColdK, 2)}/${fmt(o.bandTColdK, 2)} K`,
          color: "cyan",
          dotted: false,
        },
        {
          text: `flow ${fmtSigned(o.resFlowLpm, 2)}/${fmt(o.bandFlowLpm, 2)} L/min`,
          color: "green",
          dotted: false,
        },
        ...(learned === null
          ? []
          : [{ text: learnedLegendText(learned), color: "magenta" as const, dotted: true }]),
        { text: `score ${fmt(o.score, 2)}`, color: "yellow", dotted: true },
      ];
  }
}

/**
 * The Residuals legend's learned-detector item (issue 17): its score against its threshold, 1
 * (`learned 0.42/1`; `--` while the twin aligns), its training progress under `--learn-first`
 * (`learning 12/60 s`), or `learned off` when learning failed.
 */
export function learnedLegendText(s: LearnedStatus): string {
  switch (s.kind) {
    case "learning":
      return `learning ${Math.floor(s.learnedS)}/${fmt(s.spanS, 0)} s`;
    case "scoring":
      return `learned ${fmt(s.score, 2)}/1`;
    case "failed":
      return "learned off";
  }
}
