/**
 * The twins' ambient (src/detect/monitor/ambientFilter.ts): the probe's reading smoothed by a
 * first-order filter of time constant 30 s (weight 1 - e^(-dt/30) per sample, the exact
 * discretisation of the lag for a reading held over dt) and passed on only when it has moved
 * 0.05 K from the value last passed on. Expected values from that closed form, worked by hand.
 */
import { describe, expect, it } from "vitest";
import { AmbientFilter } from "../../../src/detect/monitor/ambientFilter.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

/** The documented weight of one sample of spacing dt: 1 - e^(-dt / 30 s). */
const weight = (dtS: number): number => -Math.expm1(-dtS / 30);

function setup(initialC: number): { f: AmbientFilter; feed: (dtS: number, tAmbC: number) => boolean } {
  const v = new SampleValues();
  const f = new AmbientFilter(initialC, v);
  const feed = (dtS: number, tAmbC: number): boolean => {
    v.dtS = dtS;
    v.tAmbC = tAmbC;
    return f.update();
  };
  return { f, feed };
}

describe("AmbientFilter", () => {
  it("starts at the configured ambient; readings that are not finite change nothing", () => {
    const { f, feed } = setup(25);
    expect(f.valueC).toBe(25);
    expect(feed(Number.NaN, Number.NaN)).toBe(false);
    expect(feed(0.1, Number.POSITIVE_INFINITY)).toBe(false);
    expect(feed(0.1, Number.NEGATIVE_INFINITY)).toBe(false);
    expect(f.valueC).toBe(25);
    // the filter has not started: the first finite reading is taken as it is, whatever dt
    expect(feed(0.1, 27)).toBe(true);
    expect(f.valueC).toBe(27);
  });

  it("takes the first reading as it is, at any spacing", () => {
    const a = setup(25);
    expect(a.feed(Number.NaN, 23)).toBe(true);
    expect(a.f.valueC).toBe(23);
    const b = setup(25);
    expect(b.feed(5, 30)).toBe(true);
    expect(b.f.valueC).toBe(30);
  });

  it("smooths with a time constant of 30 s: after 30 ln 2 s the reading is half way", () => {
    const { f, feed } = setup(20);
    feed(Number.NaN, 20);
    expect(feed(30 * Math.LN2, 30)).toBe(true);
    expect(f.valueC).toBeCloseTo(25, 12);
  });

  it("moves by the weight of each sample's spacing", () => {
    const { f, feed } = setup(25);
    feed(Number.NaN, 27);
    // 27 + w(1) (37 - 27)
    const s1 = 27 + weight(1) * 10;
    expect(feed(1, 37)).toBe(true);
    expect(f.valueC).toBe(s1);
    // a new spacing, a new weight: s1 + w(3) (17 - s1)
    const s2 = s1 + weight(3) * (17 - s1);
    expect(feed(3, 17)).toBe(true);
    expect(f.valueC).toBe(s2);
    // back to 1 s
    const s3 = s2 + weight(1) * (37 - s2);
    expect(feed(1, 37)).toBe(true);
    expect(f.valueC).toBe(s3);
  });

  it("passes a change on only once it reaches 0.05 K from the value last passed on", () => {
    // From 20 towards a step to 21 at 10 Hz: the smoothed value is 21 - e^(-n/300) after n
    // samples, 0.05 K from 20 first at n = ceil(300 ln(1/0.95)) = ceil(15.39) = 16.
    const { f, feed } = setup(20);
    expect(feed(Number.NaN, 20)).toBe(false);
    for (let n = 1; n <= 15; n++) {
      expect(feed(0.1, 21)).toBe(false);
      expect(f.valueC).toBe(20);
    }
    expect(feed(0.1, 21)).toBe(true);
    expect(f.valueC).toBeCloseTo(21 - Math.exp(-16 / 300), 12);
    // The next 0.05 K is counted from there (20.0519): e^(-n/300) <= e^(-16/300) - 0.05 = 0.8981,
    // n >= 300 x 0.1075 = 32.25: at n = 33.
    let changedAt = 0;
    for (let n = 17; n <= 60 && changedAt === 0; n++) if (feed(0.1, 21)) changedAt = n;
    expect(changedAt).toBe(33);
    expect(f.valueC).toBeCloseTo(21 - Math.exp(-33 / 300), 12);
  });

  it("a move of exactly 0.05 K is passed on, up or down; one just under is not", () => {
    // 0.05 - 0 and 0 - (-0.05) are 0.05 exactly in floating point.
    const up = setup(0);
    expect(up.feed(Number.NaN, 0.05)).toBe(true);
    expect(up.f.valueC).toBe(0.05);
    const down = setup(0);
    expect(down.feed(Number.NaN, -0.05)).toBe(true);
    expect(down.f.valueC).toBe(-0.05);
    const under = setup(0);
    expect(under.feed(Number.NaN, 0.0499)).toBe(false);
    expect(under.f.valueC).toBe(0);
    const underDown = setup(0);
    expect(underDown.feed(Number.NaN, -0.0499)).toBe(false);
    expect(underDown.f.valueC).toBe(0);
    // a reading far from a start near 0: the sum of the two is small, the difference is not
    const far = setup(20);
    expect(far.feed(Number.NaN, -20.01)).toBe(true);
    expect(far.f.valueC).toBe(-20.01);
  });

  it("restarts on the reading when the spacing is not positive (0, negative, NaN)", () => {
    const { f, feed } = setup(25);
    feed(Number.NaN, 27);
    feed(1, 37);
    expect(feed(0, 40)).toBe(true);
    expect(f.valueC).toBe(40);
    expect(feed(-1, 30)).toBe(true);
    expect(f.valueC).toBe(30);
    expect(feed(Number.NaN, 35)).toBe(true);
    expect(f.valueC).toBe(35);
    // and smooths again from there
    expect(feed(1, 45)).toBe(true);
    expect(f.valueC).toBe(35 + weight(1) * 10);
  });

  it("keeps the weight for a spacing within 1e-9 of it (relative), exactly at that bound too", () => {
    // dt1 - dt0 is exactly 1e-9 dt1 in floating point (both are doubles written in full).
    const dt0 = 1.000000081740371;
    const dt1 = 1.000000082740371;
    expect(dt1 - dt0).toBe(1e-9 * dt1);
    expect(weight(dt1)).not.toBe(weight(dt0));
    const { f, feed } = setup(0);
    feed(Number.NaN, 0);
    const s1 = 0 + weight(dt0) * 100;
    feed(dt0, 100);
    expect(f.valueC).toBe(s1);
    // the weight of dt0 again, not that of dt1
    const s2 = s1 + weight(dt0) * (100 - s1);
    feed(dt1, 100);
    expect(f.valueC).toBe(s2);
  });

  it("keeps the weight through jitter in the last bits of a 2 s spacing", () => {
    // |2.000000001 - 2| = 1e-9 <= 2e-9: the weight of 2 s is reused.
    const { f, feed } = setup(0);
    feed(Number.NaN, 0);
    const s1 = weight(2) * 100;
    feed(2, 100);
    const s2 = s1 + weight(2) * (100 - s1);
    feed(2.000000001, 100);
    expect(weight(2.000000001)).not.toBe(weight(2));
    expect(f.valueC).toBe(s2);
  });
});
