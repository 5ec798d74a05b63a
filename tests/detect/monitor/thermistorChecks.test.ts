/**
 * One thermistor's model-free checks (src/detect/monitor/thermistorChecks.ts): out of range (k of
 * the last n readings NaN), frozen, erratic; the family's score as the largest of its checks; the
 * evidence the diagnosis reads. Chi-square limits from the published table of upper quantiles at
 * alpha = 0.001: 10.8276 (1 degree of freedom), 16.2662 (3).
 */
import { describe, expect, it } from "vitest";
import type { ResidualDetector } from "../../../src/detect/detectors/detector.js";
import type { SensorEvidence } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { type MonitorConfig, resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { erraticNoiseK, rangeOf, ThermistorChecks } from "../../../src/detect/monitor/thermistorChecks.js";

const NaN_ = Number.NaN;

function detectors(d: MonitorConfig["detectors"] = {}) {
  return resolveMonitorConfig({ detectors: d }).detectors;
}

/** Checks with a 4-sample erratic test at alpha 0.001, a 5 s flatline, 3 of 5 out of range. */
function setup(
  channel: "hot" | "cold" = "hot",
  d: MonitorConfig["detectors"] = { erratic: { window: 4, alpha: 0.001 } },
) {
  const v = new SampleValues();
  const c = new ThermistorChecks(detectors(d), channel, v);
  const read = (tS: number, tempC: number, counts = 2000): void => {
    v.tS = tS;
    if (channel === "hot") {
      v.hotC = tempC;
      v.adcHot = counts;
    } else {
      v.coldC = tempC;
      v.adcCold = counts;
    }
    c.update();
  };
  return { c, v, read };
}

const detector = (score: number): ResidualDetector => ({ score }) as unknown as ResidualDetector;

function scoreOf(c: ThermistorChecks, ready: boolean, alone: number): number {
  const out = Float64Array.of(-1, -1, -1);
  c.scoreInto(ready, detector(alone), out, 1);
  expect(out[0]).toBe(-1);
  expect(out[2]).toBe(-1);
  return out[1] as number;
}

describe("ThermistorChecks: construction", () => {
  it("by default: an erratic test of 20 samples at alpha 1e-20, a 5 s flatline, 3 of 5 out of range", () => {
    const c = new ThermistorChecks(detectors(), "hot", new SampleValues());
    expect(c.erratic?.options).toEqual({ dimension: 1, window: 20, alpha: 1e-20 });
    expect(c.flat.limitS).toBe(5);
    expect(c.range.options).toEqual({ threshold: 0.5, target: 0, k: 3, n: 5, side: "upper" });
    expect(c.rangeClass).toBe("ok");
  });

  it("takes the configured erratic test, flatline and window; no erratic test when it is off", () => {
    const c = new ThermistorChecks(
      detectors({ erratic: { window: 4, alpha: 0.001 }, flatlineS: 2, outOfRangeK: 2, outOfRangeN: 3 }),
      "cold",
      new SampleValues(),
    );
    expect(c.erratic?.options).toEqual({ dimension: 1, window: 4, alpha: 0.001 });
    expect(c.flat.limitS).toBe(2);
    expect(c.range.options).toEqual({ threshold: 0.5, target: 0, k: 2, n: 3, side: "upper" });
    const off = new ThermistorChecks(detectors({ erratic: false }), "hot", new SampleValues());
    expect(off.erratic).toBeNull();
  });
});

describe("ThermistorChecks: update", () => {
  it("the hot checks read T_hot and its counts, the cold checks T_cold and its counts", () => {
    const v = new SampleValues();
    const d = detectors();
    const hot = new ThermistorChecks(d, "hot", v);
    const cold = new ThermistorChecks(d, "cold", v);
    v.tS = 0;
    v.hotC = 30;
    v.adcHot = 2000;
    v.coldC = NaN_;
    v.adcCold = 4090;
    hot.update();
    cold.update();
    expect([hot.rangeClass, hot.range.statistic, hot.flat.value]).toEqual(["ok", 0, 30]);
    expect([cold.rangeClass, cold.range.statistic, cold.flat.value]).toEqual(["open", 1, NaN_]);
    v.tS = 1;
    v.hotC = NaN_;
    v.adcHot = 5;
    v.coldC = 20;
    v.adcCold = 2000;
    hot.update();
    cold.update();
    expect([hot.rangeClass, hot.range.statistic, hot.flat.value]).toEqual(["short", 1, NaN_]);
    expect([cold.rangeClass, cold.range.statistic, cold.flat.value]).toEqual(["ok", 1, 20]);
  });

  it("names a NaN reading by its counts: open at the high rail, short at the low, else missing", () => {
    const { c, read } = setup();
    read(0, NaN_, 4084);
    expect(c.rangeClass).toBe("open");
    read(1, NaN_, 8);
    expect(c.rangeClass).toBe("short");
    read(2, NaN_, 2000);
    expect(c.rangeClass).toBe("missing");
    read(3, NaN_, NaN_);
    expect(c.rangeClass).toBe("missing");
    // a temperature is "ok" whatever its counts say
    read(4, 30, 4090);
    expect(c.rangeClass).toBe("ok");
  });

  it("counts NaN readings among the last n; a window of zeros is not fed another zero", () => {
    const { c, read } = setup("cold", { outOfRangeK: 2, outOfRangeN: 3 });
    read(0, 30);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 0]);
    read(1, NaN_);
    read(2, NaN_);
    expect([c.range.statistic, c.range.samples, c.range.alarm]).toEqual([2, 2, true]);
    read(3, 30);
    expect([c.range.statistic, c.range.samples]).toEqual([2, 3]);
    read(4, 30);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 4]);
    read(5, 30);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 5]);
    // all zeros again: skipped
    read(6, 30);
    read(7, 31);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 5]);
    read(8, NaN_);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 6]);
  });

  it("times how long the reading has stayed the same", () => {
    const { c, read } = setup();
    read(10, 30);
    read(11, 30);
    read(12.5, 30);
    expect(c.flat.statistic).toBe(2.5);
    expect(c.flat.value).toBe(30);
    read(13, 30.1);
    expect(c.flat.statistic).toBe(0);
    read(14, NaN_);
    expect(c.flat.statistic).toBe(0);
    expect(c.flat.value).toBeNaN();
  });
});

