/**
 * `looptwin hil run --html FILE`: a suite run as one self-contained page. The summary (passed,
 * failed, errors, skipped, target, rig and wall time, run id), a list of the scenarios with their
 * verdicts, and per scenario: why it failed, each expectation with what was expected and what was
 * observed (with scenario times), the steps, plots of temperatures, flow, residuals, score and
 * duties with the injected faults shaded and the alarms marked, and the whole timeline.
 */
import { fmtS } from "../hil/expectations.js";
import { timelineText } from "../hil/junitReport.js";
import type { ScenarioResult } from "../hil/runner.js";
import { SIGNAL_INDEX, type SignalName } from "../hil/signals.js";
import type { SuiteResult } from "../hil/suite.js";
import { anchorId, durationText, escapeHtml } from "./html.js";
import { htmlPage } from "./htmlPage.js";
import { decimateColumns, type RunTrace, type TraceColumn, tracePlots } from "./runTrace.js";
import { type PlotMarker, type PlotWindow, plotFigure } from "./svgPlot.js";

/** What the suite result does not know about its run. */
export interface HilReportContext {
  /** Identifies the run (a CI run id, or one made up at start). */
  readonly runId: string;
  /** When the run started. */
  readonly startedAt: Date;
  /** `K/N` when the run was one shard of the suite. */
  readonly shard?: string;
}

/** The history column each trace column is read from. */
const FROM_SIGNAL: Readonly<Record<TraceColumn, SignalName>> = {
  tHotC: "t_hot_c",
  tColdC: "t_cold_c",
  predTHotC: "pred_t_hot_c",
  predTColdC: "pred_t_cold_c",
  flowLpm: "flow_lpm",
  predFlowLpm: "pred_flow_lpm",
  resTHotK: "res_t_hot_k",
  resTColdK: "res_t_cold_k",
  resFlowLpm: "res_flow_lpm",
  score: "score",
  pumpDuty: "pump_duty",
  heaterDuty: "heater_duty",
  fanDuty: "fan_duty",
};

/** The plotted trace of one scenario run: its history, faults, gaps, alarms and device events. */
export function scenarioTrace(r: ScenarioResult): RunTrace {
  const h = r.history;
  const n = h.length;
  const timeS = new Float64Array(n);
  for (let i = 0; i < n; i++) timeS[i] = h.timeS(i);
  const columns = {} as Record<TraceColumn, Float64Array>;
  for (const [column, signal] of Object.entries(FROM_SIGNAL) as [TraceColumn, SignalName][]) {
    const out = new Float64Array(n);
    const k = SIGNAL_INDEX[signal];
    for (let i = 0; i < n; i++) out[i] = h.value(k, i);
    columns[column] = out;
  }
  const faults: PlotWindow[] = r.faults.map((f) => ({
    kind: "fault",
    fromS: f.startS,
    toS: f.endS,
    label: `${f.kind}: ${f.text} (${fmtS(f.startS)} to ${fmtS(f.endS)})`,
    tag: f.kind,
  }));
  const gaps: PlotWindow[] = [];
  const markers: PlotMarker[] = [];
  for (const o of r.timeline) {
    if (o.kind === "gap")
      gaps.push({
        kind: "gap",
        fromS: o.tS,
        toS: o.toS,
        label: `no data (${o.reason}), ${o.lostSamples} samples lost`,
      });
    else if (o.kind === "alarm" && (o.event.type === "raised" || o.event.type === "escalated"))
      markers.push({
        kind: o.event.severity,
        tS: o.tS,
        label: `${fmtS(o.tS)} alarm ${o.event.type} [${o.event.severity}] ${o.event.diagnosis || o.event.cause}`,
      });
    else if (o.kind === "device_event")
      markers.push({ kind: "event", tS: o.tS, label: `${fmtS(o.tS)} EVT ${o.code} ${o.detail}` });
  }
  const lastS = n > 0 ? (timeS[n - 1] as number) : 0;
  const t1S = Math.max(r.rigS, lastS, 1);
  return {
    series: decimateColumns(timeS, columns, 0, t1S),
    t0S: 0,
    t1S,
    faults,
    gaps,
    markers,
  };
}

/** Timeline lines shown from the start and from the end of a long timeline (the JUnit file has all). */
const TIMELINE_HEAD = 300;
const TIMELINE_TAIL = 100;

/** The first `head` and last `tail` lines, with a line saying how many were left out between. */
export function elide(lines: readonly string[], head: number, tail: number): string[] {
  if (lines.length <= head + tail + 1) return [...lines];
  return [
    ...lines.slice(0, head),
    `... ${lines.length - head - tail} entries left out (the JUnit file's system-out has them all) ...`,
    ...lines.slice(lines.length - tail),
  ];
}

function badge(status: string): string {
  return `<span class="badge ${escapeHtml(status)}">${escapeHtml(status.replace("_", " "))}</span>`;
}

