/**
 * A chart panel's inside as cells: the legend (a coloured swatch and the current value per
 * series) on the first row, the chart below it. Drawn every frame into the screen's reused grid.
 */
import type { CellGrid } from "./cellGrid.js";
import { chartColorIndex } from "./chartColors.js";
import type { ChartPanel } from "./chartSeries.js";
import type { DashboardViewModel } from "./viewModel.js";

const SOLID = 0x2501; // ━
const DOTTED = 0x2504; // ┄

/** Draws `panel` of `vm` into the whole of `grid`. */
export function drawChartPanel(vm: DashboardViewModel, panel: ChartPanel, grid: CellGrid): void {
  grid.clearRows(0, grid.height);
  drawLegend(vm, panel, grid);
  if (grid.height > 1) vm.drawChartInto(panel, grid, 1, grid.width, grid.height - 1);
}

/** Legend items left to right while they fit (two trailing spaces of the last may be cut). */
function drawLegend(vm: DashboardViewModel, panel: ChartPanel, grid: CellGrid): void {
  let x = 0;
  for (const it of vm.legend(panel)) {
    // Swatch, space, text, two spaces.
    if (x + it.text.length + 4 > grid.width + 2) break;
    grid.put(x, 0, it.dotted ? DOTTED : SOLID, chartColorIndex(it.color));
    x = grid.write(x + 2, 0, it.text, 0) + 2;
  }
}
