/**
 * `looptwin detect --config FILE` and `looptwin eval --config FILE`: the rig config of the rig
 * that made the file (as `looptwin calibrate` writes it, or `{"params": {...}}` by hand) gives the
 * twin its loop parameters and adds its thermistor offsets to the measured temperatures;
 * `--set` wins; a bad file or field is one line, exit 2. Seeded runs, no timing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseDetector, readDetectRig } from "../../src/cli/detectorChoice.js";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { withThermistorOffsets } from "../../src/detect/data/thermistorOffsets.js";
import { resolveMonitorConfig } from "../../src/detect/monitor/monitorConfig.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { correlatedChannels, skabCsv } from "../detect/syntheticData.js";
import { runCli } from "./runCli.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-detect-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A rig 15-40 % away from the defaults (the calibration walkthrough's), written by hand. */
const RIG = { C_hot: 3200, C_cold: 2400, UA: 12, UA_loss: 0.35, m_dot_max: 0.07, pump_stall_duty: 52 };
const RIG_SETS = Object.entries(RIG).flatMap(([k, v]) => ["--set", `${k}=${v}`]);

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const run = (...args: string[]) => runCli(args, dir);

/** The "N rows, M alarmed" summary's M. */
function alarmedRows(stderr: string): number {
  const m = /(\d+) alarmed/.exec(stderr);
  if (m === null) throw new Error(`no summary in ${JSON.stringify(stderr)}`);
  return Number(m[1]);
}

beforeAll(async () => {
  const sim = ["simulate", "--sensors", "--duration", "600", "--dt", "0.5", "--seed", "3"];
  for (const r of [
    await run(...sim, ...RIG_SETS, "--out", "rig.csv"),
    await run(...sim, "--fault", "sensor_bias:channel=hot,value=2", "--out", "biased.csv"),
  ])
    expect(r.code, r.err).toBe(0);
  write("rig.json", JSON.stringify({ ...RIG, _sensors: { offsetsK: { hot: 0, cold: 0, amb: 0 } } }));
  write("params.json", JSON.stringify({ params: RIG }));
  write("offset.json", JSON.stringify({ _sensors: { offsetsK: { hot: -2 } } }));
});

describe("the twin's loop parameters from --config", () => {
  it("are the file's values, the rest the defaults, and --set wins", () => {
    const rig = readDetectRig("rig.json", dir);
    const choice = chooseDetector("looptwin", undefined, [], rig?.params);
    expect(choice.kind).toBe("twin");
    if (choice.kind !== "twin") return;
    const params = resolveMonitorConfig(choice.config).params;
    expect(params.C_hot).toBe(3200);
    expect(params.C_cold).toBe(2400);
    expect(params.UA).toBe(12);
    expect(params.UA_loss).toBe(0.35);
    expect(params.m_dot_max).toBe(0.07);
    expect(params.pump_stall_duty).toBe(52);
    expect(params.Q_heater_max).toBe(DEFAULT_LOOP_PARAMS.Q_heater_max);
    const set = chooseDetector("looptwin", undefined, ["UA=9"], rig?.params);
    expect(set.kind === "twin" && resolveMonitorConfig(set.config).params.UA).toBe(9);
    expect(set.kind === "twin" && resolveMonitorConfig(set.config).params.C_hot).toBe(3200);
  });

  it("also drive the twin whose residuals the learned detector reads", () => {
    const choice = chooseDetector("looptwin", "pca", [], readDetectRig("params.json", dir)?.params);
    expect(choice.kind === "learned" && choice.twinConfig.params).toEqual(RIG);
  });

  it("detect: a rig unlike the defaults alarms on every row without them and on none with them", async () => {
    const without = await run("detect", "rig.csv", "--out", "d0.csv");
    expect(without.code, without.err).toBe(0);
    expect(alarmedRows(without.err)).toBeGreaterThan(1000); // of 1201
    for (const config of ["rig.json", "params.json"]) {
      const r = await run("detect", "rig.csv", "--config", config, "--out", "d1.csv");
      expect(r.code, r.err).toBe(0);
      expect(alarmedRows(r.err)).toBe(0);
    }
    const wrongUa = await run(
      "detect",
      "rig.csv",
      "--config",
      "rig.json",
      "--set",
      "UA=9",
      "--out",
      "d2.csv",
    );
    expect(alarmedRows(wrongUa.err)).toBeGreaterThan(100);
  });

  it("eval: the same rows counted as false alarms without, none with", async () => {
    const without = JSON.parse((await run("eval", "rig.csv", "--json")).out) as { fp: number };
    expect(without.fp).toBeGreaterThan(1000);
    const r = await run("eval", "rig.csv", "--config", "rig.json", "--json");
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { fp: number; tn: number }).fp).toBe(0);
  });
});

describe("the thermistor offsets from --config", () => {
  it("are added to the measured temperature columns only, in new arrays", () => {
    const hot = Float64Array.of(30, 31.5);
    const flow = Float64Array.of(2, 2);
    const table: LabelledTable = {
      source: "t.csv",
      timeColumn: "t_s",
      timeText: ["0", "1"],
      timeS: Float64Array.of(0, 1),
      channelNames: ["meas_t_hot_c", "meas_flow_lpm"],
      channels: [hot, flow],
      anomaly: undefined,
      changepoint: undefined,
      rowCount: 2,
    };
    const shifted = withThermistorOffsets(table, { hot: -0.4, cold: 0.3, amb: 1 });
    expect(Array.from(shifted.channels[0] as Float64Array)).toEqual([29.6, 31.1]);
    expect(shifted.channels[1]).toBe(flow);
    expect(Array.from(hot)).toEqual([30, 31.5]);
    expect(withThermistorOffsets(table, { hot: 0, cold: 0, amb: 0 })).toBe(table);
  });

  it("detect: a hot probe reading 2 K high alarms without the offset and not with it", async () => {
    const without = await run("detect", "biased.csv", "--out", "b0.csv");
    expect(alarmedRows(without.err)).toBeGreaterThan(1000);
    const r = await run("detect", "biased.csv", "--config", "offset.json", "--out", "b1.csv");
    expect(r.code, r.err).toBe(0);
    expect(alarmedRows(r.err)).toBe(0);
  });
});

describe("a bad --config", () => {
  it.each([
    [
      "a field that is not a number",
      "bad-field.json",
      '{"UA": "x"}',
      /^looptwin detect: bad-field\.json: UA: .*"x"/,
    ],
    ["a negative parameter", "neg.json", '{"params": {"UA": -3}}', /^looptwin detect: neg\.json: .*UA.*-3/],
    ["not JSON", "notjson.json", "{UA: 3", /^looptwin detect: notjson\.json: /],
  ])("%s: one line naming the file and field, exit 2", async (_what, name, text, message) => {
    write(name, text);
    const r = await run("detect", "rig.csv", "--config", name, "--out", "x.csv");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a missing file: one line naming --config and the path, exit 2 (detect and eval)", async () => {
    for (const cmd of ["detect", "eval"]) {
      const r = await run(cmd, "rig.csv", "--config", "nope.json");
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^looptwin ${cmd}: --config: cannot read .*"nope\\.json"\\)?\\n$`));
    }
  });

  it("on SKAB data, which has no loop: one line naming --config, exit 2", async () => {
    write("skab.csv", skabCsv(correlatedChannels({ rows: 500, channels: 3, seed: 1 })));
    const r = await run("detect", "skab.csv", "--config", "rig.json");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^looptwin detect: --config: applies to the project's own data .*skab/);
  });
});
