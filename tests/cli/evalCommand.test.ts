import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { correlatedChannels, type SyntheticData, skabCsv } from "../detect/syntheticData.js";

let dir: string;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    cwd: dir,
  });
  return { code, out: out.join(""), err: err.join("") };
}

function write(path: string, data: SyntheticData, withLabels = true): void {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), skabCsv(data, withLabels));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-eval-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("looptwin eval", () => {
  const files = [
    correlatedChannels({
      rows: 900,
      channels: 3,
      seed: 61,
      fault: { from: 600, to: 750, channel: 0, shift: 5 },
    }),
    correlatedChannels({
      rows: 800,
      channels: 3,
      seed: 62,
      fault: { from: 500, to: 560, channel: 2, shift: 1.5 },
    }),
  ];

  it("--json: point-wise counts over the test parts of all files equal those of detect's output", async () => {
    write("set/0.csv", files[0] as SyntheticData);
    write("set/1.csv", files[1] as SyntheticData);
    const r = await run("eval", "set", "--format", "skab", "--json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    // Independent count: run detect on each file and compare its alarms with the labels.
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    for (const [i, data] of files.entries()) {
      const d = await run("detect", `set/${i}.csv`, "--quiet");
      const alarms = d.out
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => Number(l.split(",")[2]));
      for (let row = 400; row < alarms.length; row++) {
        const truth = data.anomaly[row] === 1;
        const alarm = alarms[row] === 1;
        if (truth && alarm) tp++;
        else if (alarm) fp++;
        else if (truth) fn++;
        else tn++;
      }
    }
    expect({ tp: report.tp, fp: report.fp, fn: report.fn, tn: report.tn }).toEqual({ tp, fp, fn, tn });
    expect(report.testRows).toBe(500 + 400);
    expect(report.files).toBe(2);
    expect(report.f1).toBeCloseTo(tp / (tp + (fp + fn) / 2), 12);
    expect(report.far).toBeCloseTo(fp / (fp + tn), 12);
    expect(report.mar).toBeCloseTo(fn / (fn + tp), 12);
    expect(report.events).toBe(2);
    expect(report.nabWindows).toBe(4);
    expect(report.perFile).toHaveLength(2);
    expect(report.perFile[0].changepoints).toBe("column");
    expect(report.options.windowRows).toBe(5);
  });

  it("prints a table with F1, FAR, MAR, delay and NAB; one line per file with --per-file", async () => {
    write("0.csv", files[0] as SyntheticData);
    const r = await run("eval", "0.csv", "--per-file", "--set", "persistence_rows=3");
    expect(r.code).toBe(0);
    for (const label of ["F1", "FAR", "MAR", "mean delay", "NAB standard"]) expect(r.out).toContain(label);
    expect(r.out).toMatch(/0\.csv\s+\d\.\d{3}/);
  });

  it("reports n/a for undefined ratios (a file with no anomaly in its test part)", async () => {
    write("quiet.csv", correlatedChannels({ rows: 600, channels: 3, seed: 63 }));
    const r = await run("eval", "quiet.csv", "--json");
    const report = JSON.parse(r.out);
    expect(report.mar).toBeNull();
    expect(report.nabStandard).toBeNull();
    expect(report.events).toBe(0);
    const table = await run("eval", "quiet.csv");
    expect(table.out).toMatch(/MAR\s+n\/a/);
  });

  it("needs labels and test rows, and says which file lacks them", async () => {
    write("unlabelled.csv", files[0] as SyntheticData, false);
    const r = await run("eval", "unlabelled.csv");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unlabelled\.csv: no anomaly column/);
    write("short.csv", files[1] as SyntheticData);
    const s = await run("eval", "short.csv", "--train-rows", "800");
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/short\.csv: no test rows/);
    const tiny = await run("eval", "short.csv", "--train-rows", "3");
    expect(tiny.code).toBe(2);
    expect(tiny.err).toMatch(/short\.csv: cannot train/);
  });
});
