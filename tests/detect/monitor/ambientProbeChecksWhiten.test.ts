/**
 * The ambient probe's erratic test (src/detect/monitor/ambientProbeChecks.ts) with a one-sample
 * window, so that its statistic is the square of the last whitened first difference:
 * ((T_k - T_(k-1)) w)^2, w = 1/sqrt(2 (sigma^2 + q^2/12)) computed at the reading where it was
 * last refreshed (refreshed once the reading has moved by half a kelvin from there), q the width
 * of one ADC count. q in closed form, as in tests/detect/monitor/readingNoise.test.ts: with
 * R(T) = R25 e^(B (1/T - 1/T25)) and counts = 4096 R/(R + Rs),
 * q = (R + Rs)^2 T^2 / (4096 Rs R B) (T in K); the code's central difference agrees to far better
 * than the 1e-8 relative tolerance used here. sigma is 0.01 K so that q (0.022 K at 25 C) moves
 * w by 5e-4 per quarter kelvin, far beyond that tolerance. Readings are binary-exact
 * (25, 25.25, 25.75: differences of exactly 0.25 and 0.5).
 */
import { describe, expect, it } from "vitest";
import type { SensorEvidence } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { AmbientProbeChecks } from "../../../src/detect/monitor/ambientProbeChecks.js";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { DEFAULT_THERMISTOR } from "../../../src/model/thermistor.js";

const SIGMA = 0.01;
const NaN_ = Number.NaN;

/** The default part: B 3950 K, R25 = Rs = 10 k. */
function countWidthK(tempC: number): number {
  const tK = tempC + 273.15;
  const r = 10_000 * Math.exp(3950 * (1 / tK - 1 / 298.15));
  return ((r + 10_000) ** 2 * tK * tK) / (4096 * 10_000 * r * 3950);
}

function whiten(tempC: number): number {
  const q = countWidthK(tempC);
  return 1 / Math.sqrt(2 * (SIGMA * SIGMA + (q * q) / 12));
}

function expectRel(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThan(1e-8);
}

function probe() {
  const v = new SampleValues();
  const c = new AmbientProbeChecks(
    resolveMonitorConfig({ detectors: { erratic: { window: 1, alpha: 0.001 } } }).detectors,
    SIGMA,
    DEFAULT_THERMISTOR,
    v,
  );
  let t = 0;
  const read = (tempC: number, counts = 2000): void => {
    v.tS = t;
    t += 0.1;
    v.tAmbC = tempC;
    v.adcAmb = counts;
    c.update();
  };
  const erratic = c.erratic;
  if (erratic === null) throw new Error("the erratic test is on");
  const evidence = (): SensorEvidence => {
    const e = {} as SensorEvidence;
    c.fillEvidence(e);
    return e;
  };
  return { c, erratic, read, evidence };
}

describe("AmbientProbeChecks: the erratic test's whitened first differences", () => {
  it("the first reading gives no difference; the second is whitened at its own temperature", () => {
    const { erratic, read, evidence } = probe();
    read(25);
    expect(erratic.samples).toBe(0);
    expect(evidence().noiseK).toBeNaN();
    read(25.25);
    expect(erratic.samples).toBe(1);
    expectRel(erratic.statistic, (0.25 * whiten(25.25)) ** 2);
  });

  it("keeps the factor until the reading has moved by 0.5 K from where it was computed", () => {
    const { erratic, read } = probe();
    read(25);
    read(25.25); // computed at 25.25
    read(25);
    expectRel(erratic.statistic, (0.25 * whiten(25.25)) ** 2);
    read(25.5);
    expectRel(erratic.statistic, (0.5 * whiten(25.25)) ** 2);
    // 25.75 - 25.25 = 0.5 exactly: recomputed at 25.75
    read(25.75);
    expectRel(erratic.statistic, (0.25 * whiten(25.75)) ** 2);
    read(25.5);
    expectRel(erratic.statistic, (0.25 * whiten(25.75)) ** 2);
    // 24.75 is 1 K below 25.75: recomputed there
    read(24.75);
    expectRel(erratic.statistic, (0.75 * whiten(24.75)) ** 2);
  });

  it("the score is the statistic over chi2(1)'s 0.001 upper quantile, 10.8276", () => {
    const { c, read } = probe();
    read(25);
    read(25.25);
    const out = Float64Array.of(-1);
    c.scoreInto(out, 0);
    // the table's 6 figures: relative 1e-5
    expect(Math.abs((out[0] as number) / ((0.25 * whiten(25.25)) ** 2 / 10.8276) - 1)).toBeLessThan(1e-5);
  });

  it("a NaN reading (with counts) feeds no difference, keeps the factor, and starts the differences again", () => {
    const { erratic, read, evidence } = probe();
    read(25);
    read(25.25);
    const stat = erratic.statistic;
    const noise = evidence().noiseK;
    // the noise the test saw: |0.25| / sqrt 2, whatever the factor
    expectRel(noise, 0.25 / Math.SQRT2);
    read(NaN_, 4095);
    expect(erratic.samples).toBe(1);
    expect(erratic.statistic).toBe(stat);
    expect(evidence().noiseK).toBe(noise);
    // no difference across the NaN reading
    read(25);
    expect(erratic.samples).toBe(1);
    read(25.25);
    expect(erratic.samples).toBe(2);
    expectRel(erratic.statistic, (0.25 * whiten(25.25)) ** 2);
  });

  it("a reading without counts (no probe) starts the differences again too", () => {
    const { erratic, read } = probe();
    read(25);
    read(25.25);
    read(NaN_, -1);
    read(26);
    expect(erratic.samples).toBe(1);
    read(26.25);
    expect(erratic.samples).toBe(2);
    expectRel(erratic.statistic, (0.25 * whiten(26.25)) ** 2);
  });

  it.each([
    ["1e9 C: the counts do not change within the difference step, an infinite width", 1e9],
    ["-273 C, 0.15 K: R overflows, a NaN width", -273],
  ])("a reading with no count width (%s) is whitened by sigma alone", (_, tempC) => {
    const { erratic, read } = probe();
    read(tempC);
    read(tempC + 0.25);
    expectRel(erratic.statistic, (0.25 / (Math.SQRT2 * SIGMA)) ** 2);
  });

  it("the probe's evidence has no residual and no alone score", () => {
    const { read, evidence } = probe();
    read(25);
    read(25.25);
    const e = evidence();
    expect(e.residualK).toBeNaN();
    expect(e.aloneScore).toBe(0);
    expect(e.range).toBe("ok");
    expect(e.flatlineS).toBe(5);
  });
});
