/**
 * The page's one store: what every panel draws, fed either by the standalone twin run
 * (twinRun.ts) or by the live stream (liveClient.ts), so the panels never know which. Pure data,
 * no DOM: the tests drive it directly.
 *
 * Samples live in a ring of typed-array columns written twice (at `i` and `i + capacity`), so any
 * window of up to `capacity` rows is one contiguous `subarray` handed to the charts whole, with no
 * copy and no allocation per sample.
 */
import type { AlarmSeverity } from "../../src/detect/alarms/alarmManager.js";
import {
  type LoopPerformanceFigures,
  NO_PERFORMANCE,
  type OperatorSetpoints,
} from "../../src/detect/monitor/monitorTypes.js";
import { NO_SESSION_STATUS } from "../../src/session/sessionObserver.js";
import type { LiveLearned } from "../../src/web/liveMessages.js";

/** The sample columns, in CSV and chart order. Residuals are in units of their alarm band. */
export const STORE_COLUMNS = [
  "tHotC",
  "tColdC",
  "twinTHotC",
  "twinTColdC",
  "flowLpm",
  "twinFlowLpm",
  "resTHotBand",
  "resTColdBand",
  "resFlowBand",
  "pumpSetpoint",
  "pumpApplied",
  "heaterSetpoint",
  "heaterApplied",
  "fanSetpoint",
  "fanApplied",
] as const;
export type StoreColumn = (typeof STORE_COLUMNS)[number];

/** One sample's values (a caller reuses one object; the store copies the numbers). */
export type StoreRow = { -readonly [K in StoreColumn]: number };

export function createStoreRow(): StoreRow {
  const row = {} as StoreRow;
  for (const c of STORE_COLUMNS) row[c] = Number.NaN;
  return row;
}

/** Time windows the page steps through [s] (as the terminal dashboard's `+`/`-`). */
export const WINDOWS_S = [15, 30, 60, 120, 300, 600, 1800] as const;

/** An open alarm as the Alarms panel shows it (the fields of the monitor's AlarmState it uses). */
export interface AlarmView {
  readonly alarmId: number;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly raisedAtS: number;
  readonly acknowledged: boolean;
  readonly conditionActive: boolean;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
}

/** One alarm transition in the log (and, for `raised`, a marker on the charts). */
export interface AlarmLogEntry {
  readonly tS: number;
  readonly type: string;
  readonly severity: AlarmSeverity;
  readonly cause: string;
  readonly diagnosis: string;
}

/** A fault label on the charts: an injection's start or end. */
export interface FaultLabel {
  readonly tS: number;
  readonly action: "start" | "end";
  readonly text: string;
}

/** Link state names as the rig sources report them, plus the page's own for a stream. */
export type LinkStateName = "CONNECTED" | "CONNECTING" | "DISCONNECTED" | "RECONNECTING" | string;

/** Source and link facts for the status bar and the loop-figures panel. */
export interface LinkView {
  /** `browser twin`, a port path, `emulator`, a replayed file. */
  readonly source: string;
  readonly state: LinkStateName;
  readonly firmware: string;
  /** The recording's file, or null when nothing is recorded. */
  readonly recording: string | null;
  readonly crcErrors: number;
  readonly lostSamples: number;
  readonly reconnects: number;
  readonly malformed: number;
}

/** Contiguous rows `[start, start + length)` of the doubled columns. */
export interface RowRange {
  readonly start: number;
  readonly length: number;
}

const MAX_LOG = 200;
const MAX_LABELS = 200;

