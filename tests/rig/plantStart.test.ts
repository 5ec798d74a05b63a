/**
 * `looptwin emulate --plant-start`: the option's parsing (one-line errors naming it, exit 2 from the
 * CLI) and the plant's start at the loop model's steady state, checked against hand-computed
 * closed forms (docs/design.md 2.2 with UA_loss = 0) and against the plant simulator's own
 * integration (started there it stays; started at ambient it ends there).
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { PlantSimulator } from "../../src/model/plantSimulator.js";
import { paramsStartingSteady, parsePlantStart } from "../../src/rig/emulator/plantStart.js";
import { runCli } from "../cli/runCli.js";

const FORM = "--plant-start: must be ambient or steady:pump=P,heater=H,fan=F (duties 0-255)";

describe("parsePlantStart", () => {
  it("reads the three duties in any order; ambient is the default start", () => {
    expect(parsePlantStart("steady:pump=200,heater=255,fan=255")).toEqual({
      pump: 200,
      heater: 255,
      fan: 255,
    });
    expect(parsePlantStart("steady:fan=0,pump=40,heater=150")).toEqual({ pump: 40, heater: 150, fan: 0 });
    expect(parsePlantStart("ambient")).toBeUndefined();
  });

  it.each([
    ["warm", `${FORM} (got "warm")`],
    ["steady", `${FORM} (got "steady")`],
    ["steady:", `${FORM}; '' is not one of them (got "steady:")`],
    ["steady:pump=200,heater=255", `${FORM}; fan missing (got "steady:pump=200,heater=255")`],
    ["steady:pump=200", `${FORM}; heater, fan missing (got "steady:pump=200")`],
    [
      "steady:pump=256,heater=0,fan=0",
      `${FORM}; pump=256 is not a duty 0-255 (got "steady:pump=256,heater=0,fan=0")`,
    ],
    [
      "steady:pump=-1,heater=0,fan=0",
      `${FORM}; pump=-1 is not a duty 0-255 (got "steady:pump=-1,heater=0,fan=0")`,
    ],
    [
      "steady:pump=1.5,heater=0,fan=0",
      `${FORM}; pump=1.5 is not a duty 0-255 (got "steady:pump=1.5,heater=0,fan=0")`,
    ],
    ["steady:pump=,heater=0,fan=0", `${FORM}; pump= is not a duty 0-255 (got "steady:pump=,heater=0,fan=0")`],
    [
      "steady:pump,heater=0,fan=0",
      `${FORM}; pump=pump is not a duty 0-255 (got "steady:pump,heater=0,fan=0")`,
    ],
    [
      "steady:pump=1,pump=2,heater=0,fan=0",
      `${FORM}; pump given twice (got "steady:pump=1,pump=2,heater=0,fan=0")`,
    ],
    [
      "steady:pump=1,heater=0,fan=0,valve=3",
      `${FORM}; 'valve=3' is not one of them (got "steady:pump=1,heater=0,fan=0,valve=3")`,
    ],
  ])("%s: one error naming the option and the value", (text, message) => {
    expect(() => parsePlantStart(text)).toThrow(ConfigError);
    expect(() => parsePlantStart(text)).toThrow(message);
  });
});

describe("paramsStartingSteady", () => {
  // Round numbers, no losses: m_dot at full pump 0.05 kg/s, so m_dot cp = 200 W/K.
  const lossless = makeLoopParams({
    m_dot_max: 0.05,
    cp: 4000,
    UA: 10,
    UA_fan_off_frac: 0.3,
    Q_heater_max: 150,
    UA_loss: 0,
    T_sink: 25,
    T_amb: 25,
  });

  it("full duties, no losses: T_cold = T_sink + Q/UA = 25 + 150/10, T_hot = T_cold + Q/(m_dot cp) = 40 + 150/200", () => {
    const p = paramsStartingSteady({ pump: 255, heater: 255, fan: 255 }, lossless);
    expect(p.T_cold0).toBeCloseTo(40, 10);
    expect(p.T_hot0).toBeCloseTo(40.75, 10);
    // Everything else is the given parameters.
    expect({ ...p, T_hot0: 0, T_cold0: 0 }).toEqual({ ...lossless, T_hot0: 0, T_cold0: 0 });
  });

  it("heater 102 (60 W), fan off (UA 0.3 x 10 = 3 W/K): T_cold = 25 + 60/3 = 45, T_hot = 45 + 60/200 = 45.3", () => {
    const p = paramsStartingSteady({ pump: 255, heater: 102, fan: 0 }, lossless);
    expect(p.T_cold0).toBeCloseTo(45, 10);
    expect(p.T_hot0).toBeCloseTo(45.3, 10);
  });

  it("pump stopped with no losses has no steady state: an error naming the option", () => {
    expect(() => paramsStartingSteady({ pump: 0, heater: 255, fan: 255 }, lossless)).toThrow(
      '--plant-start: no steady state: no flow and no losses, the hot node has no outlet (got "steady:pump=0,heater=255,fan=255")',
    );
  });

  it.each([
    [{ pump: 200, heater: 255, fan: 255 }],
    [{ pump: 200, heater: 150, fan: 255 }],
    [{ pump: 60, heater: 200, fan: 100 }],
  ])(
    "default parameters (with losses), %o: the plant started there stays there, and from ambient it ends there",
    (d) => {
      const p = paramsStartingSteady(d);
      expect(p.T_hot0).toBeGreaterThan(30);
      const warm = new PlantSimulator({ params: p, noiseKRms: 0 });
      warm.setInputs(d.pump, d.heater, d.fan, p.T_amb);
      warm.advanceTo(600);
      expect(Math.abs(warm.tHotC - p.T_hot0)).toBeLessThan(1e-6);
      expect(Math.abs(warm.tColdC - p.T_cold0)).toBeLessThan(1e-6);
      // From 25 C: the slowest time constant is ~530 s at the defaults (longer with the fan low),
      // so 40 000 s is dozens of them.
      const cold = new PlantSimulator({ params: DEFAULT_LOOP_PARAMS, noiseKRms: 0 });
      cold.setInputs(d.pump, d.heater, d.fan, DEFAULT_LOOP_PARAMS.T_amb);
      cold.advanceTo(40_000);
      expect(Math.abs(cold.tHotC - p.T_hot0)).toBeLessThan(1e-4);
      expect(Math.abs(cold.tColdC - p.T_cold0)).toBeLessThan(1e-4);
    },
  );
});

describe("looptwin emulate --plant-start", () => {
  it.each([["steady:pump=300,heater=0,fan=0"], ["hot"]])(
    "%s: one line on stderr naming the option, exit 2, before anything starts",
    async (value) => {
      const run = await runCli(["emulate", "--link", "/tmp/never-made", "--plant-start", value], "/");
      expect(run.code).toBe(2);
      expect(run.out).toBe("");
      expect(run.err.trim().split("\n")).toHaveLength(1);
      expect(run.err).toMatch(/--plant-start: must be ambient or steady:pump=P,heater=H,fan=F/);
      expect(run.err).toContain(`(got "${value}")`);
    },
  );
});
