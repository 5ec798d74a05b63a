import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, showValue } from "../../src/core/errors.js";
import {
  DEFAULT_LOOP_PARAMS,
  LOOP_PARAM_NAMES,
  LOOP_PARAM_SPECS,
  makeLoopParams,
  validateLoopParams,
} from "../../src/model/loopParams.js";
import { describeParams } from "../../src/model/paramSpec.js";
import {
  DEFAULT_SEED_PARAMS,
  makeSeedParams,
  SEED_PARAM_NAMES,
  validateSeedParams,
} from "../../src/model/seedParams.js";

function rejection(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("loop parameters", () => {
  it("has exactly the docs/design.md 5 --set names plus the documented pump and fan names", () => {
    for (const name of [
      "C_hot",
      "C_cold",
      "UA",
      "UA_loss",
      "T_sink",
      "T_amb",
      "cp",
      "m_dot_max",
      "Q_heater_max",
      "T_hot0",
      "T_cold0",
    ]) {
      expect(LOOP_PARAM_NAMES).toContain(name);
    }
    expect(LOOP_PARAM_SPECS.map((s) => s.name)).toEqual([...LOOP_PARAM_NAMES]);
    const help = describeParams(LOOP_PARAM_SPECS);
    for (const name of LOOP_PARAM_NAMES) expect(help).toContain(name);
  });

  it("defaults describe the bench rig of docs/design.md 2.2", () => {
    const p = DEFAULT_LOOP_PARAMS;
    expect(p.Q_heater_max).toBe(150);
    expect(p.UA).toBe(10);
    expect(p.T_sink).toBe(25);
    expect(p.T_amb).toBe(25);
    expect(p.cp).toBe(4186);
    // 5 L/min of water at 25 C.
    expect(p.m_dot_max).toBeCloseTo((5 / 60_000) * 997.05, 4);
    // The cold side sits ~15 K above the sink with UA_loss = 0.
    expect(p.Q_heater_max / p.UA).toBe(15);
  });

  it("overrides defaults and freezes the result", () => {
    const p = makeLoopParams({ UA: 12.5, T_sink: -5 });
    expect(p.UA).toBe(12.5);
    expect(p.T_sink).toBe(-5);
    expect(p.C_hot).toBe(DEFAULT_LOOP_PARAMS.C_hot);
    expect(Object.isFrozen(p)).toBe(true);
  });

  it.each([
    ["unknown", { UAx: 3 }, "UAx", /unknown parameter of the loop model/],
    ["non-finite NaN", { UA: Number.NaN }, "UA", /finite/],
    ["non-finite Infinity", { C_hot: Number.POSITIVE_INFINITY }, "C_hot", /finite/],
    ["negative", { UA_loss: -0.1 }, "UA_loss", /must not be negative/],
    ["zero where > 0 is needed", { C_cold: 0 }, "C_cold", /> 0/],
    ["not a number", { cp: "4186" }, "cp", /must be a number/],
    ["null", { m_dot_max: null }, "m_dot_max", /missing/],
    ["below absolute zero", { T_sink: -300 }, "T_sink", /absolute zero/],
    ["fraction above 1", { UA_fan_off_frac: 1.5 }, "UA_fan_off_frac", /<= 1/],
    ["stall duty above 254", { pump_stall_duty: 255 }, "pump_stall_duty", /<= 254/],
  ])("rejects a %s parameter, naming it and the value", (_kind, overrides, name, problem) => {
    const e = rejection(() => makeLoopParams(overrides, "--set "));
    expect(e.field).toBe(`--set ${name}`);
    expect(e.message).toContain(`--set ${name}`);
    expect(e.message).toMatch(problem);
    expect(e.message).toContain(`(got ${showValue(Object.values(overrides)[0])})`);
  });

  it("rejects a missing parameter in a complete parameter object", () => {
    const { UA: _ua, ...rest } = DEFAULT_LOOP_PARAMS;
    const e = rejection(() => validateLoopParams(rest, "rig.json: "));
    expect(e.field).toBe("rig.json: UA");
    expect(e.message).toMatch(/missing/);
    expect(validateLoopParams({ ...DEFAULT_LOOP_PARAMS })).toEqual(DEFAULT_LOOP_PARAMS);
  });

  it("accepts any in-range value of every parameter (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOOP_PARAM_SPECS),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (spec, x) => {
          const lo = spec.min;
          const hi = spec.max ?? lo + 1e6;
          let v = lo + (Math.abs(x) % 1) * (hi - lo);
          if (spec.integer) v = Math.floor(v);
          if (spec.minExclusive && v === lo) v = lo + (hi - lo) / 2;
          expect(makeLoopParams({ [spec.name]: v })[spec.name]).toBe(v);
        },
      ),
    );
  });
});

describe("seed parameters", () => {
  it("are exactly C m_dot cp UA Q_in Q_out T_hot0 T_cold0 with the reference set as defaults", () => {
    expect([...SEED_PARAM_NAMES]).toEqual(["C", "m_dot", "cp", "UA", "Q_in", "Q_out", "T_hot0", "T_cold0"]);
    expect(DEFAULT_SEED_PARAMS).toEqual({
      C: 1000,
      m_dot: 0.1,
      cp: 4180,
      UA: 50,
      Q_in: 1000,
      Q_out: 1000,
      T_hot0: 76.85,
      T_cold0: 26.85,
    });
  });

  it.each([
    [{ C_hot: 1 }, "C_hot", /unknown parameter of the seed model/],
    [{ Q_out: -1 }, "Q_out", /must not be negative/],
    [{ m_dot: Number.NaN }, "m_dot", /finite/],
    [{ C: 0 }, "C", /> 0/],
  ])("rejects %o naming the parameter", (overrides, name, problem) => {
    const e = rejection(() => makeSeedParams(overrides));
    expect(e.field).toBe(name);
    expect(e.message).toMatch(problem);
  });

  it("rejects a missing parameter", () => {
    const { Q_in: _q, ...rest } = DEFAULT_SEED_PARAMS;
    expect(rejection(() => validateSeedParams(rest)).field).toBe("Q_in");
  });

  it("names the seed model for an unknown parameter in a complete parameter object", () => {
    const e = rejection(() => validateSeedParams({ ...DEFAULT_SEED_PARAMS, C_hot: 1 }, "seed.json: "));
    expect(e.message).toBe(
      "seed.json: C_hot: unknown parameter of the seed model (known: C, m_dot, cp, UA, Q_in, Q_out, T_hot0, T_cold0) (got 1)",
    );
  });
});
