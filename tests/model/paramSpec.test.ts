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
import {
  ABSOLUTE_ZERO_C,
  buildParams,
  checkParam,
  defaultParams,
  describeParams,
  type ParamSpec,
  validateParams,
} from "../../src/model/paramSpec.js";
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

describe("loop parameters: exact messages (issue 19)", () => {
  const KNOWN =
    "C_hot, C_cold, UA, UA_loss, T_sink, T_amb, cp, m_dot_max, Q_heater_max, T_hot0, T_cold0, " +
    "pump_stall_duty, pump_min_frac, pump_exponent, UA_fan_off_frac";

  it.each([
    [{ UAx: 3 }, `UAx: unknown parameter of the loop model (known: ${KNOWN}) (got 3)`],
    [{ UA: Number.NaN }, "UA: must be a finite number (got NaN)"],
    [{ cp: "4186" }, `cp: must be a number (J/(kg K)) (got "4186")`],
    [{ m_dot_max: null }, "m_dot_max: missing (got null)"],
    [{ UA_loss: -0.1 }, "UA_loss: must not be negative; must be >= 0 W/K (got -0.1)"],
    [{ C_cold: 0 }, "C_cold: must be > 0 J/K (got 0)"],
    [{ T_sink: -300 }, "T_sink: must be above absolute zero (-273.15 C) (got -300)"],
    [{ T_hot0: -273.15 }, "T_hot0: must be above absolute zero (-273.15 C) (got -273.15)"],
    [{ UA_fan_off_frac: 1.5 }, "UA_fan_off_frac: must be >= 0 and <= 1 (got 1.5)"],
    [{ pump_min_frac: -0.5 }, "pump_min_frac: must not be negative; must be >= 0 and <= 1 (got -0.5)"],
    [{ pump_stall_duty: 255 }, "pump_stall_duty: must be >= 0 duty and <= 254 (got 255)"],
    [{ pump_exponent: 0 }, "pump_exponent: must be > 0 (got 0)"],
  ])("makeLoopParams(%o) without a prefix says the whole message", (overrides, message) => {
    expect(rejection(() => makeLoopParams(overrides)).message).toBe(message);
  });

  it("validateLoopParams names a missing or unknown parameter, with or without a prefix", () => {
    const { T_amb: _t, ...rest } = DEFAULT_LOOP_PARAMS;
    expect(rejection(() => validateLoopParams(rest)).message).toBe("T_amb: missing");
    expect(rejection(() => validateLoopParams({ ...DEFAULT_LOOP_PARAMS, x: 1 }, "rig.json: ")).message).toBe(
      `rig.json: x: unknown parameter of the loop model (known: ${KNOWN}) (got 1)`,
    );
    expect(rejection(() => validateLoopParams({ ...DEFAULT_LOOP_PARAMS, UA: -1 })).message).toBe(
      "UA: must not be negative; must be >= 0 W/K (got -1)",
    );
  });
});

describe("parameter specs (paramSpec.ts) on a hand-written spec list", () => {
  const SPECS: readonly ParamSpec<"temp" | "duty" | "gain" | "k">[] = [
    {
      name: "temp",
      unit: "C",
      default: 20,
      min: ABSOLUTE_ZERO_C,
      minExclusive: true,
      max: 100,
      doc: "a temperature",
    },
    { name: "duty", unit: "duty", default: 7, min: 0, max: 255, integer: true, doc: "a duty" },
    { name: "gain", unit: "1", default: 0.5, min: -10, max: Number.POSITIVE_INFINITY, doc: "a gain" },
    { name: "k", unit: "W/K", default: 1e-3, min: 0, minExclusive: true, doc: "a conductance" },
  ];

  it("starts from the defaults and names the model it was given, or 'the model'", () => {
    expect(defaultParams(SPECS)).toEqual({ temp: 20, duty: 7, gain: 0.5, k: 1e-3 });
    expect(Object.isFrozen(defaultParams(SPECS))).toBe(true);
    expect(buildParams(SPECS, { duty: 255, gain: -10 })).toEqual({ temp: 20, duty: 255, gain: -10, k: 1e-3 });
    expect(rejection(() => buildParams(SPECS, { q: 1 })).message).toBe(
      "q: unknown parameter of the model (known: temp, duty, gain, k) (got 1)",
    );
    expect(rejection(() => validateParams(SPECS, { temp: 1, duty: 1, gain: 1, k: 1, q: 2 })).message).toBe(
      "q: unknown parameter of the model (known: temp, duty, gain, k) (got 2)",
    );
    expect(rejection(() => buildParams(SPECS, { q: 1 }, "p.", "the pump")).message).toBe(
      "p.q: unknown parameter of the pump (known: temp, duty, gain, k) (got 1)",
    );
    expect(rejection(() => validateParams(SPECS, { temp: 1, duty: 1, k: 1 }, "p.")).message).toBe(
      "p.gain: missing",
    );
  });

  it.each([
    ["temp", undefined, "temp: missing"],
    ["temp", 100.5, "temp: must be above absolute zero (-273.15 C) and <= 100 (got 100.5)"],
    ["temp", -273.15, "temp: must be above absolute zero (-273.15 C) and <= 100 (got -273.15)"],
    ["duty", 7.5, "duty: must be a whole number (got 7.5)"],
    ["duty", -1, "duty: must not be negative; must be >= 0 duty and <= 255 (got -1)"],
    ["duty", 256, "duty: must be >= 0 duty and <= 255 (got 256)"],
    ["duty", true, "duty: must be a number (duty) (got true)"],
    ["gain", -10.5, "gain: must be >= -10 (got -10.5)"],
    ["gain", Number.POSITIVE_INFINITY, "gain: must be a finite number (got Infinity)"],
    ["k", 0, "k: must be > 0 W/K (got 0)"],
    ["k", -0, "k: must be > 0 W/K (got 0)"],
    ["k", -2, "k: must not be negative; must be > 0 W/K (got -2)"],
  ])("checkParam(%s, %s) says %j", (name, value, message) => {
    const spec = SPECS.find((s) => s.name === name) as ParamSpec;
    expect(rejection(() => checkParam(spec, value)).message).toBe(message);
    expect(rejection(() => checkParam(spec, value, "x.")).field).toBe(`x.${name}`);
  });

  it("accepts each range's ends when they are inclusive", () => {
    const [temp, duty, gain, k] = SPECS as [ParamSpec, ParamSpec, ParamSpec, ParamSpec];
    expect(checkParam(temp, 100)).toBe(100);
    expect(checkParam(temp, -273.14)).toBe(-273.14);
    expect(checkParam(duty, 0)).toBe(0);
    expect(checkParam(duty, 255)).toBe(255);
    expect(checkParam(gain, -10)).toBe(-10);
    expect(checkParam(gain, 1e300)).toBe(1e300);
    expect(checkParam(k, Number.MIN_VALUE)).toBe(Number.MIN_VALUE);
  });

  it("writes one help line per parameter: name padded to the longest, [unit] to 9, default to 8, doc", () => {
    expect(describeParams(SPECS)).toBe(
      [
        "  temp  [C]             20  a temperature",
        "  duty  [duty]           7  a duty",
        "  gain  [1]            0.5  a gain",
        "  k     [W/K]        0.001  a conductance",
      ].join("\n"),
    );
  });
});
