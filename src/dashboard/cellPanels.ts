/**
 * The screen's boxes whose inside is drawn as cells (the charts, Pump, Metrics, the status line):
 * per box a reused {@link CellGrid}, where its inside is, and the blessed attribute code of each
 * grid colour. The screen draws into the grids every frame and copies them into blessed's buffer
 * (cellBlit.ts); the boxes themselves draw only their border and title.
 */
import { type BlessedLine, blitGrid, chartAttrs } from "./cellBlit.js";
import { CellGrid } from "./cellGrid.js";

/** A blessed box as this needs it. */
export interface CellBoxElement {
  readonly style: object;
  /** blessed's attribute code of a style on this box. */
  sattr(style: object): number;
  on(event: "render", listener: () => void): unknown;
}

interface CellBox {
  grid: CellGrid | null;
  left: number;
  top: number;
  shown: boolean;
  readonly attrs: Int32Array;
}

export class CellPanels {
  private readonly boxes = new Map<CellBoxElement, CellBox>();
  private readonly lines: () => readonly BlessedLine[];

  /** `lines`: blessed's buffer (`screen.lines`, a new array after a resize). */
  constructor(lines: () => readonly BlessedLine[]) {
    this.lines = lines;
  }

  /**
   * Draws `box`'s inside from its grid from now on; `colored`: the grid's chart colours are shown
   * (otherwise everything in the box's own style).
   */
  add(box: CellBoxElement, colored: boolean): void {
    const attrs = chartAttrs(box.sattr(box.style), colored, (fg) => box.sattr({ ...box.style, fg }));
    this.boxes.set(box, { grid: null, left: 0, top: 0, shown: false, attrs });
    // A full render paints the box's inside blank: its cells go back at once, before any element
    // drawn over it (a modal) renders.
    box.on("render", () => this.blit(box));
  }

  /** The grid for `box`'s inside, `width` x `height` at (`left`, `top`); kept while the size holds. */
  grid(box: CellBoxElement, left: number, top: number, width: number, height: number): CellGrid {
    const b = this.entry(box);
    if (b.grid === null || b.grid.width !== width || b.grid.height !== height)
      b.grid = new CellGrid(width, height);
    b.left = left;
    b.top = top;
    b.shown = true;
    return b.grid;
  }

  /** `box` is not on screen (this layout leaves it out): nothing of it is copied. */
  hide(box: CellBoxElement): void {
    this.entry(box).shown = false;
  }

  /** Copies every shown box's grid into blessed's buffer; whether any cell changed. */
  blitAll(): boolean {
    let changed = false;
    for (const box of this.boxes.keys()) if (this.blit(box)) changed = true;
    return changed;
  }

  private blit(box: CellBoxElement): boolean {
    const b = this.entry(box);
    if (!b.shown || b.grid === null) return false;
    return blitGrid(this.lines(), b.grid, b.left, b.top, b.attrs);
  }

  private entry(box: CellBoxElement): CellBox {
    const b = this.boxes.get(box);
    if (b === undefined) throw new Error("CellPanels: a box that was not added");
    return b;
  }
}
