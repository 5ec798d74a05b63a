/**
 * `--config FILE` and `--set K=V` as `hil run` and `dashboard` read them (rigArgs.ts): what reaches
 * the twin and the plant (loop parameters), the host conversion (offsets) and a recording header
 * (the config in force, which loads back to the same rig); every problem one error naming the
 * option, the file and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rigFromArgs } from "../../src/cli/rigArgs.js";
import { parseRigConfig } from "../../src/model/calibration/rigConfigFile.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../src/model/telemetryConverter.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-rigargs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const CALIBRATED = {
  C_hot: 3200,
  UA: 12,
  _sensors: { offsetsK: { hot: -0.4, cold: 0.3, amb: 0 } },
  _calibration: { source: "run.csv" },
};

describe("rigFromArgs", () => {
  it("with neither option: the defaults, the source's own conversion, no config", () => {
    const r = rigFromArgs(undefined, [], dir);
    expect(r.params).toEqual({});
    expect(r.loopParams).toEqual(DEFAULT_LOOP_PARAMS);
    expect(r.calibration).toBeUndefined();
    expect(r.config).toBeNull();
  });

  it("a calibrated config: its parameters over the defaults, its offsets on the default parts; --set wins", () => {
    const name = file("cal.json", JSON.stringify(CALIBRATED));
    const r = rigFromArgs(name, ["UA=9.5", "T_sink=22"], dir);
    expect(r.params).toEqual({ C_hot: 3200, UA: 9.5, T_sink: 22 });
    expect(r.loopParams.C_hot).toBe(3200);
    expect(r.loopParams.UA).toBe(9.5);
    expect(r.loopParams.T_sink).toBe(22);
    expect(r.loopParams.C_cold).toBe(DEFAULT_LOOP_PARAMS.C_cold);
    expect(r.calibration).toEqual({
      ...DEFAULT_SENSOR_CALIBRATION,
      offsetsK: { hot: -0.4, cold: 0.3, amb: 0 },
    });
    // The config in force loads back to the same rig, comments and offsets kept.
    const back = parseRigConfig(JSON.stringify(r.config), "header");
    expect(back.params).toEqual(r.loopParams);
    expect(back.offsetsK).toEqual({ hot: -0.4, cold: 0.3, amb: 0 });
    expect((r.config as { _calibration: unknown })._calibration).toEqual({ source: "run.csv" });
  });

  it("a {params: {...}} config takes --set values into params; --set alone is a flat config", () => {
    const name = file("nested.json", '{ "about": "bench 2", "params": { "UA": 9.6 } }');
    const r = rigFromArgs(name, ["C_cold=2800"], dir);
    expect(r.config).toEqual({ about: "bench 2", params: { UA: 9.6, C_cold: 2800 } });
    expect(parseRigConfig(JSON.stringify(r.config), "header").params).toEqual(r.loopParams);
    expect(r.calibration?.offsetsK).toEqual({ hot: 0, cold: 0, amb: 0 });
    const only = rigFromArgs(undefined, ["UA=8"], dir);
    expect(only.config).toEqual({ UA: 8 });
    expect(only.loopParams.UA).toBe(8);
    expect(only.calibration).toBeUndefined();
  });

  it.each([
    [["missing.json", []], /^--config: cannot read \(ENOENT.*\) \(got "missing\.json"\)$/],
    [["bad.json", []], /^bad\.json: not valid JSON: /],
    [["field.json", []], /^field\.json: UA: must be a number \(W\/K\) \(got "ten"\)$/],
    [["offsets.json", []], /^offsets\.json: _sensors\.offsetsK\.hot: must be a finite number in K/],
    [[undefined, ["Foo=1"]], /^--set Foo: unknown parameter of the loop model \(known: C_hot, /],
    [[undefined, ["UA"]], /^--set: expected K=V \(got "UA"\)$/],
    [[undefined, ["UA=abc"]], /^--set UA: .*\(got "abc"\)$/],
    [[undefined, ["UA=-1"]], /^--set UA: must not be negative/],
  ] as const)("%j -> %s", ([configPath, sets], message) => {
    file("bad.json", '{ "UA": 9.6, ');
    file("field.json", '{ "UA": "ten" }');
    file("offsets.json", '{ "_sensors": { "offsetsK": { "hot": "high" } } }');
    expect(() => rigFromArgs(configPath, sets, dir)).toThrow(message);
  });
});
