/**
 * NTC thermistor in a divider, read by the 10-bit ADC of an ATmega328P oversampled to 12-bit
 * counts (see the lead's conventions, mirrored in firmware/README.md):
 *
 *   Vcc --- R_series --- ADC pin --- NTC --- GND,  ADC reference = Vcc (ratiometric)
 *   counts = 4096 * R_ntc / (R_ntc + R_series)       (16 samples of 10 bits summed, >> 2; 0..4092)
 *
 * Resistance-temperature laws:
 * - Beta: 1/T = 1/T25 + ln(R/R25)/B (T in K). Datasheet parameters of a 10 k B3950 NTC (e.g.
 *   Vishay NTCLE100E3103, B25/85 = 3977; generic "3950" parts): R25 = 10 kOhm, B = 3950 K.
 * - Steinhart-Hart: 1/T = A + B ln R + C (ln R)^3 (Steinhart & Hart, Deep-Sea Research 15, 1968).
 *   The inverse (T -> R) solves the depressed cubic in ln R in closed form (Cardano).
 */
import { ConfigError } from "../core/errors.js";
import { cToK, KELVIN_OFFSET, kToC } from "../core/units.js";

export type ThermistorCurve =
  | { readonly kind: "beta"; readonly r25Ohm: number; readonly betaK: number }
  | { readonly kind: "steinhart_hart"; readonly a: number; readonly b: number; readonly c: number };

export interface ThermistorConfig {
  readonly curve: ThermistorCurve;
  /** Fixed divider resistor between Vcc and the ADC pin [Ohm]. @default 10000 */
  readonly seriesOhm: number;
}

/** 10 k at 25 C, B 3950 K, with a 10 k series resistor. */
export const DEFAULT_THERMISTOR: ThermistorConfig = {
  curve: { kind: "beta", r25Ohm: 10_000, betaK: 3950 },
  seriesOhm: 10_000,
};

/** Counts that would correspond to Vin = Vref: 16 x 1024 / 4. */
export const ADC_COUNTS_FULL_SCALE = 4096;
/** Largest count the firmware can report: 16 x 1023 >> 2. */
export const ADC_COUNTS_MAX = 4092;
/** At or above this the thermistor is taken as open (pin pulled to Vcc). */
export const OPEN_COUNTS_MIN = 4084;
/** At or below this the thermistor is taken as shorted (pin pulled to ground). */
export const SHORT_COUNTS_MAX = 8;

const T25_K = cToK(25);

export type CountsClass = "ok" | "open" | "short";

/** Checks a thermistor configuration; throws a ConfigError naming `field` and the bad value. */
export function validateThermistorConfig(cfg: ThermistorConfig, field = "thermistor"): ThermistorConfig {
  const positive = (name: string, v: unknown): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new ConfigError(`${field}.${name}`, v, "must be a finite number > 0");
    }
  };
  positive("seriesOhm", cfg.seriesOhm);
  const curve = cfg.curve as ThermistorCurve | undefined;
  switch (curve?.kind) {
    case "beta":
      positive("curve.r25Ohm", curve.r25Ohm);
      positive("curve.betaK", curve.betaK);
      break;
    case "steinhart_hart":
      for (const k of ["a", "b", "c"] as const) {
        if (!Number.isFinite(curve[k]))
          throw new ConfigError(`${field}.curve.${k}`, curve[k], "must be a finite number");
      }
      if (!(curve.b > 0)) throw new ConfigError(`${field}.curve.b`, curve.b, "must be > 0 for an NTC");
      break;
    default:
      throw new ConfigError(
        `${field}.curve.kind`,
        (curve as { kind?: unknown } | undefined)?.kind,
        'must be "beta" or "steinhart_hart"',
      );
  }
  return cfg;
}

/** Thermistor resistance [Ohm] at `tempC`. */
export function resistanceOhmFromTempC(curve: ThermistorCurve, tempC: number): number {
  const tK = cToK(tempC);
  switch (curve.kind) {
    case "beta":
      return curve.r25Ohm * Math.exp(curve.betaK * (1 / tK - 1 / T25_K));
    case "steinhart_hart": {
      // C x^3 + B x + (A - 1/T) = 0 with x = ln R; one real root since B, C > 0 (Cardano).
      const { a, b, c } = curve;
      if (c === 0) return Math.exp((1 / tK - a) / b);
      const p = b / c;
      const q = (a - 1 / tK) / c;
      const disc = Math.sqrt((q * q) / 4 + (p * p * p) / 27);
      const x = Math.cbrt(-q / 2 + disc) + Math.cbrt(-q / 2 - disc);
      return Math.exp(x);
    }
  }
}

