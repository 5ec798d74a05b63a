/**
 * The twins' alignment at the start (src/detect/monitor/twinAlignment.ts): over `alignS` seconds
 * from its start, the mean raw residual of each twin on each thermistor, a thermistor's pair
 * (twin a, twin b) counted only when both are finite; complete at the first sample `alignS` or
 * more after the start. Means worked by hand from the samples fed.
 */
import { describe, expect, it } from "vitest";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { TwinAlignment } from "../../../src/detect/monitor/twinAlignment.js";

const NaN_ = Number.NaN;

function setup(alignS: number): {
  al: TwinAlignment;
  at: (tS: number, aH: number, aC: number, bH: number, bC: number) => boolean;
} {
  const v = new SampleValues();
  const al = new TwinAlignment(alignS, v);
  const at = (tS: number, aH: number, aC: number, bH: number, bC: number): boolean => {
    v.tS = tS;
    v.aHotK = aH;
    v.aColdK = aC;
    v.bHotK = bH;
    v.bColdK = bC;
    return al.accumulate();
  };
  return { al, at };
}

const means = (al: TwinAlignment): number[] => [al.aHotK, al.aColdK, al.bHotK, al.bColdK];

describe("TwinAlignment", () => {
  it("is idle with zero means until started", () => {
    const { al } = setup(2);
    expect(al.active).toBe(false);
    expect(means(al)).toEqual([0, 0, 0, 0]);
  });

  it("averages each thermistor's pairs where both twins are finite, complete at alignS after the start", () => {
    const { al, at } = setup(1);
    al.start(10);
    expect(al.active).toBe(true);
    //   t      aH    aC    bH    bC      hot pair    cold pair
    //   10     1     6     3     9       counted     counted
    //   10.25  3     NaN   7     6       counted     -
    //   10.5   100   NaN   -Inf  NaN     -           -
    //   10.75  NaN   4     1     Inf     -           -
    //   11     5     -2    2     1       counted     counted   (11 - 10 = 1: complete)
    // hot: a (1 + 3 + 5)/3 = 3, b (3 + 7 + 2)/3 = 4; cold: a (6 - 2)/2 = 2, b (9 + 1)/2 = 5
    expect(at(10, 1, 6, 3, 9)).toBe(false);
    expect(at(10.25, 3, NaN_, 7, 6)).toBe(false);
    expect(at(10.5, 100, NaN_, Number.NEGATIVE_INFINITY, NaN_)).toBe(false);
    expect(at(10.75, NaN_, 4, 1, Number.POSITIVE_INFINITY)).toBe(false);
    expect(al.active).toBe(true);
    expect(means(al)).toEqual([0, 0, 0, 0]);
    expect(at(11, 5, -2, 2, 1)).toBe(true);
    expect(al.active).toBe(false);
    expect(means(al)).toEqual([3, 2, 4, 5]);
  });

  it("the means of unequal halves: a hot mean of 2 from 1 and 3 (not their sum, not scaled)", () => {
    const { al, at } = setup(0.5);
    al.start(0);
    expect(at(0.25, 1, 8, 10, -4)).toBe(false);
    expect(at(0.5, 3, NaN_, 30, NaN_)).toBe(true);
    // hot a (1 + 3)/2 = 2, b (10 + 30)/2 = 20; cold one pair: 8, -4
    expect(means(al)).toEqual([2, 8, 20, -4]);
  });

  it("a thermistor with no finite pair has a mean of 0, not NaN (hot only, cold only)", () => {
    const hotOnly = setup(1);
    hotOnly.al.start(0);
    expect(hotOnly.at(0, 2, NaN_, 4, 1)).toBe(false);
    expect(hotOnly.at(1, 4, 3, 8, NaN_)).toBe(true);
    expect(means(hotOnly.al)).toEqual([3, 0, 6, 0]);

    const coldOnly = setup(1);
    coldOnly.al.start(0);
    expect(coldOnly.at(0, NaN_, -1, 5, -3)).toBe(false);
    expect(coldOnly.at(1.5, 7, -5, NaN_, -7)).toBe(true);
    expect(means(coldOnly.al)).toEqual([0, -3, 0, -5]);
  });

  it("is not complete just before alignS has passed (measured from the start, not from 0)", () => {
    const { al, at } = setup(2);
    al.start(100);
    expect(at(100, 1, 1, 1, 1)).toBe(false);
    expect(at(101.999, 1, 1, 1, 1)).toBe(false);
    expect(al.active).toBe(true);
    expect(at(102, 1, 1, 1, 1)).toBe(true);
  });

  it("a new start forgets the sums of the last", () => {
    const { al, at } = setup(1);
    al.start(0);
    at(0, 10, 20, 30, 40);
    expect(at(1, 10, 20, 30, 40)).toBe(true);
    expect(means(al)).toEqual([10, 20, 30, 40]);
    al.start(5);
    expect(al.active).toBe(true);
    expect(at(5, 1, 2, 3, 4)).toBe(false);
    expect(at(6, 3, 4, 5, 6)).toBe(true);
    expect(means(al)).toEqual([2, 3, 4, 5]);
    // and a start whose samples have no finite pair gives zeros, not the last means
    al.start(10);
    expect(at(11, NaN_, NaN_, NaN_, NaN_)).toBe(true);
    expect(means(al)).toEqual([0, 0, 0, 0]);
  });

  it("with alignS 0 it is not active, and completes on the first sample it is given", () => {
    const { al, at } = setup(0);
    al.start(3);
    expect(al.active).toBe(false);
    expect(at(3, 1, 2, 3, 4)).toBe(true);
    expect(means(al)).toEqual([1, 2, 3, 4]);
  });
});
