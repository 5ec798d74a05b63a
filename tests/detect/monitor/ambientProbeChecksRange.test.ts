/**
 * The ambient probe's out-of-range window (src/detect/monitor/ambientProbeChecks.ts): a NaN reading
 * with raw counts counts as out of range among the last `outOfRangeN` readings, a temperature as in
 * range, and a window of zeros is not fed another zero (the window cannot change: the skip the
 * thermistor checks make too, thermistorChecks.ts). A NaN reading without counts (no probe) is no
 * data: it feeds nothing.
 */
import { describe, expect, it } from "vitest";
import { ambientProbe } from "./ambientProbeHarness.js";

const NaN_ = Number.NaN;

function probe() {
  const { c, read } = ambientProbe({ outOfRangeK: 2, outOfRangeN: 3 });
  return { c, read };
}

describe("AmbientProbeChecks: the out-of-range window", () => {
  it("counts NaN readings among the last n; a window of zeros is not fed another zero", () => {
    const { c, read } = probe();
    read(0, 25);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 0]);
    read(1, 25.1);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 0]);
    // two open-circuit readings (counts at the high rail)
    read(2, NaN_, 4095);
    read(3, NaN_, 4095);
    expect([c.range.statistic, c.range.samples, c.range.alarm]).toEqual([2, 2, true]);
    read(4, 25);
    expect([c.range.statistic, c.range.samples]).toEqual([2, 3]);
    read(5, 25.1);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 4]);
    read(6, 25);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 5]);
    // all zeros again: skipped
    read(7, 25.1);
    read(8, 25);
    expect([c.range.statistic, c.range.samples]).toEqual([0, 5]);
    read(9, NaN_, 0);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 6]);
  });

  it("a NaN reading without counts (no probe: -1, or NaN) feeds nothing", () => {
    const { c, read } = probe();
    read(0, NaN_, 4095);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 1]);
    read(1, NaN_, -1);
    read(2, NaN_, NaN_);
    expect([c.range.statistic, c.range.samples]).toEqual([1, 1]);
  });
});
