/**
 * The data a calibration fits: observations (measured temperatures and flow at times) and the
 * applied duties as piecewise-constant inputs, from any source (a recording's samples, a
 * `simulate --sensors` CSV). Readers push samples in time order into a
 * {@link CalibrationDataBuilder}; `build()` bins them, finds gaps and smooths the ambient.
 *
 * - Binning: samples are averaged into bins of at most `binS` seconds (a bin never spans a duty
 *   change or a gap), so a 100 Hz recording costs what a 1 Hz one does; a bin's observation time
 *   is the mean of its sample times. At 1 Hz with the default 1 s bins every sample is its own bin.
 * - Inputs: the applied duties the device reports in every TLM, held between changes; a change
 *   takes effect when the reader says (a recording's acknowledged command), else at the first
 *   sample that reports it or halfway from the sample before (`dutyChangeAt`).
 * - Gaps: a spacing longer than `breakGapS` (a disconnect, a reboot) starts a new segment: the
 *   inputs during a gap are unknown, so the model restarts from the measurements after it.
 * - Ambient: the ambient probe (when there is one) drives the losses; it is smoothed by a centred
 *   moving mean so that its noise does not enter the model as input noise.
 */

/** One sample as a reader hands it over; NaN marks a missing measurement. */
export interface CalibrationSample {
  /** Rig time [s], strictly increasing. */
  readonly tS: number;
  readonly tHotC: number;
  readonly tColdC: number;
  /** Ambient [C]; NaN without an ambient probe. */
  readonly tAmbC: number;
  /** Flow [L/min]; NaN without an estimate. */
  readonly flowLpm: number;
  /** Applied duties 0-255. */
  readonly pumpDuty: number;
  readonly heaterDuty: number;
  readonly fanDuty: number;
  /**
   * When the duties this sample reports took effect [s], if the reader knows (a recording's
   * acknowledged PWM command); used when it lies after the previous sample and not after this one.
   */
  readonly dutyChangeTS?: number;
}

/** Observations and inputs of a run, ready to fit. */
export interface CalibrationData {
  /** Where the data came from (a file name), for messages. */
  readonly source: string;
  /** Observation times [s], strictly increasing. */
  readonly tS: Float64Array;
  /** Measured temperatures [C] and flow [L/min] per observation (NaN: missing). */
  readonly tHotC: Float64Array;
  readonly tColdC: Float64Array;
  readonly flowLpm: Float64Array;
  /** Smoothed ambient [C] per observation, held until the next one; NaN: use the parameter T_amb. */
  readonly ambInputC: Float64Array;
  /** 1 where the model restarts from the measurements (the first observation, and after a gap). */
  readonly segmentStart: Uint8Array;
  /** Input changes: from `changeTS[i]` on, the duties are `pump[i]`, `heater[i]`, `fan[i]`. */
  readonly changeTS: Float64Array;
  readonly pump: Float64Array;
  readonly heater: Float64Array;
  readonly fan: Float64Array;
  /** Samples pushed. */
  readonly sampleCount: number;
  /** Segments after the first (gaps longer than the break threshold). */
  readonly gapCount: number;
  /** The gap threshold used [s]. */
  readonly breakGapS: number;
}

export interface CalibrationDataOptions {
  /** Longest bin [s]. @default 1 */
  readonly binS?: number;
  /** Spacing that starts a new segment [s]. @default max(10 x the median sample spacing, 2 x binS) */
  readonly breakGapS?: number;
  /** Width of the centred moving mean over the ambient [s]. @default 60 */
  readonly ambientWindowS?: number;
  /**
   * When a duty change took effect, unless the sample says (`dutyChangeTS`): `sample`, at the
   * first sample that reports it (a simulate CSV, whose inputs change on the sample grid);
   * `midpoint`, halfway between that sample and the one before (a recording: the device applies a
   * command whenever it arrives, and the next TLM reports it). @default "sample"
   */
  readonly dutyChangeAt?: "sample" | "midpoint";
}

/** Collects samples in time order and builds {@link CalibrationData}. */
export class CalibrationDataBuilder {
  readonly source: string;
  private readonly cols: number[][] = [[], [], [], [], [], [], [], [], []];
  private lastTS = Number.NEGATIVE_INFINITY;

  constructor(source: string) {
    this.source = source;
  }

  /** Samples pushed so far. */
  get count(): number {
    return (this.cols[0] as number[]).length;
  }

  /** Time of the last sample pushed [s] (-Infinity before the first). */
  get lastTimeS(): number {
    return this.lastTS;
  }

  /** Adds a sample; its time must be later than the previous one (a RangeError otherwise). */
  push(s: CalibrationSample): void {
    if (!(s.tS > this.lastTS))
      throw new RangeError(`CalibrationDataBuilder.push: time ${s.tS} s is not after ${this.lastTS} s`);
    this.lastTS = s.tS;
    const c = this.cols;
    (c[0] as number[]).push(s.tS);
    (c[1] as number[]).push(s.tHotC);
    (c[2] as number[]).push(s.tColdC);
    (c[3] as number[]).push(s.tAmbC);
    (c[4] as number[]).push(s.flowLpm);
    (c[5] as number[]).push(s.pumpDuty);
    (c[6] as number[]).push(s.heaterDuty);
    (c[7] as number[]).push(s.fanDuty);
    (c[8] as number[]).push(s.dutyChangeTS ?? Number.NaN);
  }

