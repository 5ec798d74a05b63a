/**
 * `hil run --html`: the report of real runs on the emulator holds every scenario with its verdict,
 * its expectations and plots with drawn lines; every string from a scenario is escaped; the page
 * loads nothing from anywhere; the plots' size does not grow with the run's length.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { loadScenarioFiles } from "../../src/hil/scenarioLoader.js";
import { runSuite, type SuiteResult } from "../../src/hil/suite.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import { decimateMinMax } from "../../src/report/decimate.js";
import { elide, hilHtmlReport, scenarioTrace } from "../../src/report/hilHtmlReport.js";
import { escapeHtml } from "../../src/report/html.js";
import { REPORT_CSP } from "../../src/report/htmlPage.js";
import { mergeWindows, tracePlots } from "../../src/report/runTrace.js";
import { niceStep, PLOT_COLUMNS, plotFigure } from "../../src/report/svgPlot.js";
import { runCli } from "../cli/runCli.js";

const ROOT = join(import.meta.dirname, "..", "..");
/** A fault and its alarm, a reboot with its gap and EVT, hundreds of lost lines on a noisy link. */
const PICKED = ["pump-failure-deadman", "device-reboot", "link-corrupt-pump-failure"];
const DIR = mkdtempSync(join(tmpdir(), "looptwin-html-"));
const EVIL = `name: fails-on-purpose
description: "A <b>bold</b> claim & an \\"injection\\" 'here'"
duration: 60
steps:
  - name: remark
    at: 5
    note: "<img src=x onerror=alert(1)>"
  - name: pump-off
    at: 20
    emu: pump_failure
expect:
  - no_alarm: any
`;

let suite: SuiteResult;
let html: string;

/** Each scenario's section of the page, by scenario name. */
function sections(page: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of page.matchAll(/<section class="run" id="scenario-([^"]+)"[^>]*>([\s\S]*?)<\/section>/g))
    out.set(m[1] as string, m[0]);
  return out;
}

beforeAll(async () => {
  writeFileSync(join(DIR, "evil.yaml"), EVIL);
  const all = loadScenarioFiles([join(ROOT, "hil", "scenarios"), join(DIR, "evil.yaml")], ROOT);
  suite = await runSuite(
    all.filter((s) => PICKED.includes(s.name) || s.name === "fails-on-purpose"),
    { target: emulatorTarget("", { cwd: ROOT }), monitorFactory: await loadDefaultMonitorFactory() },
  );
  html = hilHtmlReport(suite, { runId: "run-42", startedAt: new Date("2026-01-02T03:04:05Z"), shard: "2/4" });
}, 120_000);

