/**
 * The console side of a suite run: one line per scenario as it ends (status, rig and wall time,
 * speed-up), the failed expectations with what was expected and observed, skipped steps with
 * their reasons, a progress line for long real-time runs, and the closing summary.
 */
import { fmtS } from "./expectations.js";
import type { RunProgress, ScenarioResult } from "./runner.js";
import type { SuiteResult } from "./suite.js";

const MARK: Readonly<Record<ScenarioResult["status"], string>> = {
  passed: "PASS",
  failed: "FAIL",
  skipped: "SKIP",
  error: "ERROR",
};

/** The lines printed when a scenario ends. */
export function scenarioLines(r: ScenarioResult, index: number, total: number): string[] {
  // Below real time (a simulated board at --speed 0.5) two decimals: rounding printed "0x".
  const ratio = r.rigS / r.wallS;
  const speed = r.wallS > 0 && r.rigS > 0 ? `, ${ratio < 1 ? ratio.toFixed(2) : Math.round(ratio)}x` : "";
  const head = `${MARK[r.status].padEnd(5)} [${index + 1}/${total}] ${r.scenario.name}  (${fmtS(r.rigS)} rig in ${r.wallS.toFixed(1)} s wall${speed})`;
  const lines = [head];
  if (r.status === "skipped" || r.status === "error") lines.push(`      ${r.reason}`);
  for (const v of r.verdicts) {
    if (v.status === "failed") {
      lines.push(`      x ${v.name} (${r.scenario.file}:${v.line})`);
      lines.push(`          expected: ${v.expected}`);
      lines.push(`          observed: ${v.observed}`);
    }
  }
  for (const s of r.steps) {
    if (s.status === "failed")
      lines.push(`      x step ${s.name} (${r.scenario.file}:${s.line}): ${s.detail}`);
    if (s.status === "skipped") lines.push(`      - step ${s.name} skipped: ${s.detail}`);
  }
  const skippedV = r.verdicts.filter((v) => v.status === "skipped");
  for (const v of skippedV) lines.push(`      - ${v.name} skipped: ${v.observed}`);
  return lines;
}

/** One progress line (rewritten in place on a terminal). */
export function progressLine(p: RunProgress): string {
  switch (p.phase) {
    case "connecting":
      return `  ${p.scenario}: connecting...`;
    case "warm-up":
      return `  ${p.scenario}: warming up until steady, ${fmtS(p.tS)}`;
    case "running": {
      const pct = p.durationS > 0 ? Math.min(100, Math.round((100 * p.tS) / p.durationS)) : 0;
      return `  ${p.scenario}: ${fmtS(p.tS)} / ${fmtS(p.durationS)} (${pct} %), ${p.alarms} alarm(s)`;
    }
    case "stopping":
      return `  ${p.scenario}: stopping (SAFE)`;
  }
}

/** The closing summary. */
export function summaryLines(s: SuiteResult): string[] {
  const n = (st: ScenarioResult["status"]): number => s.results.filter((r) => r.status === st).length;
  const rig = s.results.reduce((a, r) => a + r.rigS, 0);
  return [
    "",
    `${s.passed ? "OK" : "FAILED"}: ${n("passed")} passed, ${n("failed")} failed, ${n("error")} errors, ${n("skipped")} skipped of ${s.results.length} on ${s.target}; ${fmtS(rig)} of rig time (${(rig / 3600).toFixed(2)} h) in ${s.wallS.toFixed(1)} s wall`,
    ...(s.files.length > 0
      ? [
          `wrote ${s.files.length} file(s): ${s.files.slice(0, 4).join(", ")}${s.files.length > 4 ? ", ..." : ""}`,
        ]
      : []),
  ];
}

/** Suite results as JSON (`--json`). */
export function suiteJson(s: SuiteResult): unknown {
  return {
    target: s.target,
    passed: s.passed,
    wall_s: s.wallS,
    scenarios: s.results.map((r) => ({
      name: r.scenario.name,
      file: r.scenario.file,
      status: r.status,
      reason: r.reason,
      rig_s: r.rigS,
      wall_s: r.wallS,
      expectations: r.verdicts,
      steps: r.steps.map((st) => ({ ...st, tS: Number.isFinite(st.tS) ? st.tS : null })),
      link: r.linkCounters,
    })),
    files: s.files,
  };
}
