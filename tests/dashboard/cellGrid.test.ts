/**
 * The cell grid the charts and text panels are drawn into: text one cell per character, free text
 * that cannot move a panel or control the terminal, colour runs read back as blessed tags, and the
 * copy into blessed's buffer that marks only rows with a changed cell.
 */
import { describe, expect, it } from "vitest";
import { type BlessedLine, blitGrid, chartAttrs } from "../../src/dashboard/cellBlit.js";
import { CellGrid, oneCellCode } from "../../src/dashboard/cellGrid.js";

function buffer(cols: number, rows: number): BlessedLine[] {
  const lines: BlessedLine[] = [];
  for (let y = 0; y < rows; y++) {
    const line: BlessedLine = [];
    for (let x = 0; x < cols; x++) line.push([0, " "]);
    line.dirty = false;
    lines.push(line);
  }
  return lines;
}

describe("cell grid", () => {
  it("writes text one cell per character, cut at the edge, and reads it back", () => {
    const g = new CellGrid(6, 2);
    g.setLines(["pump 200", "ok"]);
    expect(g.toLines(false)).toEqual(["pump 2", "ok    "]);
  });

  it("shows controls, surrogate halves, combining marks and wide characters as ?", () => {
    const g = new CellGrid(12, 1);
    g.setLines(["a\u001b[2Jb\u0301\u6f22😀"]);
    // ESC, then "[2J" as text; the combining accent, the CJK character and both halves of the emoji.
    expect(g.toLines(false)).toEqual(["a?[2Jb????  "]);
    for (const c of [0x00, 0x1f, 0x7f, 0x9b, 0xd83d, 0x0300, 0x1100, 0xac00, 0xff01])
      expect(oneCellCode(c)).toBe(0x3f);
    for (const c of [0x20, 0x41, 0xb0, 0x2500, 0x2588, 0x2800, 0x28ff, 0x25bc, 0x2260])
      expect(oneCellCode(c)).toBe(c);
  });

  it("reads colour runs back as blessed tags; blank cells continue the open colour", () => {
    const g = new CellGrid(5, 1);
    g.put(0, 0, 0x41, 1); // red
    g.put(2, 0, 0x42, 1);
    g.put(4, 0, 0x43, 3); // green
    expect(g.toLines(true)).toEqual(["{red-fg}A B {/red-fg}{green-fg}C{/green-fg}"]);
    expect(g.toLines(false)).toEqual(["A B C"]);
  });

  it("blit: copies cells with their colour's attribute, marks only rows with a change", () => {
    const lines = buffer(8, 3);
    const attrs = chartAttrs(7, true, (name) => (name === "red" ? 100 : 50));
    const g = new CellGrid(3, 2);
    g.put(1, 1, 0x2801, 1);
    expect(blitGrid(lines, g, 2, 1, attrs)).toBe(true);
    expect(lines.map((l) => l.dirty)).toEqual([false, true, true]);
    expect(lines[2]![3]).toEqual([100, "\u2801"]);
    expect(lines[1]![2]).toEqual([7, " "]); // blank: the box's own attribute
    for (const l of lines) l.dirty = false;
    expect(blitGrid(lines, g, 2, 1, attrs)).toBe(false);
    g.put(0, 0, 0x78, 0);
    expect(blitGrid(lines, g, 2, 1, attrs)).toBe(true);
    expect(lines.map((l) => l.dirty)).toEqual([false, true, false]);
    // Colour off: every colour is the box's attribute.
    expect([...chartAttrs(7, false, () => 100).slice(0, 9)]).toEqual(new Array(9).fill(7));
  });

  it("blit clips at the buffer's edges", () => {
    const lines = buffer(4, 2);
    const g = new CellGrid(3, 3);
    g.setLines(["abc", "def", "ghi"]);
    expect(
      blitGrid(
        lines,
        g,
        2,
        1,
        chartAttrs(0, false, () => 0),
      ),
    ).toBe(true);
    expect(lines[1]!.map((c) => c[1]).join("")).toBe("  ab");
  });
});
