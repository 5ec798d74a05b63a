/**
 * The Alarms panel: one row per alarm (open ones newest first, then the cleared history), and the
 * cells of blessed-contrib's table that shows them, an open alarm's evidence on rows of its own.
 */
import type { AlarmEvent, AlarmSeverity, AlarmState } from "../detect/alarms/alarmManager.js";
import { wrapText } from "./dialogs.js";

/** One row of the Alarms panel. */
export interface AlarmRow {
  readonly tS: number;
  readonly severity: AlarmSeverity;
  readonly cause: string;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
  /** ACTIVE: condition on, not acknowledged; ACK: acknowledged; RTN: condition gone, waiting for an ack; CLEARED: history. */
  readonly state: "ACTIVE" | "ACK" | "RTN" | "CLEARED";
}

/** The row of an open alarm. */
export function openAlarmRow(a: AlarmState): AlarmRow {
  return {
    tS: a.raisedAtS,
    severity: a.severity,
    cause: a.cause,
    diagnosis: a.diagnosis,
    evidence: a.evidence,
    state: a.acknowledged ? "ACK" : a.conditionActive ? "ACTIVE" : "RTN",
  };
}

/** The history row of a `cleared` event. */
export function clearedAlarmRow(e: Extract<AlarmEvent, { type: "cleared" }>): AlarmRow {
  return {
    tS: e.raisedAtS,
    severity: e.severity,
    cause: e.cause,
    diagnosis: e.diagnosis,
    evidence: e.evidence,
    state: "CLEARED",
  };
}

/** The table's column headers. */
export const ALARM_TABLE_HEADERS = ["time", "sev", "state", "diagnosis [cause] / evidence"];

/**
 * The table's cells for at most `rowsVisible` rows: time, severity, state, diagnosis [cause]; an
 * open alarm's first three evidence lines follow, wrapped to `textWidth` (the column is narrow,
 * and the evidence is what the operator acts on). `color`: ANSI colours per row (red critical,
 * yellow warning, grey cleared).
 */
export function alarmTableData(
  rows: readonly AlarmRow[],
  rowsVisible: number,
  textWidth: number,
  color: boolean,
): string[][] {
  const data: string[][] = [];
  for (const r of rows) {
    if (data.length >= rowsVisible) break;
    const sev = r.severity === "critical" ? "CRIT" : "WARN";
    const what = r.diagnosis !== "" && r.diagnosis !== r.cause ? `${r.diagnosis} [${r.cause}]` : r.cause;
    const lines: string[][] = [[`${r.tS.toFixed(1)}s`, sev, r.state, what]];
    if (r.state !== "CLEARED") {
      for (const ev of r.evidence.slice(0, 3))
        for (const part of wrapText(ev, textWidth - 1)) lines.push(["", "", "", ` ${part}`]);
    }
    const code = r.state === "CLEARED" ? "90" : r.severity === "critical" ? "31" : "33";
    for (const cells of lines.slice(0, rowsVisible - data.length)) {
      data.push(color ? cells.map((c) => (c === "" ? c : `\u001b[${code}m${c}\u001b[39m`)) : cells);
    }
  }
  if (data.length === 0) data.push(["--", "", "", "no alarms"]);
  return data;
}
