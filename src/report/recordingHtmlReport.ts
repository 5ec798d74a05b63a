/**
 * `looptwin report RECORDING... --html FILE`: recordings made by the dashboard, `looptwin record`
 * or a HIL run (`--out`) as one self-contained page: per recording its header (source, rig,
 * firmware, start), the plots (temperatures and flow with the twin where it was recorded,
 * residuals, score, duties; injected faults shaded, alarms and device events marked, gaps
 * shown), and the alarms, injected-fault labels, gaps, device events, commands and notes.
 */
import { anchorId, durationText, escapeHtml } from "./html.js";
import { htmlPage } from "./htmlPage.js";
import type { RecordingContent } from "./recordingTrace.js";
import { tracePlots } from "./runTrace.js";
import { plotFigure } from "./svgPlot.js";

/** Entries listed per table before the rest is only counted. */
const LIST_CAP = 200;
/** Characters of the rig config shown. */
const RIG_JSON_CAP = 8000;

function t(tS: number): string {
  return Number.isFinite(tS) ? `${tS.toFixed(1)} s` : "before the first sample";
}

/** A titled list of at most LIST_CAP entries; nothing when there are none. */
function list<T>(title: string, items: readonly T[], render: (x: T) => string, none?: string): string {
  if (items.length === 0) return none === undefined ? "" : `<h3>${title}</h3><p class="muted">${none}</p>`;
  const shown = items.slice(0, LIST_CAP).map((x) => `<li>${render(x)}</li>`);
  const more =
    items.length > LIST_CAP ? `<li class="muted">... and ${items.length - LIST_CAP} more</li>` : "";
  return `<h3>${title} (${items.length})</h3><ul class="checks">${shown.join("")}${more}</ul>`;
}

