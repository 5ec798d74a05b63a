/**
 * Copies a {@link CellGrid} into blessed's screen buffer (`screen.lines`: rows of [attr, char]
 * cells, each row with a `dirty` flag for `screen.draw`), touching only cells that differ. A chart
 * panel goes to the terminal this way instead of as tagged text: blessed would parse the text,
 * turn tags into escapes and walk every cell with a regular expression per colour change, ten
 * times a second, for a chart in which a handful of cells changed (issue 16).
 */
import { type CellGrid, INHERIT_COLOR } from "./cellGrid.js";
import { CHART_COLORS } from "./chartColors.js";

/** One cell of blessed's buffer: attribute code and the character shown. */
export type BlessedCell = [number, string];
/** One row of blessed's buffer. */
export type BlessedLine = BlessedCell[] & { dirty?: boolean };

/**
 * blessed attribute codes of the chart colours on a box whose own attribute is `baseAttr`,
 * indexed like the grid's colours (INHERIT_COLOR and anything unknown: the base).
 * `fgAttr(name)` is the box's code for that foreground (blessed's `sattr({ fg: name })`).
 */
export function chartAttrs(baseAttr: number, color: boolean, fgAttr: (name: string) => number): Int32Array {
  const attrs = new Int32Array(256).fill(baseAttr);
  if (color) for (let i = 1; i < CHART_COLORS.length; i++) attrs[i] = fgAttr(CHART_COLORS[i]!);
  attrs[INHERIT_COLOR] = baseAttr;
  return attrs;
}

/** Strings of the characters written so far (a changed cell needs one; none is made twice). */
const charStrings = new Map<number, string>();

function charString(code: number): string {
  let s = charStrings.get(code);
  if (s === undefined) {
    s = String.fromCharCode(code);
    charStrings.set(code, s);
  }
  return s;
}

/**
 * Writes `grid` at column `x0`, row `y0` of `lines` (clipped to the buffer), marking every row
 * in which a cell changed as dirty; returns whether any did.
 */
export function blitGrid(
  lines: readonly BlessedLine[],
  grid: CellGrid,
  x0: number,
  y0: number,
  attrs: Int32Array,
): boolean {
  const { width, height, chars, colors } = grid;
  let changed = false;
  for (let gy = 0; gy < height; gy++) {
    const line = lines[y0 + gy];
    if (line === undefined) break;
    let rowChanged = false;
    const xEnd = Math.min(width, line.length - x0);
    for (let gx = 0; gx < xEnd; gx++) {
      const i = gy * width + gx;
      const cell = line[x0 + gx]!;
      const code = chars[i]!;
      const attr = attrs[colors[i]!]!;
      const ch = cell[1];
      if (cell[0] === attr && ch.length === 1 && ch.charCodeAt(0) === code) continue;
      cell[0] = attr;
      cell[1] = charString(code);
      rowChanged = true;
    }
    if (rowChanged) {
      line.dirty = true;
      changed = true;
    }
  }
  return changed;
}