export class PageStore {
  readonly capacity: number;
  private readonly time: Float64Array;
  private readonly cols: Float64Array[];
  /** Next slot to write, 0..capacity-1. */
  private head = 0;
  private count = 0;
  private pausedAtS = Number.NaN;
  private windowIndex = 2;
  /** Incremented by every change; the view redraws when it moved. */
  version = 0;
  openAlarms: readonly AlarmView[] = [];
  readonly alarmLog: AlarmLogEntry[] = [];
  readonly labels: FaultLabel[] = [];
  performance: LoopPerformanceFigures = NO_PERFORMANCE;
  link: LinkView = NO_SESSION_STATUS;
  setpoints: OperatorSetpoints = { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  /** Injections in force, as fault-spec text. */
  injections: readonly string[] = [];
  /** Why the twin follows the applied duties ("" when it follows the setpoints). */
  override = "";
  /** The learned detector's state from a live server (null: none runs, or the standalone page). */
  learned: LiveLearned | null = null;

  /** @param capacity rows kept (default 36,000: an hour at 10 Hz, the longest window at 20 Hz). */
  constructor(capacity = 36_000) {
    if (!(Number.isInteger(capacity) && capacity >= 2))
      throw new RangeError(`capacity must be a whole number >= 2 (got ${capacity})`);
    this.capacity = capacity;
    this.time = new Float64Array(2 * capacity);
    this.cols = STORE_COLUMNS.map(() => new Float64Array(2 * capacity));
  }

  /** Rows held. */
  get length(): number {
    return this.count;
  }

  /** Rig time of the newest row (NaN when empty). */
  get latestTS(): number {
    return this.count === 0
      ? Number.NaN
      : (this.time[this.head === 0 ? this.capacity - 1 : this.head - 1] as number);
  }

  /**
   * Appends one sample at rig time `tS`. A time that goes back (a new run, a device restart) starts
   * the history afresh rather than drawing a line back in time.
   */
  addSample(tS: number, row: Readonly<StoreRow>): void {
    if (this.count > 0 && tS < this.latestTS) this.clearSamples();
    const cap = this.capacity;
    const i = this.head;
    this.time[i] = tS;
    this.time[i + cap] = tS;
    for (let c = 0; c < STORE_COLUMNS.length; c++) {
      const v = row[STORE_COLUMNS[c] as StoreColumn];
      const col = this.cols[c] as Float64Array;
      col[i] = v;
      col[i + cap] = v;
    }
    this.head = i + 1 === cap ? 0 : i + 1;
    if (this.count < cap) this.count++;
    this.version++;
  }

  /** Forgets the samples, alarms and labels (a new run). */
  clear(): void {
    this.clearSamples();
    this.openAlarms = [];
    this.alarmLog.length = 0;
    this.labels.length = 0;
    this.injections = [];
    this.performance = NO_PERFORMANCE;
    this.version++;
  }

  private clearSamples(): void {
    this.head = 0;
    this.count = 0;
    this.pausedAtS = Number.NaN;
  }

  /** Index in the doubled columns of the oldest row. */
  private get oldest(): number {
    return this.count < this.capacity ? 0 : this.head;
  }

  /** The time column of a range (a view, not a copy). */
  timeOf(range: RowRange): Float64Array {
    return this.time.subarray(range.start, range.start + range.length);
  }

  /** One column of a range (a view, not a copy). */
  columnOf(name: StoreColumn, range: RowRange): Float64Array {
    const col = this.cols[STORE_COLUMNS.indexOf(name)] as Float64Array;
    return col.subarray(range.start, range.start + range.length);
  }

  /**
   * The rows with `endS - windowS <= t <= endS`, contiguous. The start is compared with a
   * nanosecond-scale tolerance: sample times are k / rate in floating point, and `83.7 - 60` is
   * 23.700000000000003, which would drop the sample at 23.7 from a 60 s window.
   */
  rangeOf(windowS: number, endS: number): RowRange {
    const lo = this.oldest;
    const n = this.count;
    const t = this.time;
    const first = lowerBound(t, lo, lo + n, endS - windowS - 1e-9 * Math.max(1, Math.abs(endS)));
    const last = upperBound(t, lo, lo + n, endS);
    return { start: first, length: Math.max(0, last - first) };
  }

  // ---------------------------------------------------------------- view state

  get windowS(): number {
    return WINDOWS_S[this.windowIndex] as number;
  }

  /** Sets the window to one of {@link WINDOWS_S} (RangeError otherwise). */
  setWindowS(windowS: number): void {
    const i = (WINDOWS_S as readonly number[]).indexOf(windowS);
    if (i < 0) throw new RangeError(`window must be one of ${WINDOWS_S.join(", ")} s (got ${windowS})`);
    this.windowIndex = i;
    this.version++;
  }

  /** A longer window; returns it. */
  widen(): number {
    this.windowIndex = Math.min(WINDOWS_S.length - 1, this.windowIndex + 1);
    this.version++;
    return this.windowS;
  }

  /** A shorter window; returns it. */
  narrow(): number {
    this.windowIndex = Math.max(0, this.windowIndex - 1);
    this.version++;
    return this.windowS;
  }

  get paused(): boolean {
    return !Number.isNaN(this.pausedAtS);
  }

  /** Freezes the charts at the newest row (data keeps coming in), or resumes; returns the new state. */
  togglePause(): boolean {
    this.pausedAtS = this.paused || this.count === 0 ? Number.NaN : this.latestTS;
    this.version++;
    return this.paused;
  }

  /** The rows the charts show: the window ending at the pause time, or at the newest row. */
  visibleRange(): RowRange {
    if (this.count === 0) return { start: 0, length: 0 };
    return this.rangeOf(this.windowS, this.paused ? this.pausedAtS : this.latestTS);
  }

  // ---------------------------------------------------------------- events

  /** An alarm transition at rig time `tS`, newest first in the log. */
  addAlarmEvent(e: AlarmLogEntry): void {
    this.alarmLog.unshift(e);
    if (this.alarmLog.length > MAX_LOG) this.alarmLog.length = MAX_LOG;
    this.version++;
  }

  setOpenAlarms(list: readonly AlarmView[]): void {
    this.openAlarms = list;
    this.version++;
  }

  /** A fault label (kept in time order; the oldest go first when there are too many). */
  addLabel(label: FaultLabel): void {
    let i = this.labels.length;
    while (i > 0 && (this.labels[i - 1] as FaultLabel).tS > label.tS) i--;
    this.labels.splice(i, 0, label);
    if (this.labels.length > MAX_LABELS) this.labels.shift();
    this.version++;
  }

  setPerformance(p: LoopPerformanceFigures): void {
    this.performance = p;
    this.version++;
  }

  setLink(l: LinkView): void {
    this.link = l;
    this.version++;
  }

  setSetpoints(s: OperatorSetpoints): void {
    this.setpoints = s;
    this.version++;
  }

  setInjections(list: readonly string[]): void {
    this.injections = list;
    this.version++;
  }
}

/** First index in [lo, hi) with t[i] >= x (t ascending). */
function lowerBound(t: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) with t[i] > x (t ascending). */
function upperBound(t: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
