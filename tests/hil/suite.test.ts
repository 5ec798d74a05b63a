/**
 * The regression suite itself (hil/scenarios) with the real detection pipeline: every scenario
 * against the in-process emulator, the smoke subset against the pseudo-terminal emulator, and
 * the CLI end to end with its outputs (JUnit XML, recordings, labelled CSVs).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseSkabCsv } from "../../src/detect/data/skabCsv.js";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { type MonitorFactory, runScenario } from "../../src/hil/runner.js";
import { loadScenarioFiles } from "../../src/hil/scenarioLoader.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import { ptyTarget } from "../../src/hil/targets/ptyTarget.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCENARIOS = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
const LOOPTWIN = [process.execPath, "--import", "tsx", join(ROOT, "tests", "hil", "cliEntry.ts")];

let monitorFactory: MonitorFactory;
beforeAll(async () => {
  monitorFactory = await loadDefaultMonitorFactory();
});

/** What failed, readably, for the assertion message. */
function failures(r: Awaited<ReturnType<typeof runScenario>>): string[] {
  return [
    ...(r.status === "passed" ? [] : [`${r.status}: ${r.reason}`]),
    ...r.verdicts
      .filter((v) => v.status !== "passed")
      .map((v) => `${v.status} ${v.name}: expected ${v.expected}; observed ${v.observed}`),
  ];
}

describe("the HIL suite on the emulator", () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    "%s passes",
    async (_name, scenario) => {
      const r = await runScenario(scenario, { target: emulatorTarget("", { cwd: ROOT }), monitorFactory });
      expect(failures(r)).toEqual([]);
      expect(r.rigS).toBeCloseTo(scenario.durationS, 3);
    },
    60_000,
  );
});

describe("the smoke subset on the pseudo-terminal emulator", () => {
  const smoke = SCENARIOS.filter((s) => s.tags.includes("smoke"));
  it.each(smoke.map((s) => [s.name, s] as const))(
    "%s passes on pty",
    async (_name, scenario) => {
      const target = ptyTarget("", { cwd: ROOT, speed: 10, looptwinCommand: LOOPTWIN });
      const r = await runScenario(scenario, { target, monitorFactory });
      expect(failures(r)).toEqual([]);
    },
    90_000,
  );
});

describe("looptwin hil run", () => {
  it("exits 0 and writes JUnit XML, the recording and the labelled CSV", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-hil-run-"));
    const out: string[] = [];
    const code = await main(
      [
        "hil",
        "run",
        "--filter",
        "pump-failure-deadman",
        "--junit",
        join(dir, "junit.xml"),
        "--out",
        join(dir, "out"),
      ],
      {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => out.push(s) },
        cwd: ROOT,
      },
    );
    expect(out.join(""), out.join("")).toContain("PASS  [1/1] pump-failure-deadman");
    expect(code).toBe(0);
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(xml).toContain('<testsuites name="looptwin hil" tests="1" failures="0" errors="0" skipped="0"');
    expect(xml).toContain("alarm raised");
    const rec = readFileSync(join(dir, "out", "pump-failure-deadman.ndjson"), "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(rec[0] ?? "{}")).toMatchObject({ type: "header", source: { kind: "emulator" } });
    expect(rec.some((l) => l.includes('"type":"label"'))).toBe(true);
    const table = parseSkabCsv(readFileSync(join(dir, "out", "pump-failure-deadman.csv"), "utf8"), "csv");
    expect(table.rowCount).toBeGreaterThan(1790);
    // Ground truth: 30 s of pump failure at 10 Hz, one onset.
    const anomalous = [...(table.anomaly ?? [])].filter((v) => v === 1).length;
    expect(anomalous).toBeGreaterThanOrEqual(299);
    expect(anomalous).toBeLessThanOrEqual(301);
    expect([...(table.changepoint ?? [])].filter((v) => v === 1)).toHaveLength(1);
  }, 60_000);
});
