import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  ADC_COUNTS_MAX,
  CountsToTempC,
  classifyCounts,
  countsFromTempC,
  DEFAULT_THERMISTOR,
  idealCountsFromTempC,
  kelvinPerCount,
  quantiseCounts,
  resistanceOhmFromTempC,
  type ThermistorConfig,
  tempCFromCounts,
  tempCFromResistanceOhm,
  validateThermistorConfig,
} from "../../src/model/thermistor.js";

/** Steinhart-Hart coefficients of a 10 k NTC (Omega 44006 / YSI 44006 family). */
const SH: ThermistorConfig = {
  curve: { kind: "steinhart_hart", a: 1.129148e-3, b: 2.34125e-4, c: 8.76741e-8 },
  seriesOhm: 10_000,
};

describe("thermistor: Beta law", () => {
  it("matches hand-computed resistances of a 10 k B3950 part", () => {
    // R(T) = 10000 * exp(3950 * (1/T - 1/298.15)), worked by hand.
    expect(resistanceOhmFromTempC(DEFAULT_THERMISTOR.curve, 25)).toBeCloseTo(10_000, 6);
    expect(resistanceOhmFromTempC(DEFAULT_THERMISTOR.curve, 0)).toBeCloseTo(33_621.6, -1);
    expect(resistanceOhmFromTempC(DEFAULT_THERMISTOR.curve, 100)).toBeCloseTo(697.7, 0);
  });

  it("reads 2048 counts at 25 C with equal divider resistors", () => {
    expect(idealCountsFromTempC(DEFAULT_THERMISTOR, 25)).toBeCloseTo(2048, 9);
    expect(countsFromTempC(DEFAULT_THERMISTOR, 25)).toBe(2048);
  });

  it("counts fall as temperature rises (NTC to ground)", () => {
    let prev = Number.POSITIVE_INFINITY;
    for (let t = -10; t <= 120; t += 1) {
      const c = idealCountsFromTempC(DEFAULT_THERMISTOR, t);
      expect(c).toBeLessThan(prev);
      prev = c;
    }
  });
});

describe("thermistor: host conversion", () => {
  it.each([
    ["beta", DEFAULT_THERMISTOR],
    ["steinhart-hart", SH],
  ])(
    "round trip temperature -> counts -> temperature within the quantisation bound, 0-100 C (%s)",
    (_name, cfg) => {
      for (let t = 0; t <= 100; t += 0.37) {
        const counts = countsFromTempC(cfg, t);
        const back = tempCFromCounts(cfg, counts);
        // The mid-point of a floored count is at most half a count away.
        expect(Math.abs(back - t)).toBeLessThanOrEqual(0.51 * kelvinPerCount(cfg, t));
      }
    },
  );

  it("resolves better than 0.05 K per count from 10 to 60 C", () => {
    for (let t = 10; t <= 60; t += 5) expect(kelvinPerCount(DEFAULT_THERMISTOR, t)).toBeLessThan(0.05);
  });

  it("Steinhart-Hart inverse (Cardano) is the exact inverse", () => {
    for (let t = -20; t <= 150; t += 7) {
      const r = resistanceOhmFromTempC(SH.curve, t);
      expect(tempCFromResistanceOhm(SH.curve, r)).toBeCloseTo(t, 9);
    }
    expect(resistanceOhmFromTempC(SH.curve, 25)).toBeGreaterThan(9_950);
    expect(resistanceOhmFromTempC(SH.curve, 25)).toBeLessThan(10_050);
  });

  it("detects open and short and returns NaN for them", () => {
    expect(classifyCounts(ADC_COUNTS_MAX)).toBe("open");
    expect(classifyCounts(0)).toBe("short");
    expect(classifyCounts(2048)).toBe("ok");
    expect(tempCFromCounts(DEFAULT_THERMISTOR, ADC_COUNTS_MAX)).toBeNaN();
    expect(tempCFromCounts(DEFAULT_THERMISTOR, 0)).toBeNaN();
    // A real thermistor stays well inside the rails from -20 to 150 C.
    expect(classifyCounts(countsFromTempC(DEFAULT_THERMISTOR, -20))).toBe("ok");
    expect(classifyCounts(countsFromTempC(DEFAULT_THERMISTOR, 150))).toBe("ok");
  });

  it("rejects bad configurations naming the field", () => {
    expect(() => validateThermistorConfig({ ...DEFAULT_THERMISTOR, seriesOhm: -1 }, "hot")).toThrow(
      /hot\.seriesOhm/,
    );
    expect(() =>
      validateThermistorConfig({ curve: { kind: "beta", r25Ohm: 10_000, betaK: Number.NaN }, seriesOhm: 1 }),
    ).toThrow(/^thermistor\.curve\.betaK: must be a finite number > 0 \(got NaN\)$/);
    expect(() => validateThermistorConfig({ curve: { kind: "x" } as never, seriesOhm: 1 })).toThrow(
      /^thermistor\.curve\.kind: must be "beta" or "steinhart_hart" \(got "x"\)$/,
    );
  });
});