  /** Bins the samples, finds the segments and inputs; throws a RangeError for bad options. */
  build(options: CalibrationDataOptions = {}): CalibrationData {
    return buildCalibrationData(this.source, this.cols, options);
  }
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function buildCalibrationData(
  source: string,
  cols: readonly number[][],
  options: CalibrationDataOptions,
): CalibrationData {
  const [t, hot, cold, amb, flow, pump, heater, fan, known] = cols as [
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const binS = options.binS ?? 1;
  if (!(binS > 0)) throw new RangeError(`binS must be > 0 s (got ${binS})`);
  const spacings: number[] = [];
  for (let i = 1; i < t.length; i++) spacings.push((t[i] as number) - (t[i - 1] as number));
  const breakGapS = options.breakGapS ?? Math.max(10 * (median(spacings) || 0), 2 * binS);
  if (!(breakGapS > 0)) throw new RangeError(`breakGapS must be > 0 s (got ${breakGapS})`);

  const midpoint = (options.dutyChangeAt ?? "sample") === "midpoint";
  const changeTS: number[] = [];
  const cPump: number[] = [];
  const cHeater: number[] = [];
  const cFan: number[] = [];
  const oT: number[] = [];
  const oHot: number[] = [];
  const oCold: number[] = [];
  const oFlow: number[] = [];
  const oAmb: number[] = [];
  const oStart: number[] = [];
  let gapCount = 0;

  // Running bin sums; a value counts only when it is finite.
  let binStart = 0;
  let n = 0;
  let sumT = 0;
  const sums = new Float64Array(4);
  const counts = new Float64Array(4);
  let pendingStart = true;
  const add = (c: number, x: number): void => {
    if (!Number.isFinite(x)) return;
    sums[c] = (sums[c] as number) + x;
    counts[c] = (counts[c] as number) + 1;
  };
  const close = (): void => {
    if (n === 0) return;
    oT.push(sumT / n);
    oHot.push(counts[0] ? (sums[0] as number) / (counts[0] as number) : Number.NaN);
    oCold.push(counts[1] ? (sums[1] as number) / (counts[1] as number) : Number.NaN);
    oAmb.push(counts[2] ? (sums[2] as number) / (counts[2] as number) : Number.NaN);
    oFlow.push(counts[3] ? (sums[3] as number) / (counts[3] as number) : Number.NaN);
    oStart.push(pendingStart ? 1 : 0);
    pendingStart = false;
    n = 0;
    sumT = 0;
    sums.fill(0);
    counts.fill(0);
  };
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] as number;
    const gap = i > 0 && ti - (t[i - 1] as number) > breakGapS;
    const changed =
      i === 0 || pump[i] !== pump[i - 1] || heater[i] !== heater[i - 1] || fan[i] !== fan[i - 1] || gap;
    if (gap || changed || ti - binStart >= binS - 1e-9 * binS) close();
    if (gap) {
      pendingStart = true;
      gapCount++;
    }
    if (changed) {
      const before = i > 0 && !gap ? (t[i - 1] as number) : ti;
      const k = known[i] as number;
      changeTS.push(k > before && k <= ti ? k : midpoint && before < ti ? (before + ti) / 2 : ti);
      cPump.push(pump[i] as number);
      cHeater.push(heater[i] as number);
      cFan.push(fan[i] as number);
    }
    if (n === 0) binStart = ti;
    n++;
    sumT += ti;
    add(0, hot[i] as number);
    add(1, cold[i] as number);
    add(2, amb[i] as number);
    add(3, flow[i] as number);
  }
  close();

  // A segment starts at its first observation with both temperatures; earlier ones are dropped.
  const keep: number[] = [];
  let waiting = false;
  for (let k = 0; k < oT.length; k++) {
    if (oStart[k] === 1) waiting = true;
    if (waiting) {
      if (Number.isFinite(oHot[k] as number) && Number.isFinite(oCold[k] as number)) {
        waiting = false;
        oStart[k] = 1;
        keep.push(k);
      }
      continue;
    }
    keep.push(k);
  }
  const pick = (a: number[]): Float64Array => Float64Array.from(keep, (k) => a[k] as number);
  const tObs = pick(oT);
  return {
    source,
    tS: tObs,
    tHotC: pick(oHot),
    tColdC: pick(oCold),
    flowLpm: pick(oFlow),
    ambInputC: smoothedAmbient(tObs, pick(oAmb), options.ambientWindowS ?? 60),
    segmentStart: Uint8Array.from(keep, (k) => oStart[k] as number),
    changeTS: Float64Array.from(changeTS),
    pump: Float64Array.from(cPump),
    heater: Float64Array.from(cHeater),
    fan: Float64Array.from(cFan),
    sampleCount: t.length,
    gapCount,
    breakGapS,
  };
}

/** Centred moving mean of the finite values of `x` over `windowS`; NaN where the window has none. */
export function smoothedAmbient(tS: Float64Array, x: Float64Array, windowS: number): Float64Array {
  if (!(windowS >= 0)) throw new RangeError(`ambientWindowS must be >= 0 s (got ${windowS})`);
  const out = new Float64Array(tS.length);
  const half = windowS / 2;
  let lo = 0;
  let hi = 0;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < tS.length; k++) {
    const t = tS[k] as number;
    while (hi < tS.length && (tS[hi] as number) <= t + half) {
      const v = x[hi] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
      hi++;
    }
    while ((tS[lo] as number) < t - half) {
      const v = x[lo] as number;
      if (Number.isFinite(v)) {
        sum -= v;
        count--;
      }
      lo++;
    }
    out[k] = count > 0 ? sum / count : Number.NaN;
  }
  return out;
}
