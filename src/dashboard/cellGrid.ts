/**
 * A rectangle of terminal cells (one UTF-16 character and one chart colour per cell), reused from
 * frame to frame: what a chart panel draws into. The screen copies it cell by cell into blessed's
 * buffer (no text to parse, no tags, nothing allocated for a cell that did not change); tests and
 * the fleet's live view read it back as lines with blessed colour tags.
 */
import { CHART_COLORS } from "./chartColors.js";

/** Colour of a blank cell: it takes whatever colour is open, so a run of spaces opens no tag. */
export const INHERIT_COLOR = 255;

const SPACE = 0x20;

export class CellGrid {
  readonly width: number;
  readonly height: number;
  /** Character of each cell, row by row (a UTF-16 code unit: braille, box drawing, text). */
  readonly chars: Uint16Array;
  /** Index into CHART_COLORS of each cell, or INHERIT_COLOR. */
  readonly colors: Uint8Array;

  constructor(width: number, height: number) {
    if (!(Number.isInteger(width) && width >= 0 && Number.isInteger(height) && height >= 0))
      throw new RangeError(`CellGrid: width and height must be integers >= 0 (got ${width} x ${height})`);
    this.width = width;
    this.height = height;
    this.chars = new Uint16Array(width * height).fill(SPACE);
    this.colors = new Uint8Array(width * height).fill(INHERIT_COLOR);
  }

  /** Blanks rows [top, top + rows). */
  clearRows(top: number, rows: number): void {
    const a = Math.max(0, top) * this.width;
    const b = Math.min(this.height, top + rows) * this.width;
    this.chars.fill(SPACE, a, b);
    this.colors.fill(INHERIT_COLOR, a, b);
  }

  /** The whole grid as these lines of plain text (cut at the right and bottom edges). */
  setLines(lines: readonly string[]): void {
    this.clearRows(0, this.height);
    for (let y = 0; y < lines.length && y < this.height; y++) this.write(0, y, lines[y]!, 0);
  }

  /** One cell; outside the grid it is ignored. */
  put(x: number, y: number, charCode: number, color: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = y * this.width + x;
    this.chars[i] = charCode;
    this.colors[i] = color;
  }

  /**
   * `text` from (x, y) in one colour, cut at the right edge; returns the column after it. A
   * character that does not take exactly one terminal cell, or would control the terminal, shows
   * as `?` (see {@link oneCellCode}): free text (a notice, a file name) cannot shift a panel or
   * reach the terminal as an escape.
   */
  write(x: number, y: number, text: string, color: number): number {
    for (let i = 0; i < text.length; i++) this.put(x + i, y, oneCellCode(text.charCodeAt(i)), color);
    return x + text.length;
  }

  /**
   * The rows as text, colour runs in blessed tags (`{red-fg}...{/red-fg}`) when `color` is on.
   * Braces are never written into the grid as text (the chart shows them as parentheses).
   */
  toLines(color: boolean, top = 0, rows = this.height - top): string[] {
    const out: string[] = [];
    for (let y = top; y < top + rows; y++) {
      let line = "";
      let open = 0;
      for (let x = 0; x < this.width; x++) {
        const i = y * this.width + x;
        const cc = this.colors[i]!;
        const c = cc === INHERIT_COLOR ? open : cc;
        if (color && c !== open) {
          if (open !== 0) line += `{/${CHART_COLORS[open]}-fg}`;
          if (c !== 0) line += `{${CHART_COLORS[c]}-fg}`;
          open = c;
        }
        line += String.fromCharCode(this.chars[i]!);
      }
      if (color && open !== 0) line += `{/${CHART_COLORS[open]}-fg}`;
      out.push(line);
    }
    return out;
  }
}

const QUESTION_MARK = 0x3f;

/**
 * `code` when it is a printable character one terminal cell wide, else `?`: C0 and C1 controls
 * and DEL, surrogate halves (a character outside the BMP), combining marks (zero width) and East
 * Asian wide characters (two cells; Unicode UAX #11, the main Wide and Fullwidth blocks).
 */
export function oneCellCode(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return QUESTION_MARK;
  if (code < 0x300) return code;
  if (code <= 0x36f || (code >= 0x1ab0 && code <= 0x1aff) || (code >= 0x1dc0 && code <= 0x1dff))
    return QUESTION_MARK;
  if ((code >= 0x20d0 && code <= 0x20ff) || (code >= 0xfe20 && code <= 0xfe2f)) return QUESTION_MARK;
  if (code >= 0xd800 && code <= 0xdfff) return QUESTION_MARK;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  )
    return QUESTION_MARK;
  return code;
}
