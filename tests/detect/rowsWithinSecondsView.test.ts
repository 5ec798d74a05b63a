/**
 * rowsWithinSeconds (looptwinLearnedChannels.ts) counts the table's rows, `rowCount`, and no
 * more: a table that is a view of its first rows over longer arrays (its time array running past
 * rowCount, as a subarray's buffer does) gives at most rowCount, whatever times lie past it.
 */
import { describe, expect, it } from "vitest";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { rowsWithinSeconds } from "../../src/detect/learned/looptwinLearnedChannels.js";

describe("rowsWithinSeconds on a view of a table's first rows", () => {
  it("never counts past rowCount, even when the times past it lie within the span", () => {
    const timeS = Float64Array.from([10, 10.5, 11, 12, 15]);
    const view = (rowCount: number): LabelledTable => ({
      source: "view.csv",
      timeColumn: "t_s",
      timeText: ["10", "10.5", "11", "12", "15"].slice(0, rowCount),
      timeS,
      channelNames: ["x"],
      channels: [new Float64Array(5)],
      anomaly: undefined,
      changepoint: undefined,
      rowCount,
    });
    // Every one of the five times is within 100 s of the first.
    expect(rowsWithinSeconds(view(5), 100)).toBe(5);
    expect(rowsWithinSeconds(view(3), 100)).toBe(3);
    expect(rowsWithinSeconds(view(1), 100)).toBe(1);
    // A span that ends inside the view still ends the count there.
    expect(rowsWithinSeconds(view(3), 0.75)).toBe(2);
    expect(rowsWithinSeconds(view(0), 100)).toBe(0);
  });
});
