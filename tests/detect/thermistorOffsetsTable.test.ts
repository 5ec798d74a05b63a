/**
 * withThermistorOffsets on a table written by hand: each offset is added to its measured
 * temperature column (docs/design.md 6), in new arrays; the other columns, a column the table
 * lacks and a zero offset are left alone, and with nothing to change the table itself comes back.
 * The values are dyadic, so every sum is exact.
 */
import { describe, expect, it } from "vitest";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { withThermistorOffsets } from "../../src/detect/data/thermistorOffsets.js";

/** Hot probe first (index 0), then flow, then ambient; no cold probe. */
function table(): LabelledTable {
  return {
    source: "t.csv",
    timeColumn: "t_s",
    timeText: ["0", "1", "2"],
    timeS: Float64Array.from([0, 1, 2]),
    channelNames: ["meas_t_hot_c", "meas_flow_lpm", "meas_t_amb_c"],
    channels: [
      Float64Array.from([40, 41.5, 42]),
      Float64Array.from([3.75, 3.5, 3.25]),
      Float64Array.from([20, 20.5, 21]),
    ],
    anomaly: undefined,
    changepoint: undefined,
    rowCount: 3,
  };
}

describe("withThermistorOffsets", () => {
  it("adds each offset to its column, the first column included, in new arrays", () => {
    const t = table();
    const [hot, flow, amb] = t.channels;
    const out = withThermistorOffsets(t, { hot: 0.5, cold: 0.25, amb: -1 });
    expect(out).not.toBe(t);
    expect(Array.from(out.channels[0] as Float64Array)).toEqual([40.5, 42, 42.5]);
    expect(out.channels[1]).toBe(flow);
    expect(Array.from(out.channels[2] as Float64Array)).toEqual([19, 19.5, 20]);
    expect([out.source, out.channelNames, out.timeS, out.rowCount]).toEqual([
      t.source,
      t.channelNames,
      t.timeS,
      3,
    ]);
    // The input is untouched: its arrays and its list of arrays.
    expect(t.channels[0]).toBe(hot);
    expect(t.channels[2]).toBe(amb);
    expect(Array.from(hot as Float64Array)).toEqual([40, 41.5, 42]);
    expect(Array.from(amb as Float64Array)).toEqual([20, 20.5, 21]);
  });

  it("leaves a column with a zero offset as it is (the same array)", () => {
    const t = table();
    const out = withThermistorOffsets(t, { hot: 0, cold: 0, amb: 0.25 });
    expect(out.channels[0]).toBe(t.channels[0]);
    expect(Array.from(out.channels[2] as Float64Array)).toEqual([20.25, 20.75, 21.25]);
  });

  it("adds the cold offset to meas_t_cold_c, and each offset only to its own column", () => {
    const t: LabelledTable = {
      ...table(),
      channelNames: ["meas_t_amb_c", "meas_t_cold_c", "meas_t_hot_c"],
      channels: [
        Float64Array.from([20, 20, 20]),
        Float64Array.from([30, 30.5, 31]),
        Float64Array.from([40, 40, 40]),
      ],
    };
    const out = withThermistorOffsets(t, { hot: 0, cold: -0.75, amb: 0 });
    expect(out.channels[0]).toBe(t.channels[0]);
    expect(Array.from(out.channels[1] as Float64Array)).toEqual([29.25, 29.75, 30.25]);
    expect(out.channels[2]).toBe(t.channels[2]);
  });

  it("gives back the table itself when every offset is zero or its column is missing", () => {
    const t = table();
    expect(withThermistorOffsets(t, { hot: 0, cold: 0, amb: 0 })).toBe(t);
    expect(withThermistorOffsets(t, { hot: 0, cold: 1.5, amb: 0 })).toBe(t);
  });
});
