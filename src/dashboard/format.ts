/** Small number and text formatting helpers for the dashboard panels (fixed widths, NaN as "--"). */

/** `v` with `decimals`, or `--` when not finite, right-aligned to `width`. */
export function fmt(v: number, decimals: number, width = 0): string {
  const s = Number.isFinite(v) ? v.toFixed(decimals) : "--";
  return s.padStart(width);
}

/** Like {@link fmt} with an explicit `+` on positive values (residuals). */
export function fmtSigned(v: number, decimals: number, width = 0): string {
  if (!Number.isFinite(v)) return "--".padStart(width);
  const s = v.toFixed(decimals);
  return (v > 0 && !s.startsWith("-") && Number(s) !== 0 ? `+${s}` : s).padStart(width);
}

/** Rig time as seconds with one decimal, e.g. `123.4s`. */
export function fmtTimeS(tS: number): string {
  return Number.isFinite(tS) ? `${tS.toFixed(1)}s` : "--";
}

/** Cuts `text` to `width` characters (an ellipsis marks a cut), or pads it. */
export function fitText(text: string, width: number): string {
  if (width <= 0) return "";
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? "…" : `${text.slice(0, width - 1)}…`;
}

/** Braces start blessed tags: escape free text before it goes into a tagged box. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === "{" ? "{open}" : "{close}"));
}

/** A bar of `width` cells filled in proportion to duty/255. */
export function dutyBar(duty: number, width: number): string {
  if (width <= 0) return "";
  const n = Number.isFinite(duty) ? Math.round((Math.max(0, Math.min(255, duty)) / 255) * width) : 0;
  return "█".repeat(n) + "░".repeat(width - n);
}
