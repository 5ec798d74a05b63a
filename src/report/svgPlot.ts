/**
 * One time-series plot as inline SVG, drawn from decimated data (decimate.ts): lines for the
 * series, shaded windows (injected faults, gaps in the data), vertical markers (alarms, device
 * events), horizontal reference lines (the alarm level), nice axis ticks, and an HTML legend.
 * Colours come from CSS classes, so the page's light and dark themes apply and the plot needs no
 * script to show.
 */
import type { DecimatedSeries } from "./decimate.js";
import { escapeHtml } from "./html.js";

/** Colour of a line (a CSS class of the page). */
export type SeriesColour = "hot" | "cold" | "flow" | "score" | "pump" | "heater" | "fan";

export interface PlotSeries {
  readonly label: string;
  readonly colour: SeriesColour;
  /** The twin's prediction is dashed beside the solid measurement. */
  readonly dashed?: boolean;
  readonly data: DecimatedSeries;
}

/** A shaded time window: an injected fault (ground truth) or missing data. */
export interface PlotWindow {
  readonly kind: "fault" | "gap";
  readonly fromS: number;
  readonly toS: number;
  /** The whole text (a tooltip). */
  readonly label: string;
  /** Short text written on the plot, e.g. the fault kind. @default label */
  readonly tag?: string;
}

/** A vertical marker at one time. */
export interface PlotMarker {
  readonly kind: "critical" | "warning" | "event";
  readonly tS: number;
  readonly label: string;
}

export interface PlotSpec {
  readonly title: string;
  /** Unit of the y axis, e.g. `C`. */
  readonly unit: string;
  readonly t0S: number;
  readonly t1S: number;
  readonly series: readonly PlotSeries[];
  readonly windows?: readonly PlotWindow[];
  readonly markers?: readonly PlotMarker[];
  readonly refLines?: readonly { readonly value: number; readonly label: string }[];
}

/** The SVG's user-space size; the page scales it to its width. */
export const PLOT_WIDTH = 720;
const PLOT_HEIGHT = 200;
const LEFT = 50;
const RIGHT = 10;
const TOP = 8;
const BOTTOM = 22;
/** Width of the data area in user units. */
export const PLOT_AREA_WIDTH = PLOT_WIDTH - LEFT - RIGHT;
/** Pixel columns of decimation: two user units each (a plot is rarely shown wider than 1440 px). */
export const PLOT_COLUMNS = Math.floor(PLOT_AREA_WIDTH / 2);

/** The tick step: the smallest 1, 2 or 5 times a power of ten not below `span / count` (at most `count` intervals). */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** The y range covering every finite value and reference line, padded; never empty. */
export function valueRange(spec: PlotSpec): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of spec.series) {
    const v = s.data.values;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as number;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  for (const r of spec.refLines ?? []) {
    lo = Math.min(lo, r.value);
    hi = Math.max(hi, r.value);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1 };
  if (hi - lo < 1e-9) return { lo: lo - 1, hi: hi + 1 };
  const pad = (hi - lo) * 0.06;
  return { lo: lo - pad, hi: hi + pad };
}

