/**
 * What the erratic tests are fed (src/detect/monitor/erraticFeed.ts): per thermistor, the first
 * difference of each twin's raw residual, the smaller of the two (a missing one loses), times the
 * channel's whitening factor, brought up to date just before it is read. Stand-ins record what
 * the tests and the reading noise receive; whitening factors 2 (hot) and 3 (cold). Expected
 * values worked by hand from the residuals fed (binary fractions, so exact).
 */
import { describe, expect, it } from "vitest";
import type { ChiSquareDetector } from "../../../src/detect/detectors/chiSquare.js";
import { ErraticFeed } from "../../../src/detect/monitor/erraticFeed.js";
import type { ReadingNoise } from "../../../src/detect/monitor/readingNoise.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

const NaN_ = Number.NaN;

interface Recorder {
  readonly detector: ChiSquareDetector;
  readonly fed: number[];
}

function recorder(): Recorder {
  const fed: number[] = [];
  const detector = {
    update(x: number): boolean {
      fed.push(x);
      return false;
    },
  } as unknown as ChiSquareDetector;
  return { detector, fed };
}

interface NoiseStub {
  readonly noise: ReadingNoise;
  readonly calls: string[];
}

/** A reading noise whose factors are NaN until brought up to date, then 2 (hot) and 3 (cold). */
function noiseStub(): NoiseStub {
  const calls: string[] = [];
  const noise = {
    hotWhiten: NaN_,
    coldWhiten: NaN_,
    updateHot(): void {
      calls.push("hot");
      this.hotWhiten = 2;
    },
    updateCold(): void {
      calls.push("cold");
      this.coldWhiten = 3;
    },
  };
  return { noise: noise as unknown as ReadingNoise, calls };
}

function setup(withHot = true, withCold = true) {
  const v = new SampleValues();
  const hot = recorder();
  const cold = recorder();
  const { noise, calls } = noiseStub();
  const feed = new ErraticFeed(withHot ? hot.detector : null, withCold ? cold.detector : null, noise, v);
  const sample = (aH: number, aC: number, bH: number, bC: number): void => {
    v.aHotK = aH;
    v.aColdK = aC;
    v.bHotK = bH;
    v.bColdK = bC;
    feed.feed();
  };
  return { feed, noise, hot: hot.fed, cold: cold.fed, calls, sample };
}

describe("ErraticFeed", () => {
  it("feeds the smaller of the twins' first differences, whitened, once a previous sample exists", () => {
    const { feed, noise, hot, cold, calls, sample } = setup();
    expect(feed.noise).toBe(noise);
    //  sample  aH     aC    bH    bC     dh = smaller(d aH, d bH)   dc = smaller(d aC, d bC)
    //  1       1      2     3     4      (no previous)              (no previous)
    //  2       1.25   4     2     3.5    (0.25, -1): 0.25 -> 0.5    (2, -0.5): -0.5 -> -1.5
    //  3       3.25   4.25  2.5   2.5    (2, 0.5): 0.5 -> 1         (0.25, -1): 0.25 -> 0.75
    //  4       NaN    5     3     NaN    (NaN, 0.5): 0.5 -> 1       (0.75, NaN): 0.75 -> 2.25
    //  5       4      NaN   NaN   1      (NaN, NaN): none           (NaN, NaN): none
    //  6       5      6     7     8      (1, NaN): 1 -> 2           (NaN, 7): 7 -> 21
    sample(1, 2, 3, 4);
    expect(hot).toEqual([]);
    expect(cold).toEqual([]);
    expect(calls).toEqual([]);
    sample(1.25, 4, 2, 3.5);
    expect(hot).toEqual([0.5]);
    expect(cold).toEqual([-1.5]);
    expect(calls).toEqual(["hot", "cold"]);
    sample(3.25, 4.25, 2.5, 2.5);
    sample(NaN_, 5, 3, NaN_);
    sample(4, NaN_, NaN_, 1);
    expect(calls).toHaveLength(6);
    sample(5, 6, 7, 8);
    expect(hot).toEqual([0.5, 1, 1, 2]);
    expect(cold).toEqual([-1.5, 0.75, 2.25, 21]);
    expect(calls).toEqual(["hot", "cold", "hot", "cold", "hot", "cold", "hot", "cold"]);
  });

  it("a test configured off is skipped; the other is fed (hot off)", () => {
    const { hot, cold, calls, sample } = setup(false, true);
    sample(1, 2, 3, 4);
    sample(1.25, 4, 2, 3.5);
    expect(hot).toEqual([]);
    expect(cold).toEqual([-1.5]);
    expect(calls).toEqual(["cold"]);
  });

  it("a test configured off is skipped; the other is fed (cold off)", () => {
    const { hot, cold, calls, sample } = setup(true, false);
    sample(1, 2, 3, 4);
    sample(1.25, 4, 2, 3.5);
    expect(hot).toEqual([0.5]);
    expect(cold).toEqual([]);
    expect(calls).toEqual(["hot"]);
  });

  it("forget(\"a\") drops twin a's previous residuals: twin b's differences are fed", () => {
    const { feed, hot, cold, sample } = setup();
    sample(1, 2, 3, 4);
    feed.forget("a");
    // d a = (0.25, 0.5) would be the smaller; with a forgotten, d b = (1, 2)
    sample(1.25, 2.5, 4, 6);
    expect(hot).toEqual([2]);
    expect(cold).toEqual([6]);
    // and a's residuals are remembered again from this sample
    sample(1.5, 2.75, 6, 9);
    expect(hot).toEqual([2, 0.5]);
    expect(cold).toEqual([6, 0.75]);
  });

  it("forget(\"b\") drops twin b's previous residuals: twin a's differences are fed", () => {
    const { feed, hot, cold, sample } = setup();
    sample(1, 2, 3, 4);
    feed.forget("b");
    // d b = (0.25, 0.5) would be the smaller; with b forgotten, d a = (1, 2)
    sample(2, 4, 3.25, 4.5);
    expect(hot).toEqual([2]);
    expect(cold).toEqual([6]);
  });

  it("forget() drops both: nothing is fed at the next sample, both again at the one after", () => {
    const { feed, hot, cold, calls, sample } = setup();
    sample(1, 2, 3, 4);
    feed.forget();
    sample(1.25, 2.5, 4, 6);
    expect(hot).toEqual([]);
    expect(cold).toEqual([]);
    expect(calls).toEqual([]);
    sample(1.5, 3, 4.5, 6.25);
    // hot (0.25, 0.5): 0.25 -> 0.5; cold (0.5, 0.25): 0.25 -> 0.75
    expect(hot).toEqual([0.5]);
    expect(cold).toEqual([0.75]);
  });
});
