/**
 * The whitening factor of a first difference of readings (src/detect/monitor/readingNoise.ts):
 * 1/sqrt(2 (sigma^2 + q^2/12)), q the width of one ADC count at the reading's temperature, cached
 * per channel until the reading moves by half a kelvin. q in closed form: with
 * R(T) = R25 e^(B (1/T - 1/T25)) and counts = 4096 R/(R + Rs),
 * |d counts/dT| = 4096 Rs R B / ((R + Rs)^2 T^2) (T in K); the code's central difference agrees
 * to far better than the 1e-8 relative tolerance used here.
 */
import { describe, expect, it } from "vitest";
import { ReadingNoise } from "../../../src/detect/monitor/readingNoise.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { DEFAULT_THERMISTOR, type ThermistorConfig } from "../../../src/model/thermistor.js";

/** A second part on the cold channel: B 3435 K with a 4.7 k series resistor. */
const COLD: ThermistorConfig = { curve: { kind: "beta", r25Ohm: 10_000, betaK: 3435 }, seriesOhm: 4700 };
const SIGMA = 0.02;

function countWidthK(cfg: ThermistorConfig, tempC: number): number {
  if (cfg.curve.kind !== "beta") throw new Error("beta parts only");
  const { r25Ohm, betaK } = cfg.curve;
  const tK = tempC + 273.15;
  const r = r25Ohm * Math.exp(betaK * (1 / tK - 1 / 298.15));
  const rs = cfg.seriesOhm;
  return ((r + rs) ** 2 * tK * tK) / (4096 * rs * r * betaK);
}

function whiten(cfg: ThermistorConfig, tempC: number): number {
  const q = countWidthK(cfg, tempC);
  return 1 / Math.sqrt(2 * (SIGMA * SIGMA + (q * q) / 12));
}

/** 1/(sqrt 2 sigma): the factor with no quantisation term. */
const NO_Q = 1 / (Math.SQRT2 * SIGMA);

function expectRel(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThan(1e-8);
}

function setup(): { n: ReadingNoise; v: SampleValues } {
  const v = new SampleValues();
  return { n: new ReadingNoise(SIGMA, DEFAULT_THERMISTOR, COLD, v), v };
}

describe("ReadingNoise", () => {
  it("the count width of the default part: 0.022 K at 25 C, 0.077 K at 80 C (as its comment says)", () => {
    // At 25 C R = Rs = 10 k: |dc/dT| = 4096 x 0.25 x 3950 / 298.15^2 = 45.50 counts/K.
    expect(countWidthK(DEFAULT_THERMISTOR, 25)).toBeCloseTo(298.15 ** 2 / (1024 * 3950), 15);
    expect(countWidthK(DEFAULT_THERMISTOR, 25)).toBeCloseTo(0.02198, 5);
    expect(countWidthK(DEFAULT_THERMISTOR, 80)).toBeCloseTo(0.0771, 4);
  });

  it("is NaN on both channels until a reading comes", () => {
    const { n } = setup();
    expect(n.hotWhiten).toBeNaN();
    expect(n.coldWhiten).toBeNaN();
  });

  it("each channel's factor from its own reading and its own part", () => {
    const { n, v } = setup();
    v.hotC = 25;
    v.coldC = 60;
    n.updateHot();
    expectRel(n.hotWhiten, whiten(DEFAULT_THERMISTOR, 25));
    expect(n.coldWhiten).toBeNaN();
    n.updateCold();
    expectRel(n.coldWhiten, whiten(COLD, 60));
    expectRel(n.hotWhiten, whiten(DEFAULT_THERMISTOR, 25));
    // the two parts differ at one temperature
    v.hotC = 60;
    n.updateHot();
    expectRel(n.hotWhiten, whiten(DEFAULT_THERMISTOR, 60));
    expect(Math.abs(n.hotWhiten / n.coldWhiten - 1)).toBeGreaterThan(1e-3);
  });

  it("sigma alone at 25 C would be 1/(sqrt 2 x 0.02) = 35.36; the count adds q^2/12", () => {
    const { n, v } = setup();
    v.hotC = 25;
    n.updateHot();
    const q = 298.15 ** 2 / (1024 * 3950);
    expectRel(n.hotWhiten, 1 / Math.sqrt(2 * (0.0004 + (q * q) / 12)));
    expect(n.hotWhiten).toBeLessThan(NO_Q);
  });

  it.each([
    ["hot", "updateHot", "hotC", "hotWhiten", DEFAULT_THERMISTOR],
    ["cold", "updateCold", "coldC", "coldWhiten", COLD],
  ] as const)(
    "keeps the %s factor until the reading has moved by 0.5 K from where it was computed",
    (_, update, reading, factor, cfg) => {
      const { n, v } = setup();
      const at = (tempC: number): number => {
        v[reading] = tempC;
        n[update]();
        return n[factor];
      };
      const w25 = at(25);
      expectRel(w25, whiten(cfg, 25));
      expect(at(25.4)).toBe(w25);
      expect(at(24.6)).toBe(w25);
      // 25.5 - 25 = 0.5 exactly: recomputed
      const w255 = at(25.5);
      expectRel(w255, whiten(cfg, 25.5));
      expect(Math.abs(w255 / w25 - 1)).toBeGreaterThan(1e-5);
      // counted from 25.5 now, not from the last reading
      expect(at(25.9)).toBe(w255);
      expect(at(25.1)).toBe(w255);
      expectRel(at(25), whiten(cfg, 25));
      expectRel(at(27), whiten(cfg, 27));
    },
  );

  it.each([
    ["hot", "updateHot", "hotC", "hotWhiten", DEFAULT_THERMISTOR],
    ["cold", "updateCold", "coldC", "coldWhiten", COLD],
  ] as const)(
    "a %s reading with no count width (NaN, infinite, or beyond the part's range) has sigma alone",
    (_, update, reading, factor, cfg) => {
      const { n, v } = setup();
      const at = (tempC: number): number => {
        v[reading] = tempC;
        n[update]();
        return n[factor];
      };
      expectRel(at(Number.NaN), NO_Q);
      // after a NaN the next reading is always recomputed
      expectRel(at(40), whiten(cfg, 40));
      expectRel(at(Number.POSITIVE_INFINITY), NO_Q);
      expectRel(at(40), whiten(cfg, 40));
      // -273 C is 0.15 K: R overflows and the count width is NaN
      expectRel(at(-273), NO_Q);
      // 1e8 C: the counts no longer change within the difference step, an infinite width
      expectRel(at(1e8), NO_Q);
      expectRel(at(40), whiten(cfg, 40));
    },
  );
});