function num(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

function tickText(v: number, step: number): string {
  const digits = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
  return v.toFixed(digits).replace(/^-(0\.?0*)$/, "$1");
}

/** The `d` of one series' path: `M` at every start after a break, then coordinate pairs. */
export function pathData(data: DecimatedSeries, x: (tS: number) => number, y: (v: number) => number): string {
  let d = "";
  let penDown = false;
  for (let i = 0; i < data.values.length; i++) {
    const v = data.values[i] as number;
    if (Number.isNaN(v)) {
      penDown = false;
      continue;
    }
    const pair = `${num(x(data.tS[i] as number))},${num(y(v))}`;
    d += penDown ? ` ${pair}` : `${d === "" ? "" : " "}M${pair}`;
    penDown = true;
  }
  return d;
}

/** The plot as a `<figure>`: caption, SVG and legend. */
export function plotFigure(spec: PlotSpec): string {
  const { t0S, t1S } = spec;
  const spanS = t1S > t0S ? t1S - t0S : 1;
  const area = { w: PLOT_AREA_WIDTH, h: PLOT_HEIGHT - TOP - BOTTOM };
  const { lo, hi } = valueRange(spec);
  const x = (t: number): number => LEFT + ((Math.min(Math.max(t, t0S), t0S + spanS) - t0S) / spanS) * area.w;
  const y = (v: number): number => TOP + (1 - (v - lo) / (hi - lo)) * area.h;
  const parts: string[] = [];
  parts.push(`<rect class="frame" x="${LEFT}" y="${TOP}" width="${area.w}" height="${area.h}"/>`);
  for (const w of spec.windows ?? []) {
    if (Number.isNaN(w.fromS) || Number.isNaN(w.toS)) continue;
    const x0 = x(w.fromS);
    const x1 = x(Number.isFinite(w.toS) ? w.toS : t1S);
    const width = Math.max(1, x1 - x0);
    parts.push(
      `<rect class="win ${w.kind}" x="${num(x0)}" y="${TOP}" width="${num(width)}" height="${area.h}"><title>${escapeHtml(w.label)}</title></rect>`,
    );
    if (w.kind === "fault" && width >= 40)
      parts.push(
        `<text class="winlabel" x="${num(x0 + 3)}" y="${TOP + 11}">${escapeHtml(shorten(w.tag ?? w.label, Math.floor(width / 6)))}</text>`,
      );
  }
  const yStep = niceStep(hi - lo, 4);
  for (let v = Math.ceil(lo / yStep) * yStep; v <= hi; v += yStep) {
    const yy = num(y(v));
    parts.push(`<line class="grid" x1="${LEFT}" x2="${LEFT + area.w}" y1="${yy}" y2="${yy}"/>`);
    parts.push(
      `<text class="tick" x="${LEFT - 4}" y="${yy}" text-anchor="end" dy="0.35em">${tickText(v, yStep)}</text>`,
    );
  }
  const tStep = niceStep(spanS, 6);
  for (let t = Math.ceil(t0S / tStep) * tStep; t <= t0S + spanS + 1e-9; t += tStep) {
    const xx = num(x(t));
    parts.push(`<line class="grid" x1="${xx}" x2="${xx}" y1="${TOP}" y2="${TOP + area.h}"/>`);
    parts.push(
      `<text class="tick" x="${xx}" y="${PLOT_HEIGHT - 6}" text-anchor="middle">${tickText(t, tStep)}</text>`,
    );
  }
  for (const r of spec.refLines ?? []) {
    const yy = num(y(r.value));
    parts.push(
      `<line class="ref" x1="${LEFT}" x2="${LEFT + area.w}" y1="${yy}" y2="${yy}"><title>${escapeHtml(r.label)}</title></line>`,
    );
  }
  for (const s of spec.series) {
    const d = pathData(s.data, x, y);
    if (d !== "")
      parts.push(
        `<path class="line ${s.colour}${s.dashed ? " twin" : ""}" d="${d}"><title>${escapeHtml(s.label)}</title></path>`,
      );
  }
  for (const m of spec.markers ?? []) {
    if (!Number.isFinite(m.tS)) continue;
    const xx = num(x(m.tS));
    parts.push(
      `<g class="mark ${m.kind}"><line x1="${xx}" x2="${xx}" y1="${TOP}" y2="${TOP + area.h}"/><path d="M${xx},${TOP} l-4,-6 h8 z"/><title>${escapeHtml(m.label)}</title></g>`,
    );
  }
  const title = `${spec.title} [${spec.unit}]`;
  const svg = `<svg viewBox="0 -6 ${PLOT_WIDTH} ${PLOT_HEIGHT + 6}" role="img" aria-label="${escapeHtml(title)}">${parts.join("")}</svg>`;
  const legend = [
    ...spec.series.map(
      (s) => `<li><span class="sw ${s.colour}${s.dashed ? " twin" : ""}"></span>${escapeHtml(s.label)}</li>`,
    ),
    ...((spec.windows ?? []).some((w) => w.kind === "fault")
      ? ['<li><span class="sw win fault"></span>injected fault</li>']
      : []),
    ...((spec.windows ?? []).some((w) => w.kind === "gap")
      ? ['<li><span class="sw win gap"></span>no data</li>']
      : []),
    ...(["critical", "warning"] as const)
      .filter((kind) => (spec.markers ?? []).some((m) => m.kind === kind))
      .map((kind) => `<li><span class="sw mk ${kind}"></span>${kind} alarm</li>`),
    ...((spec.markers ?? []).some((m) => m.kind === "event")
      ? ['<li><span class="sw mk event"></span>device event</li>']
      : []),
    ...(spec.refLines ?? []).map((r) => `<li><span class="sw ref"></span>${escapeHtml(r.label)}</li>`),
  ];
  return `<figure class="plot"><figcaption>${escapeHtml(title)} <span class="muted">over time [s]</span></figcaption>${svg}<ul class="legend">${legend.join("")}</ul></figure>`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
