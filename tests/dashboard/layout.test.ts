import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeLayout, PANEL_IDS, type Rect } from "../../src/dashboard/layout.js";

function overlaps(a: Rect, b: Rect): boolean {
  return (
    a.left < b.left + b.width &&
    b.left < a.left + a.width &&
    a.top < b.top + b.height &&
    b.top < a.top + a.height
  );
}

describe("dashboard layout", () => {
  it("80x24 is the compact layout: Temperatures, Residuals, Pump, Alarms, and the status line", () => {
    const L = computeLayout(80, 24);
    expect(L.mode).toBe("compact");
    expect(Object.keys(L.panels).sort()).toEqual(["alarms", "pump", "residuals", "temperatures"]);
    expect(L.panels.temperatures).toEqual({ left: 0, top: 0, width: 80, height: 10 });
    expect(L.status).toEqual({ left: 0, top: 23, width: 80, height: 1 });
    // Tall enough for a chart with a legend, plot rows, axis and labels.
    expect(L.panels.temperatures!.height - 2).toBeGreaterThanOrEqual(8);
    expect(L.panels.pump!.height - 2).toBeGreaterThanOrEqual(5);
  });

  it("120x40 is the full layout with all six panels", () => {
    const L = computeLayout(120, 40);
    expect(L.mode).toBe("full");
    expect(Object.keys(L.panels).sort()).toEqual([...PANEL_IDS].sort());
    expect(L.panels.metrics!.height - 2).toBeGreaterThanOrEqual(7);
  });

  it("law: panels tile inside the screen without overlapping, above the status line", () => {
    fc.assert(
      fc.property(fc.integer({ min: 80, max: 400 }), fc.integer({ min: 24, max: 150 }), (cols, rows) => {
        const L = computeLayout(cols, rows);
        const rects = Object.values(L.panels) as Rect[];
        for (const r of rects) {
          expect(r.left).toBeGreaterThanOrEqual(0);
          expect(r.top).toBeGreaterThanOrEqual(0);
          expect(r.left + r.width).toBeLessThanOrEqual(cols);
          expect(r.top + r.height).toBeLessThanOrEqual(rows - 1);
          expect(r.width).toBeGreaterThanOrEqual(20);
          expect(r.height).toBeGreaterThanOrEqual(3);
        }
        for (let i = 0; i < rects.length; i++)
          for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
        // Every row above the status line is used.
        const covered = rects.reduce((n, r) => n + r.width * r.height, 0);
        expect(covered).toBe(cols * (rows - 1));
      }),
    );
  });
});