describe("CountsToTempC", () => {
  it("gives tempCFromCounts bit for bit on every reportable count, both laws", () => {
    for (const cfg of [DEFAULT_THERMISTOR, SH]) {
      const table = new CountsToTempC(cfg);
      for (let c = 0; c <= ADC_COUNTS_MAX; c++)
        expect(Object.is(table.convert(c), tempCFromCounts(cfg, c))).toBe(true);
    }
  });

  it("falls back to the function off the table (fractional, beyond the rail, non-finite)", () => {
    const table = new CountsToTempC(SH);
    for (const c of [1234.25, 2047.5, ADC_COUNTS_MAX + 1, 5000, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(Object.is(table.convert(c), tempCFromCounts(SH, c))).toBe(true);
    expect(table.convert(2047.5)).toBeCloseTo(tempCFromCounts(SH, 2047.5), 12);
    expect(Number.isNaN(table.convert(ADC_COUNTS_MAX))).toBe(true);
    expect(Number.isNaN(table.convert(0))).toBe(true);
  });
});

describe("thermistor: edges written by hand", () => {
  it("classifies at the documented thresholds: open from 4084, short up to 8", () => {
    expect([8, 9, 4083, 4084].map(classifyCounts)).toEqual(["short", "ok", "ok", "open"]);
  });

  it("quantises by flooring, 0 for nothing, clipped at the firmware's 4092", () => {
    expect([12.99, 0, -3, Number.NaN, 4092.9, 5000].map(quantiseCounts)).toEqual([12, 0, 0, 0, 4092, 4092]);
    // Not -0: a count is a plain non-negative integer.
    expect(quantiseCounts(-0)).toBe(0);
  });

  it("converts a count from its mid-point: 2047 is R = 10 k x 2047.5 / 2048.5", () => {
    const tK = 1 / (1 / 298.15 + Math.log(2047.5 / 2048.5) / 3950);
    expect(tempCFromCounts(DEFAULT_THERMISTOR, 2047)).toBeCloseTo(tK - 273.15, 10);
    expect(tempCFromCounts(DEFAULT_THERMISTOR, Number.POSITIVE_INFINITY)).toBeNaN();
  });

  it("Steinhart-Hart with c = 0 is the Beta law with a = 1/T25 - ln(R25)/B, b = 1/B", () => {
    const curve = {
      kind: "steinhart_hart",
      a: 1 / 298.15 - Math.log(10_000) / 3950,
      b: 1 / 3950,
      c: 0,
    } as const;
    for (const t of [-10, 25, 80]) {
      const rBeta = 10_000 * Math.exp(3950 * (1 / (t + 273.15) - 1 / 298.15));
      expect(resistanceOhmFromTempC(curve, t) / rBeta).toBeCloseTo(1, 12);
      expect(tempCFromResistanceOhm(curve, rBeta)).toBeCloseTo(t, 9);
    }
  });

  it("refuses a Steinhart-Hart curve that is not an NTC, or not finite, naming the coefficient", () => {
    const sh = (a: number, b: number, c: number): ThermistorConfig => ({
      curve: { kind: "steinhart_hart", a, b, c },
      seriesOhm: 10_000,
    });
    expect(() => validateThermistorConfig(sh(1e-3, 0, 1e-7), "amb")).toThrow(
      /^amb\.curve\.b: must be > 0 for an NTC \(got 0\)$/,
    );
    expect(() => validateThermistorConfig(sh(1e-3, 2e-4, Number.POSITIVE_INFINITY))).toThrow(
      /^thermistor\.curve\.c: must be a finite number \(got Infinity\)$/,
    );
    expect(() => validateThermistorConfig({ ...DEFAULT_THERMISTOR, seriesOhm: "10k" as never })).toThrow(
      /^thermistor\.seriesOhm: must be a finite number > 0 \(got "10k"\)$/,
    );
    expect(() =>
      validateThermistorConfig({ curve: { kind: "beta", r25Ohm: 0, betaK: 3950 }, seriesOhm: 10_000 }),
    ).toThrow(/^thermistor\.curve\.r25Ohm: must be a finite number > 0 \(got 0\)$/);
    expect(() => validateThermistorConfig({ ...DEFAULT_THERMISTOR, seriesOhm: 0 })).toThrow(
      /^thermistor\.seriesOhm: must be a finite number > 0 \(got 0\)$/,
    );
    expect(validateThermistorConfig(sh(1e-3, 2e-4, 0))).toEqual(sh(1e-3, 2e-4, 0));
  });

  it("refuses a configuration without a curve as a ConfigError, not a TypeError", () => {
    expect(() => validateThermistorConfig({ seriesOhm: 10_000 } as never, "cold")).toThrow(
      new ConfigError("cold.curve.kind", undefined, 'must be "beta" or "steinhart_hart"'),
    );
    expect(() => validateThermistorConfig({ seriesOhm: 10_000 } as never, "cold")).toThrow(
      /^cold\.curve\.kind: must be "beta" or "steinhart_hart"$/,
    );
    expect(() =>
      validateThermistorConfig({
        curve: { kind: "steinhart_hart", a: Number.NaN, b: 2e-4, c: 1e-7 },
        seriesOhm: 1,
      }),
    ).toThrow(/^thermistor\.curve\.a: must be a finite number \(got NaN\)$/);
  });
});
