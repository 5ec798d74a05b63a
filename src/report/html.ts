/** HTML text helpers for the reports: every string from a scenario, a recording or a device goes through {@link escapeHtml}. */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** A fragment id from any text: letters, digits and `-` only, prefixed so it never starts with a digit. */
export function anchorId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

/** `12.3 s`, `1 h 02 min`: a duration for people. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return "-";
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const min = Math.round(seconds / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
}
