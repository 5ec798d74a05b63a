/**
 * The dashboard's view model: everything the screen shows, as plain data and text, fed sample by
 * sample and rendered from (at most 10 times a second) without looking at blessed. Pure: rig time
 * comes with the samples; no clocks, timers or I/O.
 *
 * Feeding: {@link DashboardViewModel.addSample} once per sample with the monitor's outputs
 * (allocation-free: one row of a fixed-capacity ring), alarm transitions, injected-fault labels,
 * link figures and loop-performance figures as they change. Reading: the chart frames and text
 * rows of each panel (Temperatures, Flow, Residuals, Pump, Alarms, Metrics) and the status line.
 * This class holds the state and the chart history; each panel's text is made by pure functions in
 * its own file (chartSeries, chartLegend, pumpPanel, alarmsPanel, metricsPanel, statusLine).
 */
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import type { LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import {
  type LoopPerformanceFigures,
  type MonitorOutput,
  NO_PERFORMANCE,
  type OperatorSetpoints,
} from "../detect/monitor/monitorTypes.js";
import { createRigSample, type RigSample } from "../model/rigSample.js";
import { NO_SESSION_STATUS, type SessionStatus } from "../session/sessionObserver.js";
import { type AlarmRow, clearedAlarmRow, openAlarmRow } from "./alarmsPanel.js";
import { type AxisRange, niceRange, symmetricRange } from "./axisScale.js";
import {
  type ChartFrame,
  type ChartGeometry,
  type ChartMarker,
  type ChartSeriesData,
  chartGeometry,
  dotColumns,
  drawChart,
  renderChart,
} from "./brailleChart.js";
import type { CellGrid } from "./cellGrid.js";
import { chartLegend, type LegendItem } from "./chartLegend.js";
import {
  SERIES_COLUMN as CH,
  type ChartPanel,
  MIN_SPAN,
  PANEL_SERIES,
  SERIES_CHANNELS,
} from "./chartSeries.js";
import { type MetricItem, metricsPanelItems, metricsPanelLines } from "./metricsPanel.js";
import { type InjectionView, pumpPanelRows } from "./pumpPanel.js";
import { SeriesRing } from "./seriesRing.js";
import { formatStatusLine } from "./statusLine.js";

/** Panel titles, exactly as users and tests look for them. */
export const PANEL_TITLES = {
  temperatures: "Temperatures",
  flow: "Flow",
  residuals: "Residuals",
  pump: "Pump",
  alarms: "Alarms",
  metrics: "Metrics",
} as const;

/** Time windows `+`/`-` step through [s]. */
export const WINDOWS_S = [15, 30, 60, 120, 300, 600, 1800] as const;

/** Source and link facts for the status line and the Metrics panel (the session's status). */
export type LinkView = SessionStatus;

/** A fault label on the charts: start (and end) of an injection. */
interface FaultLabel {
  tS: number;
  text: string;
  action: "start" | "end";
}

export interface DashboardViewModelOptions {
  /** Samples kept for the charts. @default 180000 (30 min at 100 Hz) */
  readonly capacity?: number;
  /** Initial time window [s], one of WINDOWS_S. @default 60 */
  readonly windowS?: number;
}

const MAX_HISTORY = 50;

export class DashboardViewModel {
  private readonly ring: SeriesRing;
  private readonly last: RigSample = createRigSample();
  private hasSample = false;
  private lastOut = {
    predTHotC: Number.NaN,
    predTColdC: Number.NaN,
    predFlowLpm: Number.NaN,
    resTHotK: Number.NaN,
    resTColdK: Number.NaN,
    resFlowLpm: Number.NaN,
    bandTHotK: Number.NaN,
    bandTColdK: Number.NaN,
    bandFlowLpm: Number.NaN,
    score: Number.NaN,
    diagnosis: "",
  };
  private setpoints: OperatorSetpoints = { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  private windowIndex: number;
  private pausedFlag = false;
  private pausedAtS = Number.NaN;
  private open: readonly AlarmState[] = [];
  private readonly history: AlarmRow[] = [];
  private readonly labels: FaultLabel[] = [];
  private injections: readonly InjectionView[] = [];
  private performance: LoopPerformanceFigures = NO_PERFORMANCE;
  private learned: LearnedStatus | null = null;
  private link: LinkView = NO_SESSION_STATUS;
  private notice = "";
  private noticeLevel: "info" | "error" = "info";
  private overrideText = "";
  /** The MQTT publisher's state and drops (`mqtt connected, 0 dropped`), "" without --mqtt. */
  private brokerText = "";
  private webText = "";
  // Decimation buffers, grown on demand (never per frame once the screen size is stable).
  private bins: { min: Float64Array; max: Float64Array; last: Float64Array }[] = [];
  private readonly mm = new Float64Array(2);

  constructor(options: DashboardViewModelOptions = {}) {
    this.ring = new SeriesRing(options.capacity ?? 180_000, SERIES_CHANNELS.length);
    const w = options.windowS ?? 60;
    const idx = (WINDOWS_S as readonly number[]).indexOf(w);
    if (idx < 0) throw new RangeError(`windowS must be one of ${WINDOWS_S.join(", ")} (got ${w})`);
    this.windowIndex = idx;
  }

  // ------------------------------------------------------------------ feeding

  /** One sample with the monitor's outputs at it (not allocating). */
  addSample(sample: Readonly<RigSample>, out: Readonly<MonitorOutput>): void {
    const slot = this.ring.push(sample.tS);
    const r = this.ring;
    r.set(slot, CH.tHot, sample.tHotC);
    r.set(slot, CH.tCold, sample.tColdC);
    r.set(slot, CH.flow, sample.flowLpm);
    r.set(slot, CH.predHot, out.predTHotC);
    r.set(slot, CH.predCold, out.predTColdC);
    r.set(slot, CH.predFlow, out.predFlowLpm);
    r.set(slot, CH.resHotN, normalised(out.resTHotK, out.bandTHotK));
    r.set(slot, CH.resColdN, normalised(out.resTColdK, out.bandTColdK));
    r.set(slot, CH.resFlowN, normalised(out.resFlowLpm, out.bandFlowLpm));
    Object.assign(this.last, sample);
    const o = this.lastOut;
    o.predTHotC = out.predTHotC;
    o.predTColdC = out.predTColdC;
    o.predFlowLpm = out.predFlowLpm;
    o.resTHotK = out.resTHotK;
    o.resTColdK = out.resTColdK;
    o.resFlowLpm = out.resFlowLpm;
    o.bandTHotK = out.bandTHotK;
    o.bandTColdK = out.bandTColdK;
    o.bandFlowLpm = out.bandFlowLpm;
    o.score = out.score;
    o.diagnosis = out.diagnosis;
    this.hasSample = true;
  }

  /** The operator's setpoints (what the twin is driven with). */
  setSetpoints(s: OperatorSetpoints): void {
    this.setpoints = s;
  }

  /** Alarm transitions: cleared alarms go to the history rows. */
  addAlarmEvent(e: AlarmEvent): void {
    if (e.type !== "cleared") return;
    this.history.unshift(clearedAlarmRow(e));
    if (this.history.length > MAX_HISTORY) this.history.length = MAX_HISTORY;
  }

  /** The monitor's open alarms, newest first (a snapshot per refresh). */
  setOpenAlarms(list: readonly AlarmState[]): void {
    this.open = list;
  }

  /** An injected fault started or ended at rig time `tS` (drawn as a marker on the charts). */
  addLabel(tS: number, action: "start" | "end", text: string): void {
    this.labels.push({ tS, action, text });
    if (this.labels.length > MAX_HISTORY) this.labels.shift();
  }

  /** Injections in force now (Pump panel). */
  setInjections(list: readonly InjectionView[]): void {
    this.injections = list;
  }

  setPerformance(p: LoopPerformanceFigures): void {
    this.performance = p;
  }

  /** The learned detector's state (null: none runs); the Residuals legend shows it. */
  setLearned(status: LearnedStatus | null): void {
    this.learned = status;
  }

  setLink(l: LinkView): void {
    this.link = l;
  }

  /** A one-line message on the status line (empty clears it). */
  setNotice(text: string, level: "info" | "error" = "info"): void {
    this.notice = text;
    this.noticeLevel = level;
  }

  get noticeText(): string {
    return this.notice;
  }

  /** The broker state for the status line (`--mqtt`); "" leaves it out. */
  setBroker(text: string): void {
    this.brokerText = text;
  }

  /** Where `--serve` serves the page, for the status line; "" leaves it out. */
  setWebUrl(url: string): void {
    this.webText = url === "" ? "" : `web ${url}`;
  }

  /** Why the twin follows the applied duties instead of the setpoints ("" when it does not). */
  setOverride(text: string): void {
    this.overrideText = text;
  }

  // ------------------------------------------------------------------ view state

  get windowS(): number {
    return WINDOWS_S[this.windowIndex]!;
  }

  /** `+`: a longer window (returns the new one). */
  widen(): number {
    this.windowIndex = Math.min(WINDOWS_S.length - 1, this.windowIndex + 1);
    return this.windowS;
  }

  /** `-`: a shorter window. */
  narrow(): number {
    this.windowIndex = Math.max(0, this.windowIndex - 1);
    return this.windowS;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /**
   * Space: freezes the charts at the current rig time (data keeps coming in), or resumes. Paused
   * before any data, the charts stay empty until resumed.
   */
  togglePause(): boolean {
    this.pausedFlag = !this.pausedFlag;
    this.pausedAtS = this.pausedFlag ? this.latestTimeS : Number.NaN;
    return this.pausedFlag;
  }

  /** Rig time of the newest sample (NaN before the first). */
  get latestTimeS(): number {
    return this.ring.lastTimeS;
  }

  get samplesHeld(): number {
    return this.ring.length;
  }

  /** Samples per second of rig time over the last 2 s. */
  samplesPerSecond(): number {
    const t1 = this.ring.lastTimeS;
    if (!Number.isFinite(t1)) return 0;
    const span = Math.min(2, t1 - this.ring.firstTimeS);
    if (!(span > 0)) return 0;
    const n = this.ring.length - this.ring.lowerBound(t1 - span);
    return (n - 1) / span;
  }

  // ------------------------------------------------------------------ charts

  /**
   * The chart's time window for `dotCols` time bins: it ends at the newest sample (or where the
   * charts were paused), snapped up to a whole bin so a frame changes only when a new dot column
   * is due (fewer bytes to the terminal).
   */
  chartWindow(dotCols: number): { t0S: number; t1S: number } {
    const end = this.pausedFlag ? this.pausedAtS : this.ring.lastTimeS;
    const w = this.windowS;
    if (!Number.isFinite(end)) return { t0S: 0, t1S: w };
    const dt = w / Math.max(1, dotCols);
    const t1S = Math.max(w, Math.ceil(end / dt + 1e-9) * dt);
    return { t0S: t1S - w, t1S };
  }

  /**
   * The y range of a panel over the window ending where the charts end, with about one tick per
   * two rows of a plot `plotRows` high.
   */
  chartRange(panel: ChartPanel, plotRows = 8): AxisRange {
    const targetTicks = Math.max(1, Math.min(5, Math.floor(plotRows / 2)));
    const { t0S, t1S } = this.chartWindow(1);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const s of PANEL_SERIES[panel]) {
      this.ring.minMax(CH[s.channel], t0S, t1S + 1e-9, this.mm);
      if (this.mm[0]! < lo) lo = this.mm[0]!;
      if (this.mm[1]! > hi) hi = this.mm[1]!;
    }
    if (panel === "residuals")
      return symmetricRange(Math.max(Math.abs(lo), Math.abs(hi)), MIN_SPAN.residuals / 2, targetTicks);
    return niceRange(lo, hi, MIN_SPAN[panel], targetTicks);
  }

  /** The decimated data of a panel for a plot `dotCols` dots wide with y range `range`. */
  chartFrame(panel: ChartPanel, dotCols: number, range: AxisRange): ChartFrame {
    const { t0S, t1S } = this.chartWindow(dotCols);
    const specs = PANEL_SERIES[panel];
    this.ensureBins(specs.length, dotCols);
    const series: ChartSeriesData[] = specs.map((s, i) => {
      const b = this.bins[i]!;
      this.ring.bin(CH[s.channel], t0S, t1S, dotCols, b.min, b.max, b.last);
      return { min: b.min, max: b.max, last: b.last, color: s.color, dotted: s.dotted };
    });
    const markers: ChartMarker[] = [];
    for (const l of this.labels) {
      if (l.tS >= t0S && l.tS < t1S)
        markers.push({ tS: l.tS, text: l.action === "start" ? `▼${l.text}` : `▲end`, color: "magenta" });
    }
    const hlines =
      panel === "residuals"
        ? [
            { value: 1, color: "yellow" as const },
            { value: -1, color: "yellow" as const },
          ]
        : [];
    return { t0S, t1S, range, series, hlines, markers };
  }

  /** A chart panel as text lines (`color`: blessed colour tags). */
  chartLines(panel: ChartPanel, widthCells: number, heightCells: number, color: boolean): string[] {
    const g = this.chartGeometry(panel, widthCells, heightCells);
    return renderChart(this.chartFrame(panel, dotColumns(g), g.range), g, color);
  }

  /** A chart panel drawn into rows [top, top + heightCells) of `grid` (the screen's, reused). */
  drawChartInto(
    panel: ChartPanel,
    grid: CellGrid,
    top: number,
    widthCells: number,
    heightCells: number,
  ): void {
    const g = this.chartGeometry(panel, widthCells, heightCells);
    drawChart(this.chartFrame(panel, dotColumns(g), g.range), g, grid, top);
  }

  private chartGeometry(
    panel: ChartPanel,
    widthCells: number,
    heightCells: number,
  ): ChartGeometry & { range: AxisRange } {
    const plotRows = chartGeometry(widthCells, heightCells, { min: 0, max: 1, step: 1 }).plotRows;
    const range = this.chartRange(panel, plotRows);
    return { ...chartGeometry(widthCells, heightCells, range), range };
  }

  /** Legend of a chart panel with the current values. */
  legend(panel: ChartPanel): LegendItem[] {
    return chartLegend(panel, this.hasSample ? this.last : null, this.lastOut, this.learned);
  }

  // ------------------------------------------------------------------ text panels

  /**
   * Pump panel rows fitted to `innerWidth`; `withFlow` adds the flow line (compact layout, where
   * the Flow chart is left out).
   */
  pumpRows(innerWidth: number, withFlow = false): string[] {
    return pumpPanelRows(
      {
        sample: this.last,
        hasSample: this.hasSample,
        setpoints: this.setpoints,
        predFlowLpm: this.lastOut.predFlowLpm,
        injections: this.injections,
        nowS: this.ring.lastTimeS,
        overrideText: this.overrideText,
      },
      innerWidth,
      withFlow,
    );
  }

  /** Alarm rows: open alarms newest first, then cleared ones, newest first. */
  alarmRows(): AlarmRow[] {
    return this.open.map(openAlarmRow).concat(this.history);
  }

  /** Metrics panel items: long label, short label (two-column layout), value with unit. */
  metricItems(): MetricItem[] {
    return metricsPanelItems(this.performance, this.link, this.samplesPerSecond());
  }

  /** Metrics as lines of `width` in `height` rows (see {@link metricsPanelLines}). */
  metricLines(width: number, height: number): string[] {
    return metricsPanelLines(this.metricItems(), width, height);
  }

  /**
   * The status line, at most `width` characters: source, link state, firmware, recording, rig
   * time, window, pause, the latest notice and the help hint (see {@link formatStatusLine}).
   */
  statusLine(width = 1000): string {
    return formatStatusLine(
      {
        link: this.link,
        windowS: this.windowS,
        latestTimeS: this.ring.lastTimeS,
        paused: this.paused,
        notice: this.notice,
        brokerText: this.brokerText,
        webText: this.webText,
        learned: this.learned,
      },
      width,
    );
  }

  get noticeIsError(): boolean {
    return this.noticeLevel === "error";
  }

  private ensureBins(n: number, dotCols: number): void {
    const cap = this.bins[0]?.min.length ?? 0;
    if (this.bins.length >= n && cap >= dotCols) return;
    const size = Math.max(dotCols, cap);
    this.bins = [];
    for (let i = 0; i < Math.max(n, 4); i++) {
      this.bins.push({
        min: new Float64Array(size),
        max: new Float64Array(size),
        last: new Float64Array(size),
      });
    }
  }
}

function normalised(residual: number, band: number): number {
  return band > 0 && Number.isFinite(residual) ? residual / band : Number.NaN;
}
