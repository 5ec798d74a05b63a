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

  /**
   * Independent count: runs `detect` on each file and compares its per-row alarms with the labels
   * over the test part (rows from 400, the default training rows).
   */
  async function detectCounts(settings: readonly string[], ...indices: number[]) {
    const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const i of indices) {
      const data = files[i] as SyntheticData;
      const d = await run("detect", `set/${i}.csv`, "--quiet", ...settings);
      expect(d.code).toBe(0);
      const alarms = d.out
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => Number(l.split(",")[2]));
      expect(alarms).toHaveLength(data.anomaly.length);
      for (let row = 400; row < alarms.length; row++) {
        const truth = data.anomaly[row] === 1;
        const alarm = alarms[row] === 1;
        if (truth && alarm) c.tp++;
        else if (alarm) c.fp++;
        else if (truth) c.fn++;
        else c.tn++;
      }
    }
    return c;
  }

  it("--json: point-wise counts over the test parts of all files equal those of detect's output", async () => {
    write("set/0.csv", files[0] as SyntheticData);
    write("set/1.csv", files[1] as SyntheticData);
    const r = await run("eval", "set", "--format", "skab", "--json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    const { tp, fp, fn, tn } = await detectCounts([], 0, 1);
    expect({ tp: report.tp, fp: report.fp, fn: report.fn, tn: report.tn }).toEqual({ tp, fp, fn, tn });
    // The counts mean something: file 0's 5-sigma shift on rows 600-749 is found on all but the
    // rows the 5-row window and the 5-row persistence need (at most 10 of 150), with few false
    // alarms on the 350 normal rows; a detector that never alarms gives tp = 0.
    expect(report.perFile[0].tp).toBeGreaterThanOrEqual(140);
    expect(report.perFile[0].fp).toBeLessThanOrEqual(7);
    expect(report.eventsDetected).toBeGreaterThanOrEqual(1);
    expect(report.testRows).toBe(500 + 400);
    expect(tp + fp + fn + tn).toBe(500 + 400);
    expect(tp + fn).toBe(150 + 60);
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
    write("set/0.csv", files[0] as SyntheticData);
    const r = await run("eval", "set/0.csv", "--per-file", "--set", "persistence_rows=3");
    expect(r.code).toBe(0);
    // The values, from detect's alarms with the same setting, by the definitions.
    const { tp, fp, fn, tn } = await detectCounts(["--set", "persistence_rows=3"], 0);
    expect(tp).toBeGreaterThanOrEqual(140);
    const f1 = (tp / (tp + (fp + fn) / 2)).toFixed(3);
    const far = `${((100 * fp) / (fp + tn)).toFixed(1)} %`;
    const mar = `${((100 * fn) / (fn + tp)).toFixed(1)} %`;
    const lines = r.out.split("\n");
    const row = (label: string) => lines.find((l) => l.trimStart().startsWith(label))?.trim();
    expect(row("F1")).toBe(`F1            ${f1}`);
    expect(row("FAR")).toBe(`FAR           ${far}`);
    expect(row("MAR")).toBe(`MAR           ${mar}`);
    expect(row("TP FP FN TN")).toBe(`TP FP FN TN   ${tp} ${fp} ${fn} ${tn}`);
    expect(row("events")).toMatch(/^events\s+1 of 1 detected, mean delay \d+\.\d s$/);
    expect(row("NAB standard")).toMatch(
      /^NAB standard\s+\d+\.\d\d \(2 windows of 60 s, 0 predictions outside them\)$/,
    );
    const perFile = row("set/0.csv")?.split(/\s+/);
    expect(perFile?.slice(0, 6)).toEqual(["set/0.csv", f1, ...far.split(" "), ...mar.split(" ")]);
    expect(perFile?.[6]).toBe("1/1");
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