describe("the HIL HTML report", () => {
  it("has every scenario with its verdict, and non-empty plot paths in each", () => {
    expect(suite.results.map((r) => r.status).sort()).toEqual(["failed", "passed", "passed", "passed"]);
    const found = sections(html);
    expect([...found.keys()].sort()).toEqual([...PICKED, "fails-on-purpose"].sort());
    for (const r of suite.results) {
      const s = found.get(r.scenario.name) as string;
      expect(s).toContain(`data-status="${r.status}"`);
      expect(s).toContain(`<span class="badge ${r.status}">${r.status}</span> ${r.scenario.name}</h2>`);
      const paths = [...s.matchAll(/<path class="line [^"]*" d="([^"]*)"/g)].map((m) => m[1] as string);
      // Temperatures (4 lines), flow (2), residuals (3), score (1), duties (3).
      expect(paths.length).toBe(13);
      for (const d of paths) expect(d).toMatch(/^M-?\d+(\.\d)?,-?\d+(\.\d)? -?\d/);
    }
  });

  it("shows the summary: counts, target, shard, start, run id", () => {
    expect(html).toContain('<span class="count"><span class="badge passed">passed</span> 3</span>');
    expect(html).toContain('<span class="count"><span class="badge failed">failed</span> 1</span>');
    expect(html).toContain("<li><b>target</b> emulator</li>");
    expect(html).toContain("<li><b>shard</b> 2/4</li>");
    expect(html).toContain("<li><b>started</b> 2026-01-02T03:04:05Z</li>");
    expect(html).toContain("<li><b>run id</b> run-42</li>");
  });

  it("lists each expectation with what was expected and observed, and the failure's reason", () => {
    const s = sections(html).get("fails-on-purpose") as string;
    const failed = suite.results.find((r) => r.status === "failed");
    const v = failed?.verdicts[0];
    expect(v?.status).toBe("failed");
    expect(s).toContain(`<span class="what">expected: ${escapeHtml(v?.expected ?? "")}</span>`);
    expect(s).toContain(`<span class="what">observed: ${escapeHtml(v?.observed ?? "")}</span>`);
    expect(s).toContain('<p class="reason">no alarm in t=0 s .. end: expected no alarm raised');
  });

  it("marks the injected fault and the alarm on the plots at their times", () => {
    const r = suite.results.find((x) => x.scenario.name === "pump-failure-deadman");
    if (r === undefined) throw new Error("pump-failure-deadman did not run");
    const trace = scenarioTrace(r);
    // The scenario injects at 60 s; the hold expires 30 s later (the device reverts: the fault ends).
    expect(trace.faults).toHaveLength(1);
    expect(trace.faults[0]?.fromS).toBeCloseTo(60, 0);
    expect(trace.faults[0]?.toS).toBeGreaterThan(89);
    expect(trace.faults[0]?.toS).toBeLessThan(91);
    const alarm = trace.markers.find((m) => m.kind === "critical");
    expect(alarm?.tS).toBeGreaterThan(60);
    expect(alarm?.tS).toBeLessThan(62);
    // x of 60 s on a 180 s axis: 50 + 660 * 60/180 = 270.
    const s = sections(html).get("pump-failure-deadman") as string;
    expect(s).toContain('<rect class="win fault" x="270" ');
    expect(s).toContain('<li><span class="sw mk critical"></span>critical alarm</li>');
  });

  it("merges the hundreds of lost-line gaps of a noisy link into a few shaded windows", () => {
    const r = suite.results.find((x) => x.scenario.name === "link-corrupt-pump-failure");
    if (r === undefined) throw new Error("link-corrupt-pump-failure did not run");
    const trace = scenarioTrace(r);
    expect(trace.gaps.length).toBeGreaterThan(100);
    const plot = tracePlots(trace)[0];
    const gapWindows = (plot?.windows ?? []).filter((w) => w.kind === "gap");
    expect(gapWindows.length).toBeLessThan(trace.gaps.length / 2);
    expect(gapWindows.length).toBeGreaterThan(0);
  });

  it("escapes every string from a scenario", () => {
    expect(html).not.toContain("<b>bold</b>");
    expect(html).not.toContain("<img");
    expect(html).toContain("A &lt;b&gt;bold&lt;/b&gt; claim &amp; an &quot;injection&quot; &#39;here&#39;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("loads nothing from anywhere: a CSP of 'none', no URL, no external attribute", () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/@import|url\(/);
  });
});

describe("plots", () => {
  it("the tick step is the smallest 1, 2 or 5 times a power of ten not below span / count", () => {
    const table: [number, number, number][] = [
      [3600, 6, 1000],
      [180, 6, 50],
      [60, 6, 10],
      [4.2, 4, 2],
      [0.37, 4, 0.1],
      [255, 4, 100],
    ];
    for (const [span, count, step] of table) expect(niceStep(span, count)).toBeCloseTo(step, 12);
  });

  it("a plot's bytes do not grow with the run: an hour and ten hours at 10 Hz are the same size within 10 %", () => {
    const figureOf = (n: number): string => {
      const t = Float64Array.from({ length: n }, (_, i) => i * 0.1);
      const v = t.map((x, i) => 40 + Math.sin(x / 50) + 0.05 * ((i * 7919) % 13));
      const data = decimateMinMax(t, v, { t0S: 0, t1S: t[n - 1] as number, columns: PLOT_COLUMNS });
      return plotFigure({
        title: "T",
        unit: "C",
        t0S: 0,
        t1S: t[n - 1] as number,
        series: [{ label: "x", colour: "hot", data }],
      });
    };
    const hour = figureOf(36_000).length;
    const tenHours = figureOf(360_000).length;
    expect(Math.abs(tenHours - hour) / hour).toBeLessThan(0.1);
    // Two points per column, about 12 bytes each, plus the axes.
    expect(hour).toBeLessThan(2 * PLOT_COLUMNS * 12 + 4000);
  });

  it("windows of one kind closer than the separation merge; others stay", () => {
    const merged = mergeWindows(
      [
        { kind: "gap", fromS: 10, toS: 11, label: "a" },
        { kind: "gap", fromS: 11.5, toS: 12, label: "b" },
        { kind: "gap", fromS: 30, toS: 31, label: "c" },
      ],
      1,
    );
    expect(merged.map((w) => [w.fromS, w.toS])).toEqual([
      [10, 12],
      [30, 31],
    ]);
    expect(merged[0]?.label).toBe("2 gaps in the data, 10.0 s to 12.0 s");
  });

  it("a long timeline keeps its start and end and says how much was left out", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `l${i}`);
    const shown = elide(lines, 3, 2);
    expect(shown).toEqual([
      "l0",
      "l1",
      "l2",
      "... 995 entries left out (the JUnit file's system-out has them all) ...",
      "l998",
      "l999",
    ]);
    expect(elide(lines.slice(0, 6), 3, 2)).toHaveLength(6);
  });
});

describe("looptwin hil run --html", () => {
  it("writes the report beside the run's summary, and refuses a folder that does not exist (exit 2)", async () => {
    const file = join(DIR, "smoke.html");
    const ok = await runCli(
      ["hil", "run", join(ROOT, "hil", "scenarios", "smoke-safety.yaml"), "--html", file],
      DIR,
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`wrote 1 file(s): ${file}`);
    expect(readFileSync(file, "utf8")).toContain('id="scenario-smoke-safety" data-status="passed"');
    const bad = await runCli(["hil", "run", "--html", "no/such/dir/r.html"], DIR);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('looptwin hil: --html: its folder does not exist (got "no/such/dir/r.html")\n');
  });
});
