/**
 * The rig config file of a calibration (docs/design.md 6, src/model/calibration/rigConfigFile.ts):
 * the object written from a hand-made calibration result (values to 7 significant digits, written
 * out by hand), its text, and the reader's full messages (InputFileError `file: problem`, the
 * parameter's ConfigError `field: problem (got value)` inside it; src/core/errors.ts).
 */
import { describe, expect, it } from "vitest";
import type { CalibrationResult } from "../../src/model/calibration/calibrateLoop.js";
import {
  formatRigConfig,
  parseRigConfig,
  rigConfigFromCalibration,
} from "../../src/model/calibration/rigConfigFile.js";
import { DEFAULT_LOOP_PARAMS, LOOP_PARAM_NAMES, makeLoopParams } from "../../src/model/loopParams.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

const messageOf = (text: string): string => inputFileErrorOf(() => parseRigConfig(text, "rig.json")).message;

/** The fields of a calibration result the rig config reads; the rest do not matter to it. */
function result(): CalibrationResult {
  return {
    params: makeLoopParams({ C_hot: 2498.123456, UA: 9.99712345, T_sink: 21.5 }),
    offsetsK: { hot: -0.398765432, cold: 0.30000001 },
    fitted: [
      {
        name: "C_hot",
        unit: "J/K",
        value: 2498.123456,
        std: 5.0123456,
        relStd: 0,
        initial: 0,
        atBound: false,
      },
      {
        name: "UA",
        unit: "W/K",
        value: 9.99712345,
        std: Number.POSITIVE_INFINITY,
        relStd: 0,
        initial: 0,
        atBound: false,
      },
    ],
    held: ["UA_loss"],
    channels: [
      { channel: "t_hot", unit: "K", rmse: 0.0123456789, noise: 0, count: 10, used: true },
      { channel: "t_cold", unit: "K", rmse: Number.NaN, noise: 0, count: 10, used: true },
      { channel: "flow", unit: "L/min", rmse: 0.5, noise: 0, count: 0, used: false },
    ],
    warnings: [{ kind: "correlated", params: ["C_hot", "UA"], message: "C_hot and UA are correlated" }],
    observations: 3600,
    durationS: 3599.123456,
  } as unknown as CalibrationResult;
}

describe("rigConfigFromCalibration", () => {
  it("writes every loop parameter to 7 significant digits, the offsets, and what was fitted", () => {
    const config = rigConfigFromCalibration(result(), "run.csv", 0.25);
    expect(Object.keys(config)).toEqual([...LOOP_PARAM_NAMES, "_sensors", "_calibration"]);
    expect(config).toEqual({
      ...DEFAULT_LOOP_PARAMS,
      C_hot: 2498.123,
      UA: 9.997123,
      T_sink: 21.5,
      _sensors: { offsetsK: { hot: -0.3987654, cold: 0.3, amb: 0.25 } },
      _calibration: {
        about: "written by looptwin calibrate; the loop parameters above and _sensors are the rig config",
        source: "run.csv",
        observations: 3600,
        duration_s: 3599.123,
        fitted: {
          C_hot: { value: 2498.123, std: 5.012346, unit: "J/K" },
          // An unconstrained parameter: no finite std.
          UA: { value: 9.997123, std: null, unit: "W/K" },
        },
        held: ["UA_loss"],
        // Only the channels used; a channel without a finite RMSE gives null.
        rmse: { t_hot: 0.01234568, t_cold: null },
        warnings: ["C_hot and UA are correlated"],
      },
    });
  });

  it("writes the ambient offset 0 unless given", () => {
    const config = rigConfigFromCalibration(result(), "x.csv");
    expect(config._sensors).toEqual({ offsetsK: { hot: -0.3987654, cold: 0.3, amb: 0 } });
  });

  it("keeps a value that is not finite as it is", () => {
    const r = { ...result(), durationS: Number.NaN };
    expect(
      (rigConfigFromCalibration(r, "x.csv")._calibration as { duration_s: number }).duration_s,
    ).toBeNaN();
  });
});

describe("formatRigConfig", () => {
  it("writes pretty JSON, two spaces deep, with a final newline", () => {
    expect(formatRigConfig({ UA: 9.5, _sensors: { offsetsK: { hot: -0.5 } } })).toBe(
      '{\n  "UA": 9.5,\n  "_sensors": {\n    "offsetsK": {\n      "hot": -0.5\n    }\n  }\n}\n',
    );
  });

  it("reads back what it writes", () => {
    const text = formatRigConfig(rigConfigFromCalibration(result(), "run.csv", 0.25));
    const rig = parseRigConfig(text, "rig.json");
    expect(rig.params).toEqual({ ...DEFAULT_LOOP_PARAMS, C_hot: 2498.123, UA: 9.997123, T_sink: 21.5 });
    expect(rig.offsetsK).toEqual({ hot: -0.3987654, cold: 0.3, amb: 0.25 });
    expect(rig.given).toEqual([...LOOP_PARAM_NAMES]);
  });
});

