/**
 * One thermistor channel as the plant simulator and the emulator read it: the true fluid
 * temperature plus the sensor's errors (noise, bias, drift, stuck-at, open, short, intermittent
 * dropout), through the divider and the oversampled ADC to integer counts. All randomness comes
 * from the seeded RNG handed in, so a seed reproduces every reading.
 */
import { ConfigError } from "../core/errors.js";
import type { SeededRng } from "../core/rng.js";
import { type FaultSpec, faultLevel, isSensorFault, type SensorChannel } from "./faultSpec.js";
import { ADC_COUNTS_MAX, idealCountsFromTempC, quantiseCounts, type ThermistorConfig } from "./thermistor.js";

/**
 * Default white noise of a reading [K rms]. A 12-bit oversampled NTC divider resolves about
 * 0.02 K per count near 25 C; electrical noise on unshielded leads to a bench Arduino is
 * typically a few counts, i.e. a few hundredths of a kelvin.
 */
export const DEFAULT_SENSOR_NOISE_K_RMS = 0.05;

export interface ThermistorSensorOptions {
  /** White noise [K rms]. @default DEFAULT_SENSOR_NOISE_K_RMS */
  readonly noiseKRms?: number;
  /** Probability per reading of an intermittent open contact (reads the rail). @default 0 */
  readonly dropoutRate?: number;
}

const MAX_FAULTS = 16;

export class ThermistorSensor {
  readonly channel: SensorChannel;
  private readonly cfg: ThermistorConfig;
  private readonly rng: SeededRng;
  private readonly noiseKRms: number;
  private readonly dropoutRate: number;
  private readonly faults: FaultSpec[] = [];
  /** Counts held by each stuck fault (NaN until it first applies). */
  private readonly stuckCounts = new Float64Array(MAX_FAULTS).fill(Number.NaN);
  private lastCounts = Number.NaN;
  /** Time of the latest reading [s]; a fault that ended by then never applies again. */
  private lastReadS = Number.NEGATIVE_INFINITY;

  constructor(
    channel: SensorChannel,
    cfg: ThermistorConfig,
    rng: SeededRng,
    options: ThermistorSensorOptions = {},
  ) {
    this.channel = channel;
    this.cfg = cfg;
    this.rng = rng;
    this.noiseKRms = options.noiseKRms ?? DEFAULT_SENSOR_NOISE_K_RMS;
    this.dropoutRate = options.dropoutRate ?? 0;
    if (!(this.noiseKRms >= 0))
      throw new ConfigError(`sensor.${channel}.noiseKRms`, this.noiseKRms, "must be >= 0");
    if (!(this.dropoutRate >= 0 && this.dropoutRate <= 1)) {
      throw new ConfigError(`sensor.${channel}.dropoutRate`, this.dropoutRate, "must be between 0 and 1");
    }
  }

  /** Adds a sensor fault; faults of other channels or kinds are ignored (returns false). */
  addFault(spec: FaultSpec): boolean {
    if (!isSensorFault(spec.kind) || spec.channel !== this.channel) return false;
    if (this.faults.length >= MAX_FAULTS) this.dropEndedFaults();
    if (this.faults.length >= MAX_FAULTS)
      throw new ConfigError("faults", this.faults.length, `at most ${MAX_FAULTS} per channel`);
    this.stuckCounts[this.faults.length] = Number.NaN;
    this.faults.push(spec);
    return true;
  }

  /**
   * Forgets the faults that ended by the latest reading (time only goes forward), so that a long
   * run of short faults, e.g. an intermittent contact injected again and again, is not refused
   * once sixteen of them have come and gone.
   */
  private dropEndedFaults(): void {
    let kept = 0;
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i]!;
      if (f.endS <= this.lastReadS) continue;
      this.faults[kept] = f;
      this.stuckCounts[kept] = this.stuckCounts[i]!;
      kept++;
    }
    this.faults.length = kept;
    this.stuckCounts.fill(Number.NaN, kept);
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.stuckCounts.fill(Number.NaN);
  }

  /** The counts of the previous reading. */
  get lastReading(): number {
    return this.lastCounts;
  }

  /** Reads the channel at time `tS` [s] with the fluid at `trueTempC`; returns counts 0..4092. */
  read(tS: number, trueTempC: number): number {
    this.lastReadS = tS;
    let tempC = trueTempC;
    if (this.noiseKRms > 0) tempC += this.noiseKRms * this.rng.normal();
    let forced = -1;
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i]!;
      const level = faultLevel(f, tS);
      if (level <= 0) {
        this.stuckCounts[i] = Number.NaN;
        continue;
      }
      switch (f.kind) {
        case "sensor_bias":
          tempC += (f.value ?? 0) * level;
          break;
        case "sensor_drift":
          // A drift is itself a ramp: value [K/s] x severity from onset (the ramp key does not apply).
          tempC += (f.value ?? 0) * f.severity * (tS - f.startS);
          break;
        case "sensor_noise":
          tempC += (f.value ?? 0) * level * this.rng.normal();
          break;
        case "sensor_stuck":
          if (Number.isNaN(this.stuckCounts[i]!)) {
            this.stuckCounts[i] = Number.isNaN(this.lastCounts)
              ? quantiseCounts(idealCountsFromTempC(this.cfg, trueTempC))
              : this.lastCounts;
          }
          forced = this.stuckCounts[i]!;
          break;
        case "sensor_open":
          forced = ADC_COUNTS_MAX;
          break;
        case "sensor_short":
          forced = 0;
          break;
        default:
          break;
      }
    }
    if (this.dropoutRate > 0 && this.rng.uniform() < this.dropoutRate) forced = ADC_COUNTS_MAX;
    const counts = forced >= 0 ? forced : quantiseCounts(idealCountsFromTempC(this.cfg, tempC));
    this.lastCounts = counts;
    return counts;
  }
}
