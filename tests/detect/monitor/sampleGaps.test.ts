/**
 * Gaps in the sample stream (src/detect/monitor/sampleGaps.ts): a gap the source marks counts at
 * the first sample at or after its end (within 1e-9 s), a sample spacing over 2.5 periods is a
 * gap of its own length, and the longer of the two is reported. Hand-written tables at 10 Hz
 * (2.5 periods = 0.25 s, exact in binary).
 */
import { describe, expect, it } from "vitest";
import { SampleGaps } from "../../../src/detect/monitor/sampleGaps.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

function setup(rateHz = 10): { gaps: SampleGaps; at: (tS: number, dtS: number) => number } {
  const v = new SampleValues();
  const gaps = new SampleGaps(rateHz, v);
  const at = (tS: number, dtS: number): number => {
    v.tS = tS;
    v.dtS = dtS;
    v.gapS = -1; // measure must overwrite it
    gaps.measure();
    return v.gapS;
  };
  return { gaps, at };
}

describe("SampleGaps from the sample spacing", () => {
  it("no gap on the first sample (dt NaN) or at the nominal spacing", () => {
    const { at } = setup();
    expect(at(0, Number.NaN)).toBe(0);
    expect(at(0.1, 0.1)).toBe(0);
    expect(at(0.2, 0.1)).toBe(0);
  });

  it("a spacing of exactly 2.5 periods is not a gap; one above it is, of its own length", () => {
    const { at } = setup();
    expect(at(1, 0.25)).toBe(0);
    expect(at(1.26, 0.26)).toBe(0.26);
    expect(at(4.26, 3)).toBe(3);
  });

  it("the threshold is 2.5 periods of the rate: 0.5 s at 5 Hz", () => {
    const { at } = setup(5);
    expect(at(1, 0.5)).toBe(0);
    expect(at(2, 0.75)).toBe(0.75);
    // at 0.1 Hz the threshold is 25 s
    const slow = setup(0.1);
    expect(slow.at(20, 20)).toBe(0);
    expect(slow.at(50, 30)).toBe(30);
  });
});

describe("SampleGaps marked by the source", () => {
  it("counts a marked gap at the first sample at or after its end, once", () => {
    const { gaps, at } = setup();
    gaps.mark(1, 3);
    expect(at(2.9, 0.1)).toBe(0);
    expect(at(3, 0.1)).toBe(2);
    // consumed: the next sample has no gap
    expect(at(3.1, 0.1)).toBe(0);
  });

  it("counts it at a sample after its end too", () => {
    const { gaps, at } = setup();
    gaps.mark(10, 12.5);
    expect(at(13, 0.1)).toBe(2.5);
    expect(at(13.1, 0.1)).toBe(0);
  });

  it("its end within 1e-9 s after the sample counts; 2e-9 s after does not", () => {
    const a = setup();
    a.gaps.mark(1, 3 + 1e-9);
    expect(a.at(3, 0.1)).toBe(3 + 1e-9 - 1);
    const b = setup();
    b.gaps.mark(1, 3 + 2e-9);
    expect(b.at(3, 0.1)).toBe(0);
    expect(b.at(3.1, 0.1)).toBe(3 + 2e-9 - 1);
  });

  it("the longer of a marked gap and the spacing", () => {
    const { gaps, at } = setup();
    // marked 2 s, spacing 0.5 s (itself a gap): the marked one
    gaps.mark(1, 3);
    expect(at(3, 0.5)).toBe(2);
    // marked 2 s, spacing 5 s: the spacing
    gaps.mark(10, 12);
    expect(at(15, 5)).toBe(5);
    // marked 0.1 s, spacing 0.2 s (not a gap): the marked one
    gaps.mark(20, 20.1);
    expect(at(20.2, 0.2)).toBe(20.1 - 20);
  });

  it("a later mark replaces one not yet counted", () => {
    const { gaps, at } = setup();
    gaps.mark(1, 3);
    gaps.mark(4, 5);
    expect(at(3, 0.1)).toBe(0);
    expect(at(5, 0.1)).toBe(1);
  });

  it("ignores a mark that is not finite or not forward, keeping the one before", () => {
    const bad: [number, number][] = [
      [Number.NaN, 5],
      [Number.NEGATIVE_INFINITY, 5],
      [0, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
      [Number.NaN, Number.NaN],
      [4, 4], // zero length
      [5, 2], // backwards
      [-5, -6],
    ];
    for (const [from, to] of bad) {
      const { gaps, at } = setup();
      gaps.mark(1, 3);
      gaps.mark(from, to);
      expect([from, to, at(3, 0.1)]).toEqual([from, to, 2]);
    }
  });

  it("an ignored mark alone gives no gap", () => {
    const { gaps, at } = setup();
    gaps.mark(5, 2);
    expect(at(2, 0.1)).toBe(0);
    expect(at(5, 0.1)).toBe(0);
  });
});