describe("rangeOf", () => {
  it.each([
    [4092, "open"],
    [4084, "open"],
    [4083, "missing"],
    [2000, "missing"],
    [9, "missing"],
    [8, "short"],
    [0, "short"],
    [NaN_, "missing"],
    [Number.POSITIVE_INFINITY, "missing"],
    [Number.NEGATIVE_INFINITY, "missing"],
  ])("counts %d: %s", (counts, expected) => {
    expect(rangeOf(counts)).toBe(expected);
  });
});

describe("ThermistorChecks: the family's score", () => {
  it("nothing seen: 0, ready or not", () => {
    const { c } = setup();
    expect(scoreOf(c, false, 5)).toBe(0);
    expect(scoreOf(c, true, 0)).toBe(0);
  });

  it("out of range: its count over k; the residual-alone and erratic scores only once ready", () => {
    const { c, read } = setup();
    read(0, NaN_);
    read(1, NaN_);
    // 2 of k = 3; the NaN readings keep the flatline at 0
    expect(scoreOf(c, false, 5)).toBe(2 / 3);
    expect(scoreOf(c, true, 0.5)).toBe(2 / 3);
    expect(scoreOf(c, true, 0.9)).toBe(0.9);
    // erratic: 3^2 = 9 against 10.8276 (one sample): 0.831
    c.erratic?.update(3);
    expect(c.erratic?.score).toBeCloseTo(9 / 10.8276, 4);
    expect(scoreOf(c, false, 0)).toBe(2 / 3);
    expect(scoreOf(c, true, 0.5)).toBeCloseTo(9 / 10.8276, 4);
    expect(scoreOf(c, true, 0.9)).toBe(0.9);
  });

  it("frozen: seconds unchanged over the limit; the larger of frozen and out of range", () => {
    const { c, read } = setup();
    for (let t = 0; t <= 4; t++) read(t, 30);
    // 4 s of 5
    expect(scoreOf(c, false, 5)).toBe(0.8);
    expect(scoreOf(c, true, 0.5)).toBe(0.8);
    expect(scoreOf(c, true, 0.85)).toBe(0.85);
    // one NaN then 3 s unchanged: out of range 1/3, frozen 3/5
    const b = setup();
    b.read(0, NaN_);
    for (let t = 1; t <= 4; t++) b.read(t, 30);
    expect(scoreOf(b.c, false, 0)).toBe(0.6);
    // two NaN then 1 s unchanged: out of range 2/3, frozen 1/5
    const e = setup();
    e.read(0, NaN_);
    e.read(1, NaN_);
    e.read(2, 30);
    e.read(3, 30);
    expect(e.c.flat.score).toBe(0.2);
    expect(scoreOf(e.c, false, 0)).toBe(2 / 3);
  });

  it("with the erratic test off: the largest of the others", () => {
    const { c, read } = setup("hot", { erratic: false });
    read(0, NaN_);
    expect(scoreOf(c, true, 0.1)).toBe(1 / 3);
    expect(scoreOf(c, true, 0.5)).toBe(0.5);
  });
});

