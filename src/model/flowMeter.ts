/**
 * Hall-effect flow meter (YF-S201-like): pulse frequency f = K * Q with K = 7.5 Hz per L/min
 * (450 pulses per litre, from the YF-S201 datasheet). The device reports a cumulative pulse count
 * (uint32, wraps), so a lost telemetry line loses no flow.
 */
import { ConfigError } from "../core/errors.js";

export interface FlowMeterConfig {
  /** Pulse frequency per unit flow [Hz per L/min]. @default 7.5 */
  readonly kHzPerLpm: number;
}

export const DEFAULT_FLOW_METER: FlowMeterConfig = { kHzPerLpm: 7.5 };

export const UINT32_RANGE = 4294967296;

export function validateFlowMeterConfig(cfg: FlowMeterConfig, field = "flowMeter"): FlowMeterConfig {
  if (!Number.isFinite(cfg.kHzPerLpm) || cfg.kHzPerLpm <= 0) {
    throw new ConfigError(`${field}.kHzPerLpm`, cfg.kHzPerLpm, "must be a finite number > 0");
  }
  return cfg;
}

/**
 * Pulses between two cumulative uint32 readings, across a wrap: `(next - prev + 2^32) % 2^32`.
 * For two uint32 counts the sum lies in [1, 2^33), where the modulo is one comparison and at most
 * one subtraction, exact by Sterbenz's lemma (d - 2^32 for 2^32 <= d <= 2^33), so the same double
 * as `%` gives; `%` itself, a call out of compiled code per sample, only for other inputs.
 */
export function pulseDelta(prevPulses: number, nextPulses: number): number {
  const d = nextPulses - prevPulses + UINT32_RANGE;
  if (d >= UINT32_RANGE && d < 2 * UINT32_RANGE) return d - UINT32_RANGE;
  if (d >= 0 && d < UINT32_RANGE) return d;
  return d % UINT32_RANGE;
}

/** Flow [L/min] from `pulses` counted over `dtS` seconds. */
export function flowLpmFromPulses(cfg: FlowMeterConfig, pulses: number, dtS: number): number {
  return pulses / dtS / cfg.kHzPerLpm;
}

/**
 * Host-side flow estimate from cumulative pulse readings: pulses over a sliding window of device
 * time (a ring buffer of fixed capacity, no allocation per sample). Whole-pulse counting at 7.5 Hz
 * per L/min is coarse at 10 Hz telemetry (about 2 pulses a sample at 2 L/min), so the window trades
 * resolution (1 pulse / (K * window)) against lag (window / 2).
 */
export class FlowRateEstimator {
  private readonly cfg: FlowMeterConfig;
  private readonly windowS: number;
  private readonly tS: Float64Array;
  private readonly cum: Float64Array;
  private head = 0;
  private count = 0;
  private lastPulses = 0;
  private total = 0;

  /**
   * @param windowS sliding window of device time [s]. @default 2
   * @param capacity most readings kept (must cover the window at the telemetry rate). @default 512
   */
  constructor(cfg: FlowMeterConfig = DEFAULT_FLOW_METER, windowS = 2, capacity = 512) {
    if (!(windowS > 0)) throw new ConfigError("windowS", windowS, "must be > 0 s");
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new ConfigError("capacity", capacity, "must be an integer >= 2");
    this.cfg = validateFlowMeterConfig(cfg);
    this.windowS = windowS;
    this.tS = new Float64Array(capacity);
    this.cum = new Float64Array(capacity);
  }

  /** Forgets the history (after a reboot or a gap: counts restart). */
  reset(): void {
    this.head = 0;
    this.count = 0;
    this.total = 0;
  }

  /**
   * Adds a reading (device time [s], cumulative pulses) and returns the flow [L/min] over the
   * window, or NaN until two readings span some time.
   */
  push(tS: number, pulses: number): number {
    const cap = this.tS.length;
    if (this.count > 0) this.total += pulseDelta(this.lastPulses, pulses);
    this.lastPulses = pulses;
    this.tS[this.head] = tS;
    this.cum[this.head] = this.total;
    // (Ring indices wrap by comparison, not `%`: an integer division each, per sample.)
    this.head = this.head + 1 === cap ? 0 : this.head + 1;
    if (this.count < cap) this.count++;
    // Oldest reading still inside the window (keep one just outside it so the span covers the window).
    let oldest = this.head - this.count;
    if (oldest < 0) oldest += cap;
    while (this.count > 2) {
      const next = oldest + 1 === cap ? 0 : oldest + 1;
      if (tS - this.tS[next]! < this.windowS) break;
      oldest = next;
      this.count--;
    }
    const span = tS - this.tS[oldest]!;
    if (!(span > 0)) return Number.NaN;
    return flowLpmFromPulses(this.cfg, this.total - this.cum[oldest]!, span);
  }
}
