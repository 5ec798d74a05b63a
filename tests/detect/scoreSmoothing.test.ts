/**
 * MovingMean and Persistence (src/detect/learned/scoreSmoothing.ts) beyond the properties in
 * thresholds.test.ts: the refusals with their whole message, `full`, `reset`, the rows = 1
 * shortcut, and the schedule of the running sum's re-summation, each with values worked by hand.
 *
 * The re-summation cases use doubles whose running sum loses a term: 1e17 + 1 rounds to 1e17
 * (the spacing of doubles there is 16), so a window [1e17, 1] whose 1e17 then leaves keeps a sum
 * of 0 for a true 1. That error of -1 stays until the window is re-added.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { MovingMean, Persistence } from "../../src/detect/learned/scoreSmoothing.js";

/** Pushes `values` in order and returns what each push returned. */
function pushAll(m: MovingMean, values: readonly number[]): number[] {
  return values.map((v) => m.push(v));
}

describe("MovingMean", () => {
  it("refuses a window that is not a whole number >= 1 with the whole message", () => {
    for (const [bad, shown] of [
      [0, "0"],
      [-1, "-1"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const) {
      expect(() => new MovingMean(bad)).toThrow(`smoothingRows: must be a whole number >= 1 (got ${shown})`);
      expect(() => new MovingMean(bad)).toThrow(ConfigError);
    }
    expect(new MovingMean(1).rows).toBe(1);
  });

  it("is full once `rows` values were pushed, and not after a reset", () => {
    const m = new MovingMean(3);
    const full: boolean[] = [m.full];
    for (let i = 0; i < 4; i++) {
      m.push(i);
      full.push(m.full);
    }
    expect(full).toEqual([false, false, false, true, true]);
    m.reset();
    expect(m.full).toBe(false);
    const one = new MovingMean(1);
    expect(one.full).toBe(false);
    one.push(5);
    expect(one.full).toBe(true);
  });

  it("with rows 1 returns each value itself, exactly, even after a far larger one", () => {
    // Through the running sum: 1e17 + (1 - 1e17) = 1e17 - 1e17 = 0, not 1.
    const m = new MovingMean(1);
    expect(pushAll(m, [1e17, 1, -3.25])).toEqual([1e17, 1, -3.25]);
  });

  it("reset forgets the window, its sum and its ring: the next mean is over the new values only", () => {
    const m = new MovingMean(2);
    pushAll(m, [10, 20]);
    m.reset();
    // Ring cleared: the first push subtracts 0 (not 10 or 20), and the mean is over one value.
    expect(pushAll(m, [1, 3, 5])).toEqual([1, 2, 4]);
  });

  it("a running sum that lost a term keeps its error until the 4096th push re-adds the window", () => {
    const m = new MovingMean(2);
    // Pushes 1-4: sum 1e17 (one value), 1e17 (+1 lost), 0 (window [1, 0]: 0.5 true), -1 (window [0, 0]).
    const first = pushAll(m, [1e17, 1, 0, 0]);
    expect(first).toEqual([1e17, 5e16, 0, -0.5]);
    // Zeros up to push 4095: the error of -1 stays.
    let out = 0;
    for (let k = 5; k <= 4095; k++) out = m.push(0);
    expect(out).toBe(-0.5);
    // Push 4096: the window [0, 0] is re-added, and the mean is exact again.
    expect(m.push(0)).toBe(0);
    // The count restarts: the same loss 4 pushes later stays until push 8192.
    expect(pushAll(m, [1e17, 1, 0, 0])).toEqual([5e16, 5e16, 0, -0.5]);
    for (let k = 4101; k <= 8191; k++) out = m.push(0);
    expect(out).toBe(-0.5);
    expect(m.push(0)).toBe(0);
  });

  it("after a reset the re-addition comes 4096 pushes later and adds the ring from slot 0", () => {
    // One push before the reset: the ring's next slot and the push count are 1 then.
    const m = new MovingMean(3);
    m.push(7);
    m.reset();
    // After the reset push k lands in slot (k - 1) mod 3. Pushes 4094-4096 are -1e17, 1, 1e17:
    // slots 1, 2, 0. The running sum gives (-1e17 + 1) + 1e17 = 0; the re-addition at push 4096
    // adds slot 0, 1, 2: (1e17 - 1e17) + 1 = 1, the true sum, so the mean is 1/3.
    let out = 0;
    for (let k = 1; k <= 4093; k++) out = m.push(0);
    expect(out).toBe(0);
    expect(m.push(-1e17)).toBe(-1e17 / 3);
    expect(m.push(1)).toBe(-1e17 / 3);
    expect(m.push(1e17)).toBe(1 / 3);
  });
});

describe("Persistence", () => {
  it("refuses a run length that is not a whole number >= 1 with the whole message", () => {
    for (const [bad, shown] of [
      [0, "0"],
      [-2, "-2"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const)
      expect(() => new Persistence(bad)).toThrow(
        `persistenceRows: must be a whole number >= 1 (got ${shown})`,
      );
    expect(() => new Persistence(1, -1)).toThrow("holdRows: must be a whole number >= 0 (got -1)");
    expect(new Persistence(2).holdRows).toBe(0);
  });

  it("reset restarts the run of exceedances", () => {
    const p = new Persistence(2);
    expect(p.push(true)).toBe(false);
    p.reset();
    // One exceedance since the reset: not yet two in a row.
    expect(p.push(true)).toBe(false);
    expect(p.push(true)).toBe(true);
  });
});
