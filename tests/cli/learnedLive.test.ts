/**
 * `--learned MODEL` of `looptwin hil run` (and the session commands): a model saved by `looptwin
 * detect --save-model` on a nominal run runs beside the twin, its alarms recorded with cause
 * `learned`; a bad model file or one with a channel a live session lacks is one line, exit 2.
 * Seeded runs, nothing timed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-learned-live-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => runCli(args, dir);
const SCENARIO = resolve("hil/scenarios/pump-degradation-30.yaml");

beforeAll(async () => {
  const sim = await run(
    "simulate",
    "--sensors",
    "--duration",
    "900",
    "--dt",
    "0.1",
    "--seed",
    "21",
    "--out",
    "nom.csv",
  );
  expect(sim.code, sim.err).toBe(0);
  const fit = await run(
    "detect",
    "nom.csv",
    "--detector",
    "pca",
    "--train-rows",
    "9001",
    "--save-model",
    "model.json",
    "--out",
    "d.csv",
  );
  expect(fit.code, fit.err).toBe(0);
});

describe("hil run --learned", () => {
  it("records the learned detector's alarm beside the monitor's on a pump degradation", async () => {
    const r = await run("hil", "run", SCENARIO, "--learned", "model.json", "--out", "runs");
    expect(r.code, r.err).toBe(0);
    const alarms = readFileSync(join(dir, "runs", "pump-degradation-30.ndjson"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"alarm"'))
      .map((l) => JSON.parse(l) as { source: string; state: string; diagnosis: string; tS: number });
    const learned = alarms.filter((a) => a.source === "learned" && a.state === "raised");
    expect(learned).toHaveLength(1);
    expect(learned[0]?.diagnosis).toBe("learned: res_flow_lpm");
    expect(alarms.some((a) => a.source === "flow" && a.state === "raised")).toBe(true);
  });

  it("a scenario expecting alarm { cause: learned } passes with --learned and fails without", async () => {
    writeFileSync(
      join(dir, "learned.yaml"),
      [
        "name: learned-check",
        "description: the learned detector alarms on a pump degradation",
        "seed: 7",
        "duration: 120",
        "steps:",
        "  - { at: 60, name: fault, emu: pump_degradation:severity=0.5 }",
        "expect:",
        "  - { no_alarm: any, from: 0, to: fault }",
        "  - { alarm: { cause: learned }, after: fault, within: 5 }",
        "",
      ].join("\n"),
    );
    const withModel = await run("hil", "run", "learned.yaml", "--learned", "model.json");
    expect(withModel.code, withModel.out + withModel.err).toBe(0);
    const without = await run("hil", "run", "learned.yaml");
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/cause learned alarm raised in 60\.0 s \.\. 65\.0 s/);
  });

  it("a missing model file, or one with a channel a session lacks: one line, exit 2", async () => {
    const missing = await run("hil", "run", SCENARIO, "--learned", "nope.json");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^looptwin hil: nope\.json: cannot read model file\n$/);
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { channelNames: string[] };
    model.channelNames[0] = "valve_pos";
    writeFileSync(join(dir, "other.json"), JSON.stringify(model));
    const other = await run("hil", "run", SCENARIO, "--learned", "other.json");
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/^looptwin hil: --learned: .*"valve_pos"/);
    expect(other.err.trimEnd().split("\n")).toHaveLength(1);
    writeFileSync(join(dir, "cut.json"), '{"version":2');
    const cut = await run("hil", "run", SCENARIO, "--learned", "cut.json");
    expect(cut.code).toBe(2);
    expect(cut.err).toMatch(/^looptwin hil: cut\.json: model file: is not JSON: [^\n]*\n$/);
  });
});

describe("--learn-first S (dashboard, serve, hil run)", () => {
  it("S not a positive number, under 10 s, or with --learned: one line naming the option, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["dashboard", "--emulate", "--learn-first", "abc"],
        /^looptwin dashboard: --learn-first: must be a positive number of seconds \(got "abc"\)\n$/,
      ],
      [
        ["serve", "--emulate", "--learn-first=-3"],
        /^looptwin serve: --learn-first: must be a positive number of seconds \(got "-3"\)\n$/,
      ],
      [
        ["hil", "run", SCENARIO, "--learn-first", "0"],
        /^looptwin hil: --learn-first: must be a positive number of seconds/,
      ],
      [
        ["dashboard", "--emulate", "--learn-first", "5"],
        /^looptwin dashboard: --learn-first: must be at least 10 s .*\(got 5\)\n$/,
      ],
      [
        ["serve", "--emulate", "--learned", "model.json", "--learn-first", "60"],
        /^looptwin serve: --learn-first: cannot be given with --learned .*\n$/,
      ],
      [
        ["hil", "run", SCENARIO, "--learned", "model.json", "--learn-first", "60"],
        /^looptwin hil: --learn-first: cannot be given with --learned/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    }
  });

  it("hil run --learn-first trains on each scenario's first seconds: the learned alarm on a pump degradation", async () => {
    const r = await run("hil", "run", SCENARIO, "--learn-first", "50", "--out", "runs-lf");
    expect(r.code, r.out + r.err).toBe(0);
    const learned = readFileSync(join(dir, "runs-lf", "pump-degradation-30.ndjson"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"alarm"') && l.includes('"source":"learned"'))
      .map((l) => JSON.parse(l) as { state: string; tS: number });
    const raised = learned.filter((a) => a.state === "raised");
    expect(raised.length).toBeGreaterThan(0);
    // The degradation is injected at 60 s; nothing learned alarms before it.
    expect(Math.min(...raised.map((a) => a.tS))).toBeGreaterThanOrEqual(60);
  });
});