describe("parseRigConfig", () => {
  it("takes missing parameters from the defaults and missing offsets as 0", () => {
    expect(parseRigConfig("{}", "rig.json")).toEqual({
      params: DEFAULT_LOOP_PARAMS,
      offsetsK: { hot: 0, cold: 0, amb: 0 },
      given: [],
    });
    expect(parseRigConfig('{"_sensors": {}}', "rig.json").offsetsK).toEqual({ hot: 0, cold: 0, amb: 0 });
    expect(parseRigConfig('{"_sensors": {"offsetsK": {"amb": -1.5}}}', "rig.json").offsetsK).toEqual({
      hot: 0,
      cold: 0,
      amb: -1.5,
    });
  });

  it("lists the parameters given in the loop model's order", () => {
    expect(parseRigConfig('{"UA_fan_off_frac": 0.5, "cp": 4000, "C_hot": 100}', "r").given).toEqual([
      "C_hot",
      "cp",
      "UA_fan_off_frac",
    ]);
  });

  it("skips _ keys and model at the top level, and reads a model of loop", () => {
    const rig = parseRigConfig('{"model": "loop", "_note": "x", "_sensors": {}, "UA": 7}', "rig.json");
    expect(rig.params.UA).toBe(7);
    expect(rig.given).toEqual(["UA"]);
  });

  it("under params, reads only params: other top-level keys are comments, a _ key there is a parameter", () => {
    const rig = parseRigConfig('{"UAx": 1, "model": "loop", "params": {"UA": 8}}', "rig.json");
    expect(rig.params.UA).toBe(8);
    expect(rig.given).toEqual(["UA"]);
    expect(messageOf('{"params": {"_UA": 1}}')).toMatch(
      /^rig\.json: params\._UA: unknown parameter of the loop model \(known: C_hot, /,
    );
    expect(messageOf('{"params": {"model": "loop"}}')).toMatch(
      /^rig\.json: params\.model: unknown parameter of the loop model \(known: C_hot, /,
    );
  });

  it("takes a params that is not an object as a parameter of that name", () => {
    expect(messageOf('{"params": [1]}')).toMatch(
      /^rig\.json: params: unknown parameter of the loop model \(known: /,
    );
    expect(messageOf('{"params": null}')).toMatch(
      /^rig\.json: params: unknown parameter of the loop model \(known: /,
    );
  });

  it("names the file in one line for text that is not JSON, keeping the parser's error as the cause", () => {
    const e = inputFileErrorOf(() => parseRigConfig('{\n  "UA":\n\n   }', "rig.json"));
    expect(e.cause).toBeInstanceOf(SyntaxError);
    const parserMessage = (e.cause as SyntaxError).message;
    expect(e.message.startsWith("rig.json: not valid JSON: ")).toBe(true);
    // The parser's message with each run of white space made one space.
    const tail = e.message.slice("rig.json: not valid JSON: ".length);
    expect(tail).not.toMatch(/\s\s|[\n\r\t]/);
    expect(tail.split(" ")).toEqual(parserMessage.split(/\s+/));
    expect(e.line).toBeUndefined();
    expect(e.column).toBeUndefined();
  });

  it("refuses JSON that is not an object", () => {
    for (const text of ["[1]", "null", "3", '"UA"'])
      expect(messageOf(text), text).toBe("rig.json: a rig config must be a JSON object");
  });

  it("refuses a model other than loop, quoting it", () => {
    expect(messageOf('{"model": "seed"}')).toBe(
      'rig.json: model: a rig config is for the loop model (got "seed")',
    );
    expect(messageOf('{"model": null}')).toBe(
      "rig.json: model: a rig config is for the loop model (got null)",
    );
  });

  it("passes on the parameter's full message, the ConfigError as the cause", () => {
    const e = inputFileErrorOf(() => parseRigConfig('{"UA": "ten"}', "rig.json"));
    expect(e.message).toBe('rig.json: UA: must be a number (W/K) (got "ten")');
    expect((e.cause as Error).name).toBe("ConfigError");
    expect((e.cause as Error).message).toBe('UA: must be a number (W/K) (got "ten")');
    expect(messageOf('{"params": {"C_hot": -1}}')).toMatch(/^rig\.json: params\.C_hot: must not be negative/);
  });

  it("refuses _sensors or its offsetsK when not an object", () => {
    for (const s of ["1", "[]", "null", '"x"'])
      expect(messageOf(`{"_sensors": ${s}}`), s).toBe("rig.json: _sensors: must be an object");
    for (const s of ["1", "[]", "null", '"x"'])
      expect(messageOf(`{"_sensors": {"offsetsK": ${s}}}`), s).toBe(
        "rig.json: _sensors.offsetsK: must be an object",
      );
  });

  it("refuses an unknown channel or an offset that is not a finite number", () => {
    expect(messageOf('{"_sensors": {"offsetsK": {"hot": 1, "flow": 1}}}')).toBe(
      "rig.json: _sensors.offsetsK.flow: unknown channel (hot, cold, amb)",
    );
    expect(messageOf('{"_sensors": {"offsetsK": {"hot": "x"}}}')).toBe(
      'rig.json: _sensors.offsetsK.hot: must be a finite number in K (got "x")',
    );
    expect(messageOf('{"_sensors": {"offsetsK": {"cold": null}}}')).toBe(
      "rig.json: _sensors.offsetsK.cold: must be a finite number in K (got null)",
    );
    // 1e999 parses to Infinity (JSON.stringify shows it as null).
    expect(messageOf('{"_sensors": {"offsetsK": {"amb": 1e999}}}')).toBe(
      "rig.json: _sensors.offsetsK.amb: must be a finite number in K (got null)",
    );
  });
});
