import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-simulate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    cwd: dir,
  };
  const code = await main(["simulate", ...argv], io);
  return { code, stdout, stderr };
}

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split("\n");
  return { header: lines[0]!.split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

describe("looptwin simulate", () => {
  it("writes the contract header and one row per --dt including t = 0", async () => {
    const r = await run(["--duration", "60", "--dt", "0.5"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const { header, rows } = parseCsv(r.stdout);
    expect(header.slice(0, 4)).toEqual(["t_s", "t_hot_c", "t_cold_c", "m_dot_kg_s"]);
    expect(rows.length).toBe(121);
    expect(rows[0]![0]).toBe("0.0");
    expect(rows[120]![0]).toBe("60.0");
    expect(Number(rows[0]![1])).toBe(25);
  });

  it("adds measured, setpoint, duty, raw and label columns with --sensors", async () => {
    const r = await run(["--duration", "20", "--dt", "1", "--sensors", "--fault", "pump_failure:start=10"]);
    expect(r.code).toBe(0);
    const { header, rows } = parseCsv(r.stdout);
    for (const c of [
      "meas_t_hot_c",
      "meas_t_cold_c",
      "meas_flow_lpm",
      "pump_setpoint",
      "pump_duty",
      "anomaly",
      "changepoint",
      "fault",
    ])
      expect(header).toContain(c);
    const col = (name: string): string[] => rows.map((row) => row[header.indexOf(name)]!);
    expect(col("anomaly").join("")).toBe(`${"0".repeat(10)}${"1".repeat(11)}`);
    expect(col("changepoint").indexOf("1")).toBe(10);
    expect(col("changepoint").filter((c) => c === "1").length).toBe(1);
    expect(col("fault")[15]).toBe("pump_failure");
    expect(Number(col("meas_t_hot_c")[0])).toBeCloseTo(25, 0);
    expect(Number(col("m_dot_kg_s")[20])).toBe(0);
  });

  it("is deterministic: the same seed gives byte-identical CSV, different seeds differ", async () => {
    const args = [
      "--duration",
      "120",
      "--dt",
      "0.5",
      "--sensors",
      "--fault",
      "sensor_noise:channel=hot,value=0.3",
    ];
    const a = await run([...args, "--seed", "7"]);
    const b = await run([...args, "--seed", "7"]);
    const c = await run([...args, "--seed", "8"]);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it("writes to --out instead of standard output", async () => {
    const r = await run(["--duration", "10", "--out", "run.csv"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const text = readFileSync(join(dir, "run.csv"), "utf8");
    expect(text.startsWith("t_s,t_hot_c,t_cold_c,m_dot_kg_s")).toBe(true);
    expect(text.trimEnd().split("\n").length).toBe(12);
  });

  it("applies --config, with --set overriding it", async () => {
    writeFileSync(
      join(dir, "rig.json"),
      JSON.stringify({ _comment: "a test rig", model: "loop", UA: 20, Q_heater_max: 100 }),
    );
    const r = await run(["--config", "rig.json", "--set", "Q_heater_max=200", "--duration", "0"]);
    expect(r.code).toBe(0);
    const { header, rows } = parseCsv(r.stdout);
    expect(Number(rows[0]![header.indexOf("ua_w_k")])).toBe(20);
    expect(Number(rows[0]![header.indexOf("q_in_w")])).toBe(200);
  });

  it("runs the seed model with its parameter names and q_in/q_out inputs", async () => {
    const r = await run([
      "--model",
      "seed",
      "--set",
      "Q_out=500",
      "--input",
      "q_in=0:1000,5:0",
      "--duration",
      "10",
    ]);
    expect(r.code).toBe(0);
    const { header, rows } = parseCsv(r.stdout);
    expect(header).toEqual(["t_s", "t_hot_c", "t_cold_c", "m_dot_kg_s", "q_in_w", "q_out_w"]);
    expect(rows[0]!.slice(1, 3).map(Number)).toEqual([76.85, 26.85]);
    expect(Number(rows[10]![4])).toBe(0);
    expect(Number(rows[10]![5])).toBe(500);
  });

  it("shows its help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["--model loop|seed", "pump_stall_duty", "UA_fan_off_frac", "q_in", "meas_flow_lpm"])
      expect(r.stdout).toContain(word);
  });

  it.each([
    [["--set", "UA=-1"], "--set UA", "-1"],
    [["--set", "UA=abc"], "--set UA", "abc"],
    [["--set", "UA=Infinity"], "--set UA", "Infinity"],
    [["--set", "FOO=1"], "--set FOO", "unknown parameter"],
    [["--set", "Q_in=100"], "--set Q_in", "unknown parameter of the loop model"],
    [["--set", "UA"], "--set", "NAME=VALUE"],
    [["--set", "UA=1", "--set", "UA=2"], "--set UA", "twice"],
    [["--set", "C_hot=0"], "--set C_hot", "> 0"],
    [["--set", "UA_fan_off_frac=2"], "--set UA_fan_off_frac", "<= 1"],
    [["--model", "seed", "--set", "C_hot=1"], "--set C_hot", "unknown parameter of the seed model"],
    [["--model", "seed", "--set", "m_dot=-0.1"], "--set m_dot", "negative"],
    [["--fault", "bogus"], "--fault kind", "unknown fault kind"],
    [["--fault", "pump_degradation:severity=2"], "--fault pump_degradation.severity", "between 0 and 1"],
    [["--fault", "pump_degradation:sevrity=0.5"], "--fault pump_degradation.sevrity", "unknown key"],
    [["--fault", "sensor_bias:value=1"], "--fault sensor_bias.channel", "required"],
    [["--fault", "link_drop:value=0.1"], "--fault", "serial link"],
    [["--input", "pump=0:300"], "--input pump", "0-255"],
    [["--input", "pump=10:100,5:50"], "--input pump", "increase"],
    [["--input", "bogus=0:1"], "--input channel", "unknown input channel"],
    [["--model", "seed", "--input", "pump=0:100"], "--input channel", "q_in, q_out"],
    [["--duration=-1"], "--duration", ">= 0"],
    [["--dt", "0"], "--dt", "> 0"],
    [["--dt", "x"], "--dt", "finite"],
    [["--model", "loopy"], "--model", "loop, seed"],
    [["--seed=-1"], "--seed", ">= 0"],
    [["--seed", "1.5"], "--seed", "whole number"],
    [["--model", "seed", "--sensors"], "--sensors", "seed model has no sensors"],
    [["--model", "seed", "--fault", "pump_failure"], "--fault", "seed model takes no faults"],
    [["--integrator", "euler"], "--integrator", "rk4 or dopri5"],
    [["--bogus"], "--bogus", "unknown option"],
    [["--config", "missing.json"], "missing.json", "cannot read"],
    [["--out", "no/such/dir/x.csv"], "--out", "cannot write"],
  ])("rejects %j with exit 2, naming %s", async (argv, name, problem) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).toContain(problem);
  });

  it.each([
    ["{ not json", "not valid JSON"],
    ["[1, 2]", "must be a JSON object"],
    [JSON.stringify({ UA: -3 }), "bad.json: UA"],
    [JSON.stringify({ UA: "10" }), "bad.json: UA"],
    [JSON.stringify({ UAA: 10 }), "bad.json: UAA"],
    [JSON.stringify({ model: "other" }), "bad.json: model"],
  ])("rejects a bad --config file %s, naming the file and field", async (content, expected) => {
    writeFileSync(join(dir, "bad.json"), content);
    const r = await run(["--config", "bad.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
  });

  it("rejects a --model that disagrees with the config file", async () => {
    writeFileSync(join(dir, "seed.json"), JSON.stringify({ model: "seed", C: 500 }));
    const r = await run(["--config", "seed.json", "--model", "loop"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--model");
    const ok = await run(["--config", "seed.json", "--duration", "0"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("q_out_w");
  });
});
