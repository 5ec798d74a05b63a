/**
 * Where each panel goes for a terminal size. Pure, so the 80x24 compact layout and every size in
 * between are tested without a terminal; the screen re-runs it on every resize.
 *
 * Full layout (>= 100 x 30): charts on the left (Temperatures, Flow, Residuals), Pump, Alarms and
 * Metrics on the right. Compact layout (smaller, down to a phone's 80x24): fewer, taller panels:
 * Temperatures across the top, Residuals beside Pump, Alarms across the bottom (Flow's values move
 * into the Pump panel; Metrics is left out). The status line is always the last row.
 */

export const PANEL_IDS = ["temperatures", "flow", "residuals", "pump", "alarms", "metrics"] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly mode: "full" | "compact";
  readonly cols: number;
  readonly rows: number;
  /** Panels shown, with their outer rectangles (borders included). */
  readonly panels: Readonly<Partial<Record<PanelId, Rect>>>;
  readonly status: Rect;
}

/** Smallest size of the full layout. */
export const FULL_MIN_COLS = 100;
export const FULL_MIN_ROWS = 30;

/** Computes the layout of a `cols` x `rows` terminal. */
export function computeLayout(cols: number, rows: number): Layout {
  const c = Math.max(20, Math.floor(cols));
  const r = Math.max(8, Math.floor(rows));
  const status: Rect = { left: 0, top: r - 1, width: c, height: 1 };
  const body = r - 1;
  if (c >= FULL_MIN_COLS && r >= FULL_MIN_ROWS) {
    const leftW = Math.round(c * 0.6);
    const rightW = c - leftW;
    const tempH = Math.round(body * 0.4);
    const flowH = Math.round(body * 0.25);
    const resH = body - tempH - flowH;
    const pumpH = 9;
    const metricsH = 9;
    const alarmsH = body - pumpH - metricsH;
    return {
      mode: "full",
      cols: c,
      rows: r,
      status,
      panels: {
        temperatures: { left: 0, top: 0, width: leftW, height: tempH },
        flow: { left: 0, top: tempH, width: leftW, height: flowH },
        residuals: { left: 0, top: tempH + flowH, width: leftW, height: resH },
        pump: { left: leftW, top: 0, width: rightW, height: pumpH },
        alarms: { left: leftW, top: pumpH, width: rightW, height: alarmsH },
        metrics: { left: leftW, top: pumpH + alarmsH, width: rightW, height: metricsH },
      },
    };
  }
  // Compact: 80x24 gives Temperatures 10 rows, Residuals and Pump 7, Alarms 6.
  const alarmsH = Math.max(3, Math.round(body * 0.26));
  const midH = Math.max(3, Math.round(body * 0.3));
  const tempH = Math.max(3, body - alarmsH - midH);
  const pumpW = Math.min(40, Math.max(30, Math.round(c * 0.42)));
  return {
    mode: "compact",
    cols: c,
    rows: r,
    status,
    panels: {
      temperatures: { left: 0, top: 0, width: c, height: tempH },
      residuals: { left: 0, top: tempH, width: c - pumpW, height: midH },
      pump: { left: c - pumpW, top: tempH, width: pumpW, height: midH },
      alarms: { left: 0, top: tempH + midH, width: c, height: alarmsH },
    },
  };
}
