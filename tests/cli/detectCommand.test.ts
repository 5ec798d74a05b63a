import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { correlatedChannels, skabCsv } from "../detect/syntheticData.js";

let dir: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      cwd: dir,
    },
    out,
    err,
  };
}

async function run(...argv: string[]) {
  const t = io();
  const code = await main(argv, t.io);
  return { code, out: t.out.join(""), err: t.err.join("") };
}

function writeSynthetic(path: string, rows: number, seed: number, fault = true): void {
  const data = correlatedChannels({
    rows,
    channels: 3,
    seed,
    ...(fault ? { fault: { from: 550, to: 650, channel: 1, shift: 6 } } : {}),
  });
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), skabCsv(data));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-detect-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("looptwin detect --format skab", () => {
  it("writes datetime,score,anomaly with exactly one row per input row", async () => {
    writeSynthetic("a.csv", 800, 41);
    const r = await run("detect", "a.csv", "--format", "skab", "--quiet");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("datetime,score,anomaly");
    expect(lines).toHaveLength(801);
    expect(lines[1]).toMatch(/^2020-03-09 10:00:00,[-0-9.e+]+,0$/);
    const alarms = lines.slice(1).map((l) => Number(l.split(",")[2]));
    expect(alarms.every((a) => a === 0 || a === 1)).toBe(true);
    // The shift at rows 550-649 is found; nothing before it in the test part.
    expect(alarms.slice(550, 650).filter((a) => a === 1).length).toBeGreaterThan(80);
    expect(alarms.slice(400, 550).some((a) => a === 1)).toBe(false);
  });

  it("guesses the format from the header and writes to --out", async () => {
    writeSynthetic("a.csv", 600, 42);
    const r = await run("detect", "a.csv", "--out", "out/a.scores.csv", "--train-rows", "300");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/a\.csv: 600 rows, \d+ alarmed/);
    expect(readFileSync(join(dir, "out/a.scores.csv"), "utf8").trimEnd().split("\n")).toHaveLength(601);
  });

  it("mirrors a directory of CSVs into the output directory", async () => {
    writeSynthetic("data/valve/0.csv", 700, 43);
    writeSynthetic("data/valve/1.csv", 650, 44);
    writeSynthetic("data/free.csv", 500, 45, false);
    writeFileSync(join(dir, "data/notes.txt"), "not a csv");
    const r = await run("detect", "data", "--format", "skab", "--out", "scores");
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "scores")).sort()).toEqual(["free.csv", "valve"]);
    expect(readdirSync(join(dir, "scores/valve")).sort()).toEqual(["0.csv", "1.csv"]);
    expect(readFileSync(join(dir, "scores/valve/1.csv"), "utf8").trimEnd().split("\n")).toHaveLength(651);
    expect(readFileSync(join(dir, "scores/free.csv"), "utf8").trimEnd().split("\n")).toHaveLength(501);
  });

  it("refuses a directory without --out, or with --out inside it", async () => {
    writeSynthetic("data/0.csv", 500, 46);
    expect((await run("detect", "data")).code).toBe(2);
    const inside = await run("detect", "data", "--out", "data/scores");
    expect(inside.code).toBe(2);
    expect(inside.err).toMatch(/--out/);
  });

  it("saves the fitted model and scores identically with it (all rows, no training)", async () => {
    writeSynthetic("a.csv", 700, 47);
    const trained = await run("detect", "a.csv", "--save-model", "m.json", "--quiet");
    const loaded = await run("detect", "a.csv", "--model", "m.json", "--quiet");
    expect(trained.code).toBe(0);
    expect(loaded.out).toBe(trained.out);
    expect(JSON.parse(readFileSync(join(dir, "m.json"), "utf8")).format).toBe("looptwin-learned-detector");
  });

  it("rejects a bad model file naming the file and the field", async () => {
    writeSynthetic("a.csv", 600, 48);
    await run("detect", "a.csv", "--save-model", "m.json", "--quiet");
    const doc = JSON.parse(readFileSync(join(dir, "m.json"), "utf8"));
    doc.threshold = -1;
    writeFileSync(join(dir, "m.json"), JSON.stringify(doc));
    const r = await run("detect", "a.csv", "--model", "m.json");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/m\.json.*threshold/);
  });

  it("rejects malformed CSVs with file, line and column, and writes nothing", async () => {
    writeSynthetic("data/0.csv", 500, 49);
    const text = readFileSync(join(dir, "data/0.csv"), "utf8").split("\r\n");
    text[7] = text[7]?.replace(/;[^;]+;/, ";abc;") ?? "";
    writeFileSync(join(dir, "data/1.csv"), text.join("\r\n"));
    const r = await run("detect", "data", "--out", "scores");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/data\/1\.csv \(line 8, column 2 \(ch0\)\): not a number: "abc"/);
    expect(() => readdirSync(join(dir, "scores"))).toThrow();
    const ragged = text.slice();
    ragged[3] = ragged[3]?.split(";").slice(0, 3).join(";") ?? "";
    writeFileSync(join(dir, "r.csv"), ragged.join("\r\n"));
    const rr = await run("detect", "r.csv");
    expect(rr.err).toMatch(/r\.csv \(line 4, column 4 \(ch2\)\): ragged row/);
  });

  it("rejects bad arguments with exit 2 and a one-line error", async () => {
    writeSynthetic("a.csv", 500, 50);
    for (const argv of [
      ["detect", "a.csv", "--train-rows", "0"],
      ["detect", "a.csv", "--detector", "svm"],
      ["detect", "a.csv", "--set", "window_rows=abc"],
      ["detect", "a.csv", "--set", "colour=red"],
      ["detect", "a.csv", "--format", "json"],
      ["detect", "a.csv", "--train-rows", "5000"],
      ["detect", "missing.csv"],
      ["detect"],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err.trimEnd().split("\n"), argv.join(" ")).toHaveLength(1);
    }
  });

  it("refuses a SKAB file read as --format looptwin, naming what is wrong", async () => {
    writeSynthetic("a.csv", 500, 51);
    const r = await run("detect", "a.csv", "--format", "looptwin");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/first column must be "t_s"/);
  });
});
