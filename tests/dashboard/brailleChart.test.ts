import { describe, expect, it } from "vitest";
import { type ChartFrame, chartGeometry, dotColumns, renderChart } from "../../src/dashboard/brailleChart.js";

/** The dot bits of a braille character (0 for a space). */
function bits(ch: string | undefined): number {
  if (ch === undefined || ch === " ") return 0;
  const c = ch.charCodeAt(0);
  return c >= 0x2800 && c <= 0x28ff ? c - 0x2800 : -1;
}

function constantSeries(n: number, v: number) {
  return {
    min: new Float64Array(n).fill(v),
    max: new Float64Array(n).fill(v),
    last: new Float64Array(n).fill(v),
    color: "red" as const,
    dotted: false,
  };
}

describe("braille time chart", () => {
  const range = { min: 0, max: 10, step: 5 };

  it("has the requested size, y labels on the left, an x axis with rig-time labels", () => {
    const g = chartGeometry(40, 8, range);
    expect(g.yLabelCells).toBe(2);
    expect(g.plotRows).toBe(6);
    const frame: ChartFrame = {
      t0S: 100,
      t1S: 160,
      range,
      series: [constantSeries(dotColumns(g), 5)],
      hlines: [],
      markers: [],
    };
    const lines = renderChart(frame, g, false);
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines[0]!.startsWith("10┤")).toBe(true);
    expect(lines[5]!.startsWith(" 0┤")).toBe(true);
    expect(lines[6]).toMatch(/^ {2}└[─┬]+$/);
    // 37 plot columns take 3 labels: a 30 s step over 100-160 s.
    expect(lines[7]).toMatch(/120s/);
    expect(lines[7]).toMatch(/150s/);
  });

  it("draws a constant at the right height: 5 of 0..10 on the middle dot row", () => {
    const g = chartGeometry(20, 4, range); // 3 plot rows = 12 dot rows, no x labels
    const lines = renderChart(
      { t0S: 0, t1S: 10, range, series: [constantSeries(dotColumns(g), 5)], hlines: [], markers: [] },
      g,
      false,
    );
    // Dot row round((10-5)/10 * 11) = 6 -> cell row 1, dot row 2 within it: bits 0x04 | 0x20.
    const plot = lines.slice(0, 3).map((l) => l.slice(g.yLabelCells + 1));
    expect([...plot[1]!].every((c) => bits(c) === 0x24)).toBe(true);
    expect(plot[0]!.trim()).toBe("");
    expect(plot[2]!.trim()).toBe("");
  });

  it("joins a step between bins with a vertical run and leaves NaN bins empty", () => {
    const g = chartGeometry(12, 3, range); // plot 9 cols x 2 rows, 18 x 8 dots
    const n = dotColumns(g);
    const s = constantSeries(n, 0);
    for (let i = n / 2; i < n; i++) {
      s.min[i] = 10;
      s.max[i] = 10;
      s.last[i] = 10;
    }
    s.min[0] = Number.NaN;
    const lines = renderChart({ t0S: 0, t1S: 1, range, series: [s], hlines: [], markers: [] }, g, false);
    const top = lines[0]!.slice(g.yLabelCells + 1);
    const bottom = lines[1]!.slice(g.yLabelCells + 1);
    // Column 0 holds dot column 0 (NaN, empty) and 1 (value 0, bottom row): only the right bottom dot.
    expect(bits(bottom[0])).toBe(0x80);
    // The step column (dot column 9 = cell 4, right half) spans all 8 dot rows.
    const stepCell = Math.floor(n / 2 / 2);
    expect(bits(top[stepCell]) & 0xb8).toBe(0xb8);
    expect(bits(bottom[stepCell]) & 0xb8).toBe(0xb8);
  });

  it("shows min-max spread within a bin (noise stays visible)", () => {
    const g = chartGeometry(12, 3, range);
    const n = dotColumns(g);
    const s = constantSeries(n, 5);
    s.min[4] = 0;
    s.max[4] = 10;
    const lines = renderChart({ t0S: 0, t1S: 1, range, series: [s], hlines: [], markers: [] }, g, false);
    const col = 2; // dot column 4 is the left half of cell 2
    expect(bits(lines[0]!.slice(g.yLabelCells + 1)[col]) & 0x47).toBe(0x47);
    expect(bits(lines[1]!.slice(g.yLabelCells + 1)[col]) & 0x47).toBe(0x47);
  });

  it("draws bands as dotted lines and fault markers with their label", () => {
    const r = { min: -2, max: 2, step: 1 };
    const g = chartGeometry(40, 6, r);
    const lines = renderChart(
      {
        t0S: 0,
        t1S: 60,
        range: r,
        series: [],
        hlines: [
          { value: 1, color: "yellow" },
          { value: -1, color: "yellow" },
        ],
        markers: [{ tS: 30, text: "▼pump_failure", color: "magenta" }],
      },
      g,
      false,
    );
    // Worked by hand: labels "-2".."2" take 2 cells, so 37 plot columns (74 dot columns) by 4 rows
    // (16 dot rows). The band at +1 sits on dot row round((2-1)/4 * 15) = 4 (cell row 1, dot row
    // 0: bit 0x01 on the left dot column only, so a dot every other column); the band at -1 on dot
    // row round(3/4 * 15) = 11 (cell row 2, dot row 3: bit 0x40). The marker at 30 s of 0-60 s is
    // dot column floor(0.5 * 74) = 37 (cell 18, right half), dotted on even dot rows 0 and 2 of
    // every cell (0x08 | 0x20), its label starting in the next cell.
    expect(g.plotCols).toBe(37);
    expect(g.plotRows).toBe(4);
    const plot = lines.slice(0, 4).map((l) => l.slice(g.yLabelCells + 1));
    const row = (band: string, marker: string, after: string): string =>
      band.repeat(18) + marker + after + band.repeat(37 - 19 - after.length);
    const cell = (bitsSet: number): string => String.fromCharCode(0x2800 + bitsSet);
    expect(plot[0]).toBe(row(" ", cell(0x28), "▼pump_failure"));
    expect(plot[1]).toBe(row(cell(0x01), cell(0x01 | 0x28), ""));
    expect(plot[2]).toBe(row(cell(0x40), cell(0x40 | 0x28), ""));
    expect(plot[3]).toBe(row(" ", cell(0x28), ""));
  });

  it("wraps colour runs in blessed tags only when colour is on", () => {
    const g = chartGeometry(20, 4, range);
    const frame: ChartFrame = {
      t0S: 0,
      t1S: 10,
      range,
      series: [constantSeries(dotColumns(g), 5)],
      hlines: [],
      markers: [],
    };
    expect(renderChart(frame, g, true).join("\n")).toContain("{red-fg}");
    expect(renderChart(frame, g, false).join("\n")).not.toContain("{");
  });
});
