import { describe, expect, it } from "vitest";
import { ROLLING_MAX_WINDOW, RollingRms } from "../../src/detect/performance/rollingRms.js";
import { configMessage } from "./configMessage.js";

describe("RollingRms options", () => {
  it("refuses a channel count or a window outside its range, naming the field and the value", () => {
    expect(configMessage(() => new RollingRms(0, 3))).toBe(
      "rms.channels: must be an integer in [1, 64] (got 0)",
    );
    expect(configMessage(() => new RollingRms(65, 3))).toBe(
      "rms.channels: must be an integer in [1, 64] (got 65)",
    );
    expect(configMessage(() => new RollingRms(1, 0))).toBe(
      `rms.window: must be an integer in [1, ${ROLLING_MAX_WINDOW}] (got 0)`,
    );
    expect(ROLLING_MAX_WINDOW).toBe(1048576);
    const r = new RollingRms(64, 1);
    expect(r.channels).toBe(64);
    expect(r.window).toBe(1);
  });
});

describe("RollingRms over a wrapping window, worked by hand", () => {
  it("drops the oldest sample of each channel as a new one comes in", () => {
    // Window 3, two channels. Hand table of the window's finite values after each push:
    //   push   ch0 window      ch1 window
    //   [1,10]  1              10
    //   [2,NaN] 1 2            10
    //   [3,30]  1 2 3          10 30          (re-summed here: the 3rd push)
    //   [4,40]  2 3 4          30 40
    //   [5,NaN] 3 4 5          30 40
    //   [NaN,NaN] 4 5          40
    //   [6,NaN] 5 6            (none)
    //   [7,1]   6 7            1
    //   [8,2]   6 7 8          1 2
    const r = new RollingRms(2, 3);
    r.push([1, 10]);
    expect([r.samples(0), r.samples(1), r.filledSamples]).toEqual([1, 1, 1]);
    expect(r.mean(0)).toBe(1);
    expect(r.rms(1)).toBe(10);
    r.push([2, Number.NaN]);
    expect([r.samples(0), r.samples(1), r.filledSamples]).toEqual([2, 1, 2]);
    expect(r.mean(0)).toBe(1.5);
    expect(r.rms(0)).toBe(Math.sqrt(2.5));
    r.push([3, 30]);
    expect([r.samples(0), r.samples(1), r.filledSamples]).toEqual([3, 2, 3]);
    expect(r.mean(1)).toBe(20);
    r.push([4, 40]);
    expect([r.samples(0), r.samples(1), r.filledSamples]).toEqual([3, 2, 3]);
    expect(r.mean(0)).toBe(3);
    expect(r.rms(0)).toBe(Math.sqrt(29 / 3));
    expect(r.mean(1)).toBe(35);
    expect(r.rms(1)).toBe(Math.sqrt(1250));
    r.push([5, Number.NaN]);
    expect([r.samples(0), r.samples(1), r.filledSamples]).toEqual([3, 2, 3]);
    expect(r.mean(0)).toBe(4);
    expect(r.rms(0)).toBe(Math.sqrt(50 / 3));
    expect(r.mean(1)).toBe(35);
    expect(r.rms(1)).toBe(Math.sqrt(1250));
    r.push([Number.NaN, Number.NaN]);
    r.push([6, Number.NaN]);
    expect([r.samples(0), r.samples(1)]).toEqual([2, 0]);
    expect(r.mean(0)).toBe(5.5);
    expect(r.rms(1)).toBeNaN();
    expect(r.mean(1)).toBeNaN();
    // A slot that held a value and then a gap is not subtracted again when it is overwritten.
    r.push([7, 1]);
    expect([r.samples(0), r.samples(1)]).toEqual([2, 1]);
    expect(r.mean(0)).toBe(6.5);
    expect(r.mean(1)).toBe(1);
    r.push([8, 2]);
    expect([r.samples(0), r.samples(1)]).toEqual([3, 2]);
    expect(r.mean(0)).toBe(7);
    expect(r.mean(1)).toBe(1.5);
  });

  it("treats infinities, a short sample and entries past its length as gaps", () => {
    const r = new RollingRms(2, 4);
    r.push([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect([r.samples(0), r.samples(1)]).toEqual([0, 0]);
    // An array-like whose length says one entry: index 1 is not part of it, whatever it holds.
    r.push({ length: 1, 0: 2, 1: 5 });
    expect([r.samples(0), r.samples(1)]).toEqual([1, 0]);
    r.push([4]);
    expect([r.samples(0), r.samples(1)]).toEqual([2, 0]);
    expect(r.mean(0)).toBe(3);
    expect(r.rms(1)).toBeNaN();
  });

  it("answers NaN and 0 samples for a channel it does not have", () => {
    const r = new RollingRms(1, 2);
    r.push([3]);
    expect(r.rms(1)).toBeNaN();
    expect(r.mean(1)).toBeNaN();
    expect(r.samples(1)).toBe(0);
    expect(r.rms(0)).toBe(3);
  });

  it("counts filled samples up to the window and no further", () => {
    const r = new RollingRms(1, 2);
    expect(r.filledSamples).toBe(0);
    r.push([1]);
    expect(r.filledSamples).toBe(1);
    r.push([1]);
    r.push([1]);
    r.push([1]);
    expect(r.filledSamples).toBe(2);
  });
});

describe("RollingRms re-summation", () => {
  it("re-adds the window exactly every `window` pushes", () => {
    // Window 2. 1e8² = 1e16 swallows 1² (the spacing of doubles at 1e16 is 2), so a running sum
    // that subtracts 1e16 again is off by one; re-adding the window makes it exact. Pushes: 1,
    // 1e8, 1, 1. The 4th push is a re-summation point (2, 4, 6, ...): the window holds 1, 1 and
    // the RMS is exactly 1, however the 3rd push's running sums went.
    const r = new RollingRms(1, 2);
    r.push([1]);
    r.push([1e8]);
    r.push([1]);
    r.push([1]);
    expect(r.rms(0)).toBe(1);
    expect(r.mean(0)).toBe(1);
    // The same at the 6th push, after 1e8 once more at the 5th.
    r.push([1e8]);
    r.push([1]);
    expect(r.mean(0)).toBe(50_000_000.5);
    r.push([1]);
    r.push([1]);
    expect(r.rms(0)).toBe(1);
  });

  it("keeps a running sum between re-summations: what 1e16 swallowed stays lost until the next one", () => {
    // Window 3, pushes 1e8, 1, 1: re-summed at the 3rd, 1e16 + 1 + 1 = 1e16 (each 1 is lost). The
    // 4th push (1) takes 1e16 off and adds 1: the sum of squares is 1 over three ones, so the
    // RMS is sqrt(1/3), not 1, until the 6th push re-adds the window (three ones: exactly 1).
    const r = new RollingRms(1, 3);
    for (const v of [1e8, 1, 1, 1]) r.push([v]);
    expect(r.mean(0)).toBe(1);
    expect(r.rms(0)).toBe(Math.sqrt(1 / 3));
    r.push([1]);
    expect(r.rms(0)).toBe(Math.sqrt(1 / 3));
    r.push([1]);
    expect(r.rms(0)).toBe(1);
  });

  it("clamps a mean square that rounding drove below zero to an RMS of 0", () => {
    // Window 3, pushes 1e8, 0.1, 0, 0, 0. Re-summed at the 3rd: 1e16 + 0.01 + 0 = 1e16 (0.01 is
    // lost). The 4th push removes 1e8 (sum of squares 0), the 5th removes 0.1: the running sum of
    // squares is then -0.01 while the window holds three zeros. The RMS is 0, not NaN.
    const r = new RollingRms(1, 3);
    for (const v of [1e8, 0.1, 0, 0, 0]) r.push([v]);
    expect(r.samples(0)).toBe(3);
    expect(r.rms(0)).toBe(0);
  });
});

describe("RollingRms with no finite value left but a running sum off zero", () => {
  it("gives NaN, not the leftover over zero samples", () => {
    // Window 3, pushes 1e8, 0.1, gap, gap, gap. Re-summed at the 3rd: sum 1e8 + 0.1 (rounded to
    // the doubles' spacing at 1e8, 2^-26), sum of squares 1e16. The 4th and 5th pushes remove
    // 1e8 and 0.1 and the running sums are a few 1e-9 and -0.01 off zero, over no samples.
    const r = new RollingRms(1, 3);
    for (const v of [1e8, 0.1, Number.NaN, Number.NaN, Number.NaN]) r.push([v]);
    expect(r.samples(0)).toBe(0);
    expect(r.mean(0)).toBeNaN();
    expect(r.rms(0)).toBeNaN();
  });
});

describe("RollingRms reset", () => {
  it("behaves as a new one afterwards", () => {
    // A fresh window of 3 and a reset one (4 pushes before the reset) get the same pushes and
    // give the same figures. Pushes 1, 1, 2^53, 0.5, 0.5, 0.5, 2; by hand:
    // - the 3rd is a re-summation point (every 3rd push since the reset): the window is re-added
    //   oldest first, 1 + 1 + 2^53 = 2^53 + 2 exactly (2^53 + 1 would round to 2^53);
    // - the 6th is one too: the window is 0.5, 0.5, 0.5 (the running sum of squares lost 0.5
    //   beside 2^106 and would give sqrt(0.25 / 3) once 2^53 left);
    // - the 7th removes 0.5 and adds 2: sum 3, sum of squares 4.5, exact.
    const fresh = new RollingRms(1, 3);
    const used = new RollingRms(1, 3);
    for (const v of [7, 8, 9, 11]) used.push([v]);
    used.reset();
    expect(used.filledSamples).toBe(0);
    expect(used.samples(0)).toBe(0);
    expect(used.rms(0)).toBeNaN();
    expect(used.mean(0)).toBeNaN();
    const big = 2 ** 53;
    // [push, samples, mean, rms] (NaN: not checked, rounding lost there).
    const table: [number, number, number, number][] = [
      [1, 1, 1, 1],
      [1, 2, 1, 1],
      [big, 3, (big + 2) / 3, Number.NaN],
      [0.5, 3, Number.NaN, Number.NaN],
      [0.5, 3, Number.NaN, Number.NaN],
      [0.5, 3, 0.5, 0.5],
      [2, 3, 1, Math.sqrt(1.5)],
    ];
    table.forEach(([v, n, m, rms], k) => {
      fresh.push([v]);
      used.push([v]);
      for (const r of [fresh, used]) {
        expect(r.samples(0)).toBe(n);
        expect(r.filledSamples).toBe(Math.min(k + 1, 3));
        if (!Number.isNaN(m)) expect(r.mean(0)).toBe(m);
        if (!Number.isNaN(rms)) expect(r.rms(0)).toBe(rms);
      }
      expect(used.mean(0)).toBe(fresh.mean(0));
      expect(used.rms(0)).toBe(fresh.rms(0));
    });
  });
});