/** Temperature [C] of a thermistor of resistance `rOhm`. */
export function tempCFromResistanceOhm(curve: ThermistorCurve, rOhm: number): number {
  const lnR = Math.log(rOhm);
  switch (curve.kind) {
    case "beta":
      return kToC(1 / (1 / T25_K + (lnR - Math.log(curve.r25Ohm)) / curve.betaK));
    case "steinhart_hart":
      return kToC(1 / (curve.a + curve.b * lnR + curve.c * lnR * lnR * lnR));
  }
}

/** Ideal (real-valued, unquantised) counts for a thermistor at `tempC`. */
export function idealCountsFromTempC(cfg: ThermistorConfig, tempC: number): number {
  const r = resistanceOhmFromTempC(cfg.curve, tempC);
  return (ADC_COUNTS_FULL_SCALE * r) / (r + cfg.seriesOhm);
}

/**
 * Quantises ideal counts as the firmware's 16x oversampling does: each 10-bit conversion floors,
 * the sum of 16 is shifted right by 2, so the result is floor(ideal) clamped to 0..4092.
 */
export function quantiseCounts(idealCounts: number): number {
  if (!(idealCounts > 0)) return 0;
  const q = Math.floor(idealCounts);
  return q > ADC_COUNTS_MAX ? ADC_COUNTS_MAX : q;
}

/** Counts the firmware reports for a noise-free thermistor at `tempC`. */
export function countsFromTempC(cfg: ThermistorConfig, tempC: number): number {
  return quantiseCounts(idealCountsFromTempC(cfg, tempC));
}

export function classifyCounts(counts: number): CountsClass {
  if (counts >= OPEN_COUNTS_MIN) return "open";
  if (counts <= SHORT_COUNTS_MAX) return "short";
  return "ok";
}

/**
 * Host conversion: temperature [C] from reported counts, `NaN` for an open or shorted thermistor.
 * A floored count stands for the interval [counts, counts + 1); the mid-point is used, so the
 * conversion error is at most half a count's worth of temperature.
 */
export function tempCFromCounts(cfg: ThermistorConfig, counts: number): number {
  if (!Number.isFinite(counts) || classifyCounts(counts) !== "ok") return Number.NaN;
  const mid = counts + 0.5;
  const r = (cfg.seriesOhm * mid) / (ADC_COUNTS_FULL_SCALE - mid);
  return tempCFromResistanceOhm(cfg.curve, r);
}

/**
 * {@link tempCFromCounts} as a table over the integer counts 0..4092 (what the firmware reports),
 * filled once per calibration: a lookup instead of a logarithm per reading, with the same values
 * bit for bit. Other inputs (fractional, out of range, non-finite) fall back to the function.
 */
export class CountsToTempC {
  private readonly cfg: ThermistorConfig;
  private readonly table = new Float64Array(ADC_COUNTS_MAX + 1);

  constructor(cfg: ThermistorConfig) {
    this.cfg = cfg;
    for (let c = 0; c <= ADC_COUNTS_MAX; c++) this.table[c] = tempCFromCounts(cfg, c);
  }

  /** Temperature [C] from reported counts, `NaN` for an open or shorted thermistor. */
  convert(counts: number): number {
    if ((counts | 0) === counts && counts >= 0 && counts <= ADC_COUNTS_MAX)
      return this.table[counts] as number;
    return tempCFromCounts(this.cfg, counts);
  }
}

/** Temperature width of one count at `tempC` [K per count] (positive). */
export function kelvinPerCount(cfg: ThermistorConfig, tempC: number): number {
  const h = 1e-3;
  const slope = (idealCountsFromTempC(cfg, tempC + h) - idealCountsFromTempC(cfg, tempC - h)) / (2 * h);
  return 1 / Math.abs(slope);
}

/** Absolute zero guard for callers converting arbitrary numbers. */
export const MIN_TEMP_C = -KELVIN_OFFSET;
