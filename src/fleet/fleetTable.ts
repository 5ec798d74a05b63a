/**
 * The fleet view's table as text (pure): one line per rig at any width from 80 columns, the tone
 * of each line (critical and warning alarms, offline greyed) for the screen to colour.
 */
import { alarmRank, type RigRow } from "./fleetState.js";

export type FleetTone = "critical" | "warning" | "offline" | "normal";

export interface FleetLine {
  readonly rig: string;
  readonly text: string;
  readonly tone: FleetTone;
}

/** `42s`, `12m`, `3h`, `2d`: how long ago, in the fewest characters. */
export function shortAgo(ms: number): string {
  if (!Number.isFinite(ms)) return "--";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 100) return `${s}s`;
  if (s < 6000) return `${Math.round(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function num(x: number, decimals: number, width: number): string {
  return (Number.isFinite(x) ? x.toFixed(decimals) : "--").padStart(width);
}

function cut(text: string, width: number): string {
  if (width <= 0) return "";
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Fixed columns: name, state, link, T_hot, T_cold, flow, then alarms (the rest) and last seen. */
const W = { name: 14, state: 8, link: 11, temp: 6, flow: 5, seen: 4 } as const;

export function fleetHeader(width: number): string {
  const alarmW = alarmWidth(width);
  return cut(
    `${cut("RIG", W.name)} ${cut("STATE", W.state)} ${cut("LINK", W.link)} ${"T_HOT".padStart(W.temp)} ${"T_COLD".padStart(W.temp)} ${"L/MIN".padStart(W.flow)} ${cut("OPEN ALARMS", alarmW)} ${"SEEN".padStart(W.seen)}`,
    width,
  );
}

function alarmWidth(width: number): number {
  return Math.max(6, width - (W.name + W.state + W.link + 2 * W.temp + W.flow + W.seen + 7));
}

/** The text of one alarm cell: the worst open alarm's severity and diagnosis, and how many more. */
export function alarmCell(r: RigRow): string {
  if (r.alarms.length === 0) return "";
  const worst = [...r.alarms].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1,
  )[0]!;
  const more = r.alarms.length > 1 ? ` +${r.alarms.length - 1}` : "";
  return `${worst.severity === "critical" ? "CRIT" : "WARN"} ${worst.diagnosis || worst.cause}${more}`;
}

export function fleetLines(rows: readonly RigRow[], nowMs: number, width: number): FleetLine[] {
  const alarmW = alarmWidth(width);
  return rows.map((r) => {
    const state =
      r.online === true ? "online" : r.online === null ? "?" : `off ${shortAgo(nowMs - r.offlineSinceMs)}`;
    const text = cut(
      `${cut(r.name, W.name)} ${cut(state, W.state)} ${cut(r.online === false ? "" : r.link, W.link)} ${num(r.tHotC, 1, W.temp)} ${num(r.tColdC, 1, W.temp)} ${num(r.flowLpm, 2, W.flow)} ${cut(alarmCell(r), alarmW)} ${shortAgo(nowMs - r.lastSeenMs).padStart(W.seen)}`,
      width,
    );
    const rank = alarmRank(r);
    const tone: FleetTone =
      r.online === false ? "offline" : rank === 2 ? "critical" : rank === 1 ? "warning" : "normal";
    return { rig: r.name, text, tone };
  });
}
