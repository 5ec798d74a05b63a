import { describe, expect, it } from "vitest";
import { parseRigConfig } from "../../src/model/calibration/rigConfigFile.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";

describe("parseRigConfig", () => {
  it("reads the flat shape calibrate writes: loop parameters, _sensors.offsetsK, comments", () => {
    const rig = parseRigConfig(
      JSON.stringify({
        UA: 9.5,
        C_hot: 2700,
        _sensors: { offsetsK: { hot: -0.4, cold: 0.3 } },
        _calibration: { anything: [1, 2] },
      }),
      "rig.json",
    );
    expect(rig.params.UA).toBe(9.5);
    expect(rig.params.C_hot).toBe(2700);
    expect(rig.params.C_cold).toBe(DEFAULT_LOOP_PARAMS.C_cold);
    expect(rig.offsetsK).toEqual({ hot: -0.4, cold: 0.3, amb: 0 });
    expect(rig.given).toEqual(["C_hot", "UA"]);
  });

  it("reads parameters under params, as hil run --config accepts them", () => {
    const rig = parseRigConfig(
      JSON.stringify({ comment: "one bench rig", params: { UA: 9.6, pump_stall_duty: 42 } }),
      "rig-example.json",
    );
    expect(rig.params.UA).toBe(9.6);
    expect(rig.params.pump_stall_duty).toBe(42);
    expect(rig.given).toEqual(["UA", "pump_stall_duty"]);
  });

  it("names the file and the field of every problem", () => {
    const cases: [string, RegExp][] = [
      ["{", /^rig\.json: not valid JSON/],
      ["[1]", /^rig\.json: a rig config must be a JSON object$/],
      ['{"UA": "ten"}', /^rig\.json: UA: must be a number/],
      ['{"UAx": 3}', /^rig\.json: UAx: unknown parameter of the loop model/],
      ['{"params": {"C_hot": -1}}', /^rig\.json: params\.C_hot: must not be negative/],
      ['{"model": "seed"}', /^rig\.json: model: a rig config is for the loop model \(got "seed"\)$/],
      [
        '{"_sensors": {"offsetsK": {"hot": "x"}}}',
        /^rig\.json: _sensors\.offsetsK\.hot: must be a finite number in K/,
      ],
      ['{"_sensors": {"offsetsK": {"flow": 1}}}', /^rig\.json: _sensors\.offsetsK\.flow: unknown channel/],
    ];
    for (const [text, expected] of cases)
      expect(() => parseRigConfig(text, "rig.json"), text).toThrow(expected);
  });
});