function recordingSection(r: RecordingContent): string {
  const h = r.header;
  const out: string[] = [];
  out.push(`<section class="run" id="${anchorId("recording", r.file)}">`);
  out.push(`<h2>${escapeHtml(r.file)}</h2>`);
  const hello =
    r.hello === null
      ? "no HELLO recorded"
      : `${r.hello.fwName} ${r.hello.fwVersion} on ${r.hello.board} (${r.hello.uid}), protocol ${r.hello.major}.${r.hello.minor}`;
  const span = r.samples > 0 ? r.trace.t1S - r.trace.t0S : 0;
  const facts: [string, string][] = [
    ["started", h.startTime],
    ["source", `${h.source.kind}${h.source.path !== undefined ? ` ${h.source.path}` : ""}`],
    ["firmware", hello],
    ["written by", h.writer],
    ["samples", `${r.samples} over ${durationText(span)}`],
  ];
  out.push(
    `<ul class="facts">${facts.map(([k, v]) => `<li><b>${k}</b> ${escapeHtml(v)}</li>`).join("")}</ul>`,
  );
  const s = r.stats;
  const problems = [
    s.badLines > 0
      ? `${s.badLines} unreadable line(s) skipped (first: line ${s.firstProblem?.line}, ${s.firstProblem?.problem})`
      : "",
    s.unknownRecords > 0 ? `${s.unknownRecords} record(s) of a type this version does not know` : "",
    s.truncatedBytes > 0 ? `the file ends in a cut line (${s.truncatedBytes} bytes not read)` : "",
  ].filter((x) => x !== "");
  if (problems.length > 0) out.push(`<p class="reason">${escapeHtml(problems.join("; "))}</p>`);
  if (h.rig !== null && h.rig !== undefined) {
    const json = JSON.stringify(h.rig, null, 2);
    const shown = json.length > RIG_JSON_CAP ? `${json.slice(0, RIG_JSON_CAP)}\n...` : json;
    out.push(`<details><summary>Rig configuration</summary><pre>${escapeHtml(shown)}</pre></details>`);
  }
  if (r.twin.kind === "computed")
    out.push(
      `<p class="muted">This recording has no twin records (made without the twin, e.g. by <code>looptwin record</code>): the twin, residuals, score and alarms shown were computed by the report, ${escapeHtml(r.twin.how)}, following the duties the device applied.</p>`,
    );
  else if (r.twin.kind === "none" && r.samples > 0)
    out.push(
      `<p class="muted">No twin: ${escapeHtml(r.twin.why)}. The plots show what the rig measured.</p>`,
    );
  const plots = r.samples > 0 ? tracePlots(r.trace) : [];
  if (plots.length > 0) {
    out.push("<h3>Signals</h3>");
    for (const p of plots) out.push(plotFigure(p));
  } else out.push('<p class="muted">No samples in this recording: nothing to plot.</p>');
  out.push(
    list(
      "Alarms",
      r.alarms,
      (a) =>
        `<span class="badge ${a.state === "raised" ? "failed" : "done"}">${escapeHtml(a.state)}</span> ${escapeHtml(a.diagnosis || a.source)} <span class="muted">at ${t(a.tS)}</span><span class="what">${escapeHtml(a.message)}</span>`,
      "No alarm.",
    ),
  );
  out.push(
    list(
      "Injected faults",
      r.labels,
      (l) =>
        `${escapeHtml(l.action)} ${escapeHtml(l.fault)} <span class="muted">at ${t(l.tS)}, by ${escapeHtml(l.by)}</span>`,
      "No fault injected.",
    ),
  );
  out.push(
    list(
      "Gaps in the data",
      r.gaps,
      (g) =>
        `${escapeHtml(g.reason)} <span class="muted">${t(g.fromS)} to ${t(g.toS)}, ${g.lostSamples} samples lost</span>`,
      "None.",
    ),
  );
  out.push(
    list(
      "Device events",
      r.events,
      (e) => `EVT ${escapeHtml(e.code)} ${escapeHtml(e.detail)} <span class="muted">at ${t(e.tS)}</span>`,
    ),
  );
  out.push(
    list(
      `Commands${r.pings > 0 ? ` (and ${r.pings} PING heartbeats)` : ""}`,
      r.commands,
      (c) =>
        `<code>${escapeHtml(c.line)}</code> <span class="muted">at ${t(c.tS)}: ${escapeHtml(c.result)}${c.attempts > 1 ? `, ${c.attempts} attempts` : ""}</span>`,
    ),
  );
  out.push(list("Notes", r.notes, (x) => `${escapeHtml(x.text)} <span class="muted">at ${t(x.tS)}</span>`));
  out.push("</section>");
  return out.join("\n");
}

/** The whole report of some recordings. */
export function recordingHtmlReport(recordings: readonly RecordingContent[], generatedAt: Date): string {
  const samples = recordings.reduce((a, r) => a + r.samples, 0);
  const alarms = recordings.reduce((a, r) => a + r.alarms.filter((x) => x.state === "raised").length, 0);
  const body = [
    "<header><h1>looptwin recording report</h1>",
    `<ul class="facts"><li><b>recordings</b> ${recordings.length}</li><li><b>samples</b> ${samples}</li><li><b>alarm records (raised)</b> ${alarms}</li><li><b>written</b> ${escapeHtml(generatedAt.toISOString().replace(/\.\d+Z$/, "Z"))}</li></ul>`,
    "</header>",
    recordings.length > 1
      ? `<nav><h2>Recordings</h2><ol>${recordings
          .map((r) => `<li><a href="#${anchorId("recording", r.file)}">${escapeHtml(r.file)}</a></li>`)
          .join("")}</ol></nav>`
      : "",
    ...recordings.map(recordingSection),
    '<p class="muted">Written by looptwin. Shaded: injected faults (from the recording\'s labels) and gaps in the data; triangles: alarms raised and device events. Lines are decimated to two points per pixel column (lowest and highest), so spikes stay visible.</p>',
  ];
  const title = `looptwin recording report: ${recordings.map((r) => r.file).join(", ")}`;
  return htmlPage({ title, bodyHtml: body.join("\n") });
}
