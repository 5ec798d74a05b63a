/**
 * One remote rig's live view as text lines (pure): the dashboard's own panels (Temperatures and
 * Flow charts with their legends, the alarms, the loop figures) drawn from its view model, stacked
 * to fit the terminal (80x24 included). Fed from the broker by the fleet view; read-only.
 */
import { escapeTags, fitText } from "./format.js";
import type { DashboardViewModel } from "./viewModel.js";

/** The rows of the view, `width` x at most `height`; `color` adds blessed colour tags. */
export function remoteRigLines(
  vm: DashboardViewModel,
  width: number,
  height: number,
  color: boolean,
): string[] {
  const lines: string[] = [];
  const legend = (panel: "temperatures" | "flow"): string =>
    fitText(
      vm
        .legend(panel)
        .map((l) => l.text)
        .join("  "),
      width,
    );
  const alarms = vm.alarmRows().filter((a) => a.state !== "CLEARED");
  const alarmRows = Math.min(3, Math.max(1, alarms.length));
  // Temperatures get what is left after the flow chart, the alarms and the metrics.
  const flowRows = height >= 22 ? 4 : 3;
  const metricRows = height >= 22 ? 4 : 2;
  const tempRows = Math.max(3, height - (1 + flowRows) - (1 + alarmRows) - metricRows - 1);
  lines.push(escapeTags(legend("temperatures")));
  lines.push(...vm.chartLines("temperatures", width, tempRows, color));
  lines.push(escapeTags(legend("flow")));
  lines.push(...vm.chartLines("flow", width, flowRows, color));
  lines.push(escapeTags(fitText(`Alarms (${alarms.length} open)`, width)));
  if (alarms.length === 0) lines.push("  none");
  for (const a of alarms.slice(0, alarmRows)) {
    const text = fitText(
      `  ${a.severity.toUpperCase()} ${a.state} ${a.diagnosis || a.cause}  ${a.evidence.join("; ")}`,
      width,
    );
    lines.push(
      color && a.severity === "critical" ? `{red-fg}${escapeTags(text)}{/red-fg}` : escapeTags(text),
    );
  }
  lines.push(...vm.metricLines(width, metricRows).map(escapeTags));
  return lines.slice(0, height);
}
