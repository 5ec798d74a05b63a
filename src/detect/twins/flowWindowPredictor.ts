/**
 * The twin's flow as the host's flow meter would read it, and the measured flow over short
 * windows, from the same samples.
 *
 * The host estimates flow from cumulative pulses over a sliding window of device time
 * (flowMeter.ts, `FlowRateEstimator`), so a step of the pump reaches the measurement as a ramp
 * over the window. Comparing that with the twin's instantaneous flow (or a first-order lag of
 * it) leaves a residual at every pump setpoint step. Here the twin's flow is integrated into a
 * predicted cumulative volume and averaged over exactly the window the estimator uses (the same
 * trimming rule on the same sample times, the same ring capacity), so the predicted and measured
 * flows differ only by the meter's pulse quantisation and by a real fault.
 *
 * From the measured pulses it also gives:
 * - the flow over the last sample interval (pulses / Δt / K), which, summed over time, is exactly
 *   the volume that passed (the meter carries fractions: at most one pulse is ever missing), so a
 *   model driven by it sees the real flow without the window's lag;
 * - the measured and predicted flows over a short window (`shortWindowS`), to tell "the meter
 *   stopped counting" within a few samples rather than a full window.
 *
 * One sample: O(1) amortised, no allocation.
 */
import { ConfigError } from "../../core/errors.js";
import { pulseDelta } from "../../model/flowMeter.js";
import { checkInteger, checkPositive } from "../detectors/optionChecks.js";

export interface FlowWindowOptions {
  /** Window of the host's flow estimate [s] (SensorCalibration.flowWindowS). @default 2 */
  readonly windowS?: number;
  /** Pulses per second per L/min of the meter. @default 7.5 */
  readonly kHzPerLpm?: number;
  /** Ring capacity of the host's estimator (FlowRateEstimator's default). @default 512 */
  readonly capacity?: number;
  /** Short window of the "stopped" test [s]. @default 0.5 */
  readonly shortWindowS?: number;
}

/** A reading as {@link FlowWindowPredictor.pushFrom} reads it: rig time [s], cumulative pulses (NaN: unknown). */
export interface PulseReading {
  readonly tS: number;
  readonly pulses: number;
}

export class FlowWindowPredictor {
  readonly windowS: number;
  readonly kHzPerLpm: number;
  readonly shortWindowS: number;
  private readonly tS: Float64Array;
  /** Cumulative measured pulses (unwrapped) at each reading. */
  private readonly pulses: Float64Array;
  /** Cumulative predicted volume [L/min · s] at each reading. */
  private readonly volume: Float64Array;
  private head = 0;
  private count = 0;
  /** Index of the oldest reading inside the short window. */
  private shortOldest = 0;
  private lastRawPulses = Number.NaN;
  private totalPulses = 0;
  private predVolume = 0;
  private lastT = Number.NaN;
  private predictedLpm_ = Number.NaN;
  private spanS_ = 0;
  private intervalLpm_ = Number.NaN;
  private shortMeasuredLpm_ = Number.NaN;
  private shortPredictedLpm_ = Number.NaN;
  private ignoredReadings_ = 0;
  /** {@link push}'s arguments, for {@link pushFrom}. */
  private readonly input = { tS: Number.NaN, pulses: Number.NaN };

