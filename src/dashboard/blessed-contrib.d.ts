/**
 * Types for the part of blessed-contrib the dashboard uses (the package ships none). The table is
 * loaded from its own file: requiring the package root loads every widget (maps, markdown,
 * pictures) and costs most of a second at start-up.
 */
declare module "blessed-contrib/lib/widget/table.js" {
  import type { Widgets } from "blessed";

  interface TableOptions extends Widgets.BoxOptions {
    /** Width of each column in cells (required by the widget). */
    columnWidth: number[];
    /** Spaces between columns. @default 10 */
    columnSpacing?: number;
    /** Rows selectable with the keyboard. @default true */
    interactive?: boolean;
    /** Row text colour. @default "green" */
    fg?: string;
    selectedFg?: string;
    selectedBg?: string;
    keys?: boolean;
  }

  interface TableData {
    headers: string[];
    /** Cells may carry ANSI SGR colour (their length is measured without it). */
    data: string[][];
  }

  interface Table extends Widgets.BoxElement {
    setData(data: TableData): void;
    /** The list of rows under the header. */
    rows: Widgets.ListElement;
  }

  function table(options: TableOptions): Table;
  export = table;
}