function scenarioSection(r: ScenarioResult): string {
  const sc = r.scenario;
  const out: string[] = [];
  out.push(`<section class="run" id="${anchorId("scenario", sc.name)}" data-status="${r.status}">`);
  out.push(`<h2>${badge(r.status)} ${escapeHtml(sc.name)}</h2>`);
  if (sc.description !== "") out.push(`<p>${escapeHtml(sc.description.replace(/\s+/g, " ").trim())}</p>`);
  const facts: [string, string][] = [
    ["file", sc.file],
    ["target", r.target],
    ["rig time", fmtS(r.rigS)],
    ["wall time", `${r.wallS.toFixed(2)} s`],
    ["seed", String(sc.seed)],
    ...(sc.tags.length > 0 ? ([["tags", sc.tags.join(" ")]] as [string, string][]) : []),
  ];
  out.push(
    `<ul class="facts">${facts.map(([k, v]) => `<li><b>${k}</b> ${escapeHtml(v)}</li>`).join("")}</ul>`,
  );
  if (r.reason !== "") out.push(`<p class="reason">${escapeHtml(r.reason)}</p>`);
  if (r.verdicts.length > 0) {
    out.push('<h3>Expectations</h3><ul class="checks">');
    for (const v of r.verdicts)
      out.push(
        `<li>${badge(v.status)} ${escapeHtml(v.name)} <span class="muted">(line ${v.line})</span><span class="what">expected: ${escapeHtml(v.expected)}</span><span class="what">observed: ${escapeHtml(v.observed)}</span></li>`,
      );
    out.push("</ul>");
  }
  if (r.steps.length > 0) {
    out.push('<h3>Steps</h3><ul class="checks">');
    for (const s of r.steps)
      out.push(
        `<li>${badge(s.status)} ${escapeHtml(s.name)} <span class="muted">at ${escapeHtml(fmtS(s.tS))}</span><span class="what">${escapeHtml(s.detail)}</span></li>`,
      );
    out.push("</ul>");
  }
  const plots = r.history.length > 0 ? tracePlots(scenarioTrace(r)) : [];
  if (plots.length > 0) {
    out.push("<h3>Signals</h3>");
    for (const p of plots) out.push(plotFigure(p));
  } else out.push('<p class="muted">No samples were received: nothing to plot.</p>');
  const lines = timelineText(r.timeline);
  out.push(
    `<details><summary>Timeline (${lines.length} entries)</summary><pre>${escapeHtml(elide(lines, TIMELINE_HEAD, TIMELINE_TAIL).join("\n"))}</pre></details>`,
  );
  out.push("</section>");
  return out.join("\n");
}

/** The whole report of a suite run. */
export function hilHtmlReport(suite: SuiteResult, context: HilReportContext): string {
  const results = suite.results;
  const count = (s: ScenarioResult["status"]): number => results.filter((r) => r.status === s).length;
  const rigS = results.reduce((a, r) => a + r.rigS, 0);
  const verdict = suite.passed ? "passed" : "failed";
  const title = `looptwin HIL: ${verdict}, ${count("passed")}/${results.length} passed on ${suite.target}`;
  const facts: [string, string][] = [
    ["target", suite.target],
    ...(context.shard !== undefined ? ([["shard", context.shard]] as [string, string][]) : []),
    ["started", context.startedAt.toISOString().replace(/\.\d+Z$/, "Z")],
    ["rig time", durationText(rigS)],
    ["wall time", `${suite.wallS.toFixed(1)} s`],
    ["run id", context.runId],
  ];
  const body = [
    `<header><h1>${badge(verdict)} looptwin HIL report</h1>`,
    `<div class="counts">${(["passed", "failed", "error", "skipped"] as const)
      .map((s) => `<span class="count">${badge(s)} ${count(s)}</span>`)
      .join("")}</div>`,
    `<ul class="facts">${facts.map(([k, v]) => `<li><b>${k}</b> ${escapeHtml(v)}</li>`).join("")}</ul>`,
    "</header>",
    `<nav><h2>Scenarios (${results.length})</h2><ol>${results
      .map(
        (r) =>
          `<li>${badge(r.status)} <a href="#${anchorId("scenario", r.scenario.name)}">${escapeHtml(r.scenario.name)}</a> <span class="muted">${escapeHtml(fmtS(r.rigS))}</span></li>`,
      )
      .join("")}</ol></nav>`,
    ...results.map(scenarioSection),
    `<p class="muted">Written by looptwin. Shaded: injected faults (ground truth) and gaps in the data; triangles: alarms raised and device events (hover for the text). Lines are decimated to two points per pixel column (lowest and highest), so spikes stay visible.</p>`,
  ];
  return htmlPage({ title, bodyHtml: body.join("\n") });
}