describe("ThermistorChecks: the evidence", () => {
  const filled = (): SensorEvidence => ({
    range: "open",
    frozenS: -1,
    frozenValueC: -1,
    flatlineS: -1,
    erraticScore: -1,
    noiseK: -1,
    rangeScore: -1,
    residualK: -1,
    aloneScore: -1,
  });

  it("fills every field from the checks", () => {
    const { c, read } = setup();
    read(0, NaN_, 4090);
    read(1, 30);
    read(3, 30);
    // erratic: 1, 1, 1 -> statistic 3 over 3 samples, limit 16.2662 (3 degrees of freedom)
    for (let i = 0; i < 3; i++) c.erratic?.update(1);
    const e = filled();
    c.fillEvidence(e, 0.25, -0.5, detector(0.7), 2);
    expect(e).toEqual({
      range: "ok",
      frozenS: 2,
      frozenValueC: 30,
      flatlineS: 5,
      erraticScore: expect.closeTo(3 / 16.2662, 4),
      // sqrt(3 / 3) / 2 / sqrt 2
      noiseK: expect.closeTo(Math.SQRT2 / 4, 15),
      rangeScore: 1 / 3,
      residualK: 0.25,
      aloneScore: 0.7,
    });
  });

  it("with the erratic test off: score 0, noise NaN; the range class of a NaN reading", () => {
    const { c, read } = setup("cold", { erratic: false });
    read(0, NaN_, 3);
    const e = filled();
    c.fillEvidence(e, 1, 2, detector(0), 2);
    expect(e.erraticScore).toBe(0);
    expect(e.noiseK).toBeNaN();
    expect(e.range).toBe("short");
    expect(e.rangeScore).toBe(1 / 3);
    expect(e.frozenS).toBe(0);
    expect(e.frozenValueC).toBeNaN();
  });

  it.each([
    // residual against twin a, against twin b: the smaller in magnitude (a on a tie, b if a is NaN)
    [0.25, -0.5, 0.25],
    [-3, 2, 2],
    [2, -2, 2],
    [-2, 2, -2],
    [1, NaN_, 1],
    [NaN_, 1, 1],
  ])("residualK of (%d, %d) is %d", (ra, rb, expected) => {
    const { c } = setup();
    const e = filled();
    c.fillEvidence(e, ra, rb, detector(0), 1);
    expect(e.residualK).toBe(expected);
  });

  it("residualK is NaN when both are", () => {
    const { c } = setup();
    const e = filled();
    c.fillEvidence(e, NaN_, NaN_, detector(0), 1);
    expect(e.residualK).toBeNaN();
  });
});

describe("erraticNoiseK", () => {
  it("NaN when the test is off or has no sample", () => {
    const { c } = setup();
    expect(erraticNoiseK(null, 1)).toBeNaN();
    expect(erraticNoiseK(c.erratic, 1)).toBeNaN();
  });

  it("the rms of the whitened differences in the window, un-whitened and over sqrt 2", () => {
    const { c } = setup();
    const erratic = c.erratic;
    if (erratic === null) throw new Error("erratic test expected");
    // 3 samples of 1 in a window of 4: sqrt(3/3) = 1; with whiten 2: 1/2/sqrt 2
    for (let i = 0; i < 3; i++) erratic.update(1);
    expect(erraticNoiseK(erratic, 2)).toBeCloseTo(Math.SQRT2 / 4, 15);
    // 6 samples of 2 in a window of 4: statistic 16 over 4 samples, rms 2; whiten 0.5: 2/0.5/sqrt 2
    erratic.reset();
    for (let i = 0; i < 6; i++) erratic.update(2);
    expect(erratic.statistic).toBe(16);
    expect(erraticNoiseK(erratic, 0.5)).toBeCloseTo(2 * Math.SQRT2, 14);
  });
});
