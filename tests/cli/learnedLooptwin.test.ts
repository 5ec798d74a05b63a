import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

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

// Two hours at 1 s, pump and heater steps every 15 min from t = 0, +1.5 K on the hot thermistor
// from 1.5 h: the first hour (training) is nominal, the flow column starts empty (NaN).
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-learned-"));
  const sim = await run(
    "simulate",
    "--sensors",
    "--duration",
    "7200",
    "--dt",
    "1",
    "--seed",
    "11",
    "--input",
    "pump=0:200,900:150,1800:230,2700:170,3600:210,4500:140,5400:240,6300:180",
    "--input",
    "heater=0:255,900:150,1800:200,2700:120,3600:230,4500:160,5400:100,6300:210",
    "--fault",
    "sensor_bias:start=5400,value=1.5,channel=hot",
    "--out",
    "run.csv",
  );
  expect(sim.code).toBe(0);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the learned detector on a simulate --sensors CSV", () => {
  it("eval --detector pca --train-rows 3600 runs (no NaN in the features), no false alarm, finds the bias", async () => {
    const r = await run(
      "eval",
      "run.csv",
      "--format",
      "looptwin",
      "--detector",
      "pca",
      "--train-rows",
      "3600",
      "--json",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, number>;
    expect(j.trainRows).toBe(3600);
    expect(j.fp).toBe(0);
    expect(j.eventsDetected).toBe(1);
    expect(j.meanDelayS).toBeLessThanOrEqual(10);
  });

  it("trains on the first hour of rows by default", async () => {
    const r = await run("eval", "run.csv", "--detector", "pca", "--json");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { trainRows: number }).trainRows).toBe(3600);
  });

  it("detect writes one row per input row, and a saved model scores the same without --detector", async () => {
    const a = await run("detect", "run.csv", "--detector", "pca", "--save-model", "m.json", "--out", "a.csv");
    expect(a.code).toBe(0);
    const b = await run("detect", "run.csv", "--model", "m.json", "--out", "b.csv");
    expect(b.code).toBe(0);
    const outA = readFileSync(join(dir, "a.csv"), "utf8");
    expect(outA.split("\n")[0]).toBe("t_s,score,anomaly");
    expect(outA.trimEnd().split("\n")).toHaveLength(7201 + 1);
    expect(readFileSync(join(dir, "b.csv"), "utf8")).toBe(outA);
    const model = JSON.parse(readFileSync(join(dir, "m.json"), "utf8")) as { channelNames?: string[] };
    expect(JSON.stringify(model)).toContain("res_t_hot_k");
    expect(JSON.stringify(model)).not.toContain('"t_hot_c"');
  });

  it("rejects an unknown channel set naming the field", async () => {
    const r = await run("eval", "run.csv", "--detector", "pca", "--set", "channels=truth");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--set channels");
  });
});
