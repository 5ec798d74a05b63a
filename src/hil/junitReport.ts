/**
 * JUnit XML of a suite run (the format Jenkins, GitLab, GitHub Actions reporters and most CI
 * systems read): one `<testsuite>` per target, one `<testcase>` per scenario, `<failure>` with a
 * message naming the failed expectation and the observation, `<error>` for a run that could not
 * finish, `<skipped>` with its reason, and `<system-out>` with the steps and the alarm timeline.
 */
import { fmtS } from "./expectations.js";
import type { Observation } from "./observations.js";
import type { ScenarioResult } from "./runner.js";

/** Escapes text for XML attribute and element content (and drops characters XML 1.0 forbids). */
export function xmlEscape(s: string): string {
  let clean = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const allowed =
      c === 0x09 ||
      c === 0x0a ||
      c === 0x0d ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c > 0xffff;
    if (allowed) clean += ch;
  }
  return clean
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** One line per observation of the alarm timeline (alarms, diagnoses, device events, gaps, steps). */
export function timelineText(timeline: readonly Observation[]): string[] {
  const lines: string[] = [];
  for (const o of timeline) {
    const t = `${fmtS(o.tS).padStart(9)}  `;
    switch (o.kind) {
      case "alarm": {
        const e = o.event;
        lines.push(
          `${t}alarm ${e.type} ${e.cause} [${e.severity}]${e.diagnosis ? ` ${e.diagnosis}` : ""} level ${e.level.toFixed(2)}${e.evidence.length > 0 ? ` (${e.evidence.join("; ")})` : ""}`,
        );
        break;
      }
      case "diagnosis":
        lines.push(`${t}diagnosis ${o.text === "" ? "(none)" : o.text}`);
        break;
      case "device_event":
        lines.push(`${t}EVT ${o.code} ${o.detail}`);
        break;
      case "gap":
        lines.push(`${t}gap (${o.reason}) until ${fmtS(o.toS)}, ${o.lostSamples} samples lost`);
        break;
      case "link":
        lines.push(`${t}link ${o.state} (${o.reason})`);
        break;
      case "hello":
        lines.push(`${t}HELLO${o.reboot ? " after reboot" : ""}: ${o.text}`);
        break;
      case "step":
        lines.push(`${t}step ${o.name} ${o.status}: ${o.text}`);
        break;
      case "label":
        lines.push(`${t}fault ${o.action} ${o.fault}`);
        break;
      case "note":
        lines.push(`${t}${o.text}`);
        break;
    }
  }
  return lines;
}

function testcase(r: ScenarioResult): string {
  const attrs = `name="${xmlEscape(r.scenario.name)}" classname="hil.${xmlEscape(r.target)}" file="${xmlEscape(r.scenario.file)}" time="${r.wallS.toFixed(3)}"`;
  const out: string[] = [`    <testcase ${attrs}>`];
  switch (r.status) {
    case "failed": {
      const failed = r.verdicts.filter((v) => v.status === "failed");
      const message =
        failed.length > 0
          ? failed.map((v) => `${v.name}: expected ${v.expected}; observed ${v.observed}`).join(" | ")
          : r.reason;
      const body = [
        ...failed.map(
          (v) => `line ${v.line}: ${v.name}\n  expected: ${v.expected}\n  observed: ${v.observed}`,
        ),
        ...(failed.length === 0 ? [r.reason] : []),
      ].join("\n");
      out.push(
        `      <failure message="${xmlEscape(message)}" type="ExpectationFailed">${xmlEscape(body)}</failure>`,
      );
      break;
    }
    case "error":
      out.push(
        `      <error message="${xmlEscape(r.reason)}" type="RunError">${xmlEscape(r.reason)}</error>`,
      );
      break;
    case "skipped":
      out.push(`      <skipped message="${xmlEscape(r.reason)}"/>`);
      break;
    case "passed":
      break;
  }
  const sysout = [
    `scenario ${r.scenario.name} on ${r.target}: ${r.status}, ${fmtS(r.rigS)} of rig time in ${r.wallS.toFixed(2)} s`,
    "",
    "expectations:",
    ...r.verdicts.map((v) => `  [${v.status}] ${v.name}: ${v.observed}`),
    "",
    "steps:",
    ...r.steps.map((s) => `  [${s.status}] ${s.name} at ${fmtS(s.tS)}: ${s.detail}`),
    "",
    "timeline:",
    ...timelineText(r.timeline).map((l) => `  ${l}`),
  ].join("\n");
  out.push(`      <system-out>${xmlEscape(sysout)}</system-out>`);
  out.push("    </testcase>");
  return out.join("\n");
}

/** The whole JUnit document for one suite run on one target. */
export function junitXml(results: readonly ScenarioResult[], target: string, timestamp = new Date()): string {
  const count = (s: ScenarioResult["status"]): number => results.filter((r) => r.status === s).length;
  const time = results.reduce((a, r) => a + r.wallS, 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="looptwin hil" tests="${results.length}" failures="${count("failed")}" errors="${count("error")}" skipped="${count("skipped")}" time="${time.toFixed(3)}">`,
    `  <testsuite name="hil.${xmlEscape(target)}" tests="${results.length}" failures="${count("failed")}" errors="${count("error")}" skipped="${count("skipped")}" time="${time.toFixed(3)}" timestamp="${timestamp.toISOString().replace(/\.\d+Z$/, "")}">`,
    ...results.map(testcase),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