  constructor(options: FlowWindowOptions = {}) {
    this.windowS = checkPositive("flowWindowS", options.windowS ?? 2);
    this.kHzPerLpm = checkPositive("flowMeter.kHzPerLpm", options.kHzPerLpm ?? 7.5);
    this.shortWindowS = checkPositive("shortWindowS", options.shortWindowS ?? 0.5);
    const capacity = checkInteger("capacity", options.capacity ?? 512, 2, 1 << 20);
    if (this.shortWindowS > this.windowS)
      throw new ConfigError("shortWindowS", this.shortWindowS, `must be <= the window (${this.windowS} s)`);
    this.tS = new Float64Array(capacity);
    this.pulses = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Forgets the history, as the host's estimator does after a reboot (its flow is NaN next). */
  reset(): void {
    this.head = 0;
    this.count = 0;
    this.shortOldest = 0;
    this.lastRawPulses = Number.NaN;
    this.totalPulses = 0;
    this.predVolume = 0;
    this.lastT = Number.NaN;
    this.predictedLpm_ = Number.NaN;
    this.spanS_ = 0;
    this.intervalLpm_ = Number.NaN;
    this.shortMeasuredLpm_ = Number.NaN;
    this.shortPredictedLpm_ = Number.NaN;
  }

  /** Integrates the twin's flow [L/min], constant since the last call, up to rig time `tS`. */
  advance(tS: number, flowLpm: number): void {
    if (Number.isNaN(this.lastT)) {
      this.lastT = tS;
      return;
    }
    const dt = tS - this.lastT;
    if (dt > 0) {
      this.predVolume += flowLpm * dt;
      this.lastT = tS;
    }
  }

  /**
   * Records the reading at rig time `tS` (call {@link advance} to `tS` first) with the device's
   * cumulative pulse count (uint32; NaN when unknown) and updates every figure.
   */
  push(tS: number, rawPulses: number): void {
    const input = this.input;
    input.tS = tS;
    input.pulses = rawPulses;
    this.pushFrom(input);
  }

  /**
   * {@link push} on a reading's fields, read in place (the monitor's per-sample path: doubles
   * passed to a call the optimising compiler does not inline are boxed, one allocation each).
   */
  pushFrom(reading: PulseReading): void {
    const tS = reading.tS;
    const rawPulses = reading.pulses;
    const cap = this.tS.length;
    // (Ring indices wrap by comparison, not `%`: an integer division per index was a tenth of the
    // predictor's cost.)
    const newestBefore = this.head === 0 ? cap - 1 : this.head - 1;
    const prevT = this.count > 0 ? (this.tS[newestBefore] as number) : Number.NaN;
    // Rig time is monotonic (RigSample): a reading not later than the newest one, or at no finite
    // time, is ignored (its pulses count at the next reading), so the ring holds strictly
    // increasing times and the short window's start never falls behind the window's (see below).
    if (!(Number.isFinite(tS) && (this.count === 0 || tS > prevT))) {
      this.ignoredReadings_++;
      return;
    }
    this.intervalLpm_ = Number.NaN;
    if (Number.isFinite(rawPulses)) {
      // (A finite last count means an earlier reading, so prevT is finite and below tS.)
      if (Number.isFinite(this.lastRawPulses)) {
        const d = pulseDelta(this.lastRawPulses, rawPulses);
        this.totalPulses += d;
        this.intervalLpm_ = d / (tS - prevT) / this.kHzPerLpm;
      }
      this.lastRawPulses = rawPulses;
    }
    if (Number.isNaN(this.lastT)) this.lastT = tS;
    this.tS[this.head] = tS;
    this.pulses[this.head] = this.totalPulses;
    this.volume[this.head] = this.predVolume;
    this.head = this.head + 1 === cap ? 0 : this.head + 1;
    if (this.count < cap) this.count++;
    // The host's trimming rule (FlowRateEstimator.push).
    let oldest = this.head - this.count;
    if (oldest < 0) oldest += cap;
    while (this.count > 2) {
      const next = oldest + 1 === cap ? 0 : oldest + 1;
      if (tS - (this.tS[next] as number) < this.windowS) break;
      oldest = next;
      this.count--;
    }
    const span = tS - (this.tS[oldest] as number);
    this.spanS_ = span;
    this.predictedLpm_ = span > 0 ? (this.predVolume - (this.volume[oldest] as number)) / span : Number.NaN;
    // Short window: the newest reading at least shortWindowS old, walked forward from where the
    // last reading left it. Times increase along the ring, so if trimming passed it, every reading
    // up to the new oldest is at least windowS >= shortWindowS old and the walk passes them too.
    // Only a full ring can have written over it, and then its slot is the newest.
    let s = this.shortOldest;
    const newest = this.head === 0 ? cap - 1 : this.head - 1;
    if (s === newest) s = oldest;
    while (s !== newest) {
      const next = s + 1 === cap ? 0 : s + 1;
      if (tS - (this.tS[next] as number) < this.shortWindowS) break;
      s = next;
    }
    this.shortOldest = s;
    const shortSpan = tS - (this.tS[s] as number);
    if (shortSpan > 0) {
      this.shortMeasuredLpm_ = (this.totalPulses - (this.pulses[s] as number)) / shortSpan / this.kHzPerLpm;
      this.shortPredictedLpm_ = (this.predVolume - (this.volume[s] as number)) / shortSpan;
    } else {
      this.shortMeasuredLpm_ = Number.NaN;
      this.shortPredictedLpm_ = Number.NaN;
    }
    if (!Number.isFinite(rawPulses)) this.shortMeasuredLpm_ = Number.NaN;
  }

  /** Readings ignored because they were not later than the newest one (since construction; `reset` keeps it). */
  get ignoredReadings(): number {
    return this.ignoredReadings_;
  }

  /** The twin's flow averaged as the host's estimator averages the meter [L/min]. */
  get predictedLpm(): number {
    return this.predictedLpm_;
  }

  /**
   * Time the host's estimate spans now [s]: shorter than the window after a start or a reboot,
   * when the estimate rests on a few pulses and is coarse.
   */
  get spanS(): number {
    return this.spanS_;
  }

  /** Whether the estimate spans the whole window (to within one part in 10^6). */
  get windowFull(): boolean {
    return this.spanS_ >= this.windowS * (1 - 1e-6);
  }

  /** Measured flow over the last sample interval [L/min] (NaN without a previous reading). */
  get intervalLpm(): number {
    return this.intervalLpm_;
  }

  /** Measured flow over the short window [L/min]. */
  get shortMeasuredLpm(): number {
    return this.shortMeasuredLpm_;
  }

  /** The twin's flow over the same short window [L/min]. */
  get shortPredictedLpm(): number {
    return this.shortPredictedLpm_;
  }
}
