/**
 * Host-side conversion of raw telemetry (counts, cumulative pulses, device millis) into a
 * {@link RigSample} in engineering units, with the rig's sensor calibration. Handles the uint32
 * wrap of t_ms and pulses, and keeps rig time monotonic across device reboots.
 */
import { DEFAULT_FLOW_METER, type FlowMeterConfig, FlowRateEstimator } from "./flowMeter.js";
import type { RigSample } from "./rigSample.js";
import { CountsToTempC, DEFAULT_THERMISTOR, type ThermistorConfig } from "./thermistor.js";

export interface SensorCalibration {
  readonly hot: ThermistorConfig;
  readonly cold: ThermistorConfig;
  readonly amb: ThermistorConfig;
  /** Offsets added to each converted temperature [K] (from calibration). @default 0 */
  readonly offsetsK?: { readonly hot?: number; readonly cold?: number; readonly amb?: number };
  readonly flowMeter: FlowMeterConfig;
  /** Window of the flow estimate [s]. @default 2 */
  readonly flowWindowS?: number;
}

/** Raw TLM fields, as numbers. `adcAmb` is -1 when the field was empty. */
/**
 * Calibration of a rig with the default parts: 10 k B3950 NTCs, 10 k series, YF-S201 flow meter.
 * Every source converts with it unless a rig config says otherwise.
 */
export const DEFAULT_SENSOR_CALIBRATION: SensorCalibration = {
  hot: DEFAULT_THERMISTOR,
  cold: DEFAULT_THERMISTOR,
  amb: DEFAULT_THERMISTOR,
  flowMeter: DEFAULT_FLOW_METER,
};

export interface RawTelemetry {
  readonly seq: number;
  readonly tMs: number;
  readonly adcHot: number;
  readonly adcCold: number;
  readonly adcAmb: number;
  readonly pulses: number;
  readonly pumpDuty: number;
  readonly heaterDuty: number;
  readonly fanDuty: number;
  readonly flags: number;
}

const UINT32 = 4294967296;
/** A backwards step of t_ms larger than this is a reboot, not a wrap [ms]. */
const HALF_RANGE_MS = UINT32 / 2;

export class TelemetryConverter {
  private readonly flow: FlowRateEstimator;
  private readonly hotC: CountsToTempC;
  private readonly coldC: CountsToTempC;
  private readonly ambC: CountsToTempC;
  private readonly offHotK: number;
  private readonly offColdK: number;
  private readonly offAmbK: number;
  private lastTMs = -1;
  /** Milliseconds added to t_ms to give rig time (wraps and reboots). */
  private offsetMs = 0;
  private lastRigMs = 0;

  constructor(cal: SensorCalibration) {
    this.flow = new FlowRateEstimator(cal.flowMeter, cal.flowWindowS ?? 2);
    this.hotC = new CountsToTempC(cal.hot);
    this.coldC = new CountsToTempC(cal.cold);
    this.ambC = new CountsToTempC(cal.amb);
    this.offHotK = cal.offsetsK?.hot ?? 0;
    this.offColdK = cal.offsetsK?.cold ?? 0;
    this.offAmbK = cal.offsetsK?.amb ?? 0;
  }

  /**
   * Marks a device reboot (HELLO mid-stream, or t_ms going back): the next t_ms restarts near 0
   * and rig time continues from where it was; the flow history restarts.
   */
  markReboot(): void {
    if (this.lastTMs >= 0) this.offsetMs = this.lastRigMs;
    this.lastTMs = -1;
    this.flow.reset();
  }

  /** Converts `raw` into `out` (overwritten) and returns it. */
  convert(raw: RawTelemetry, out: RigSample): RigSample {
    if (this.lastTMs >= 0 && raw.tMs < this.lastTMs) {
      if (this.lastTMs - raw.tMs > HALF_RANGE_MS) this.offsetMs += UINT32;
      else this.markReboot();
    }
    const rigMs = raw.tMs + this.offsetMs;
    this.lastTMs = raw.tMs;
    this.lastRigMs = rigMs;
    out.tS = rigMs / 1000;
    out.seq = raw.seq;
    out.tMs = raw.tMs;
    out.adcHot = raw.adcHot;
    out.adcCold = raw.adcCold;
    out.adcAmb = raw.adcAmb;
    out.tHotC = this.hotC.convert(raw.adcHot) + this.offHotK;
    out.tColdC = this.coldC.convert(raw.adcCold) + this.offColdK;
    out.tAmbC = raw.adcAmb < 0 ? Number.NaN : this.ambC.convert(raw.adcAmb) + this.offAmbK;
    out.pulses = raw.pulses;
    out.flowLpm = this.flow.push(out.tS, raw.pulses);
    out.pumpDuty = raw.pumpDuty;
    out.heaterDuty = raw.heaterDuty;
    out.fanDuty = raw.fanDuty;
    out.flags = raw.flags;
    return out;
  }
}
