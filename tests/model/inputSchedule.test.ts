import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  nextChangeAfterS,
  parseInputSchedule,
  parseInputSchedules,
  SEED_INPUT_CHANNELS,
  scheduleValueAt,
} from "../../src/model/inputSchedule.js";

const loop = (text: string) => parseInputSchedule(text, LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS);

describe("input schedules", () => {
  it("defaults are pump 200, heater 255, fan 255, t_amb 25 C", () => {
    expect(DEFAULT_LOOP_INPUTS).toEqual({ pump: 200, heater: 255, fan: 255, t_amb: 25 });
    const all = parseInputSchedules([], LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS);
    expect(scheduleValueAt(all.pump, 1e6)).toBe(200);
    expect(scheduleValueAt(all.t_amb, 0)).toBe(25);
  });

  it("is piecewise constant from each time on, with the default before the first time", () => {
    const s = loop("pump=60:100,120:0,180:255");
    expect(scheduleValueAt(s, 0)).toBe(200);
    expect(scheduleValueAt(s, 59.999)).toBe(200);
    expect(scheduleValueAt(s, 60)).toBe(100);
    expect(scheduleValueAt(s, 150)).toBe(0);
    expect(scheduleValueAt(s, 180)).toBe(255);
    expect(nextChangeAfterS(s, 0)).toBe(60);
    expect(nextChangeAfterS(s, 60)).toBe(120);
    expect(nextChangeAfterS(s, 180)).toBe(Number.POSITIVE_INFINITY);
  });

  it("accepts t_amb in C and the seed model's heat flows", () => {
    expect(scheduleValueAt(loop("t_amb=0:18.5,3600:-4"), 4000)).toBe(-4);
    const seed = parseInputSchedules(["q_in=0:500,10:0"], SEED_INPUT_CHANNELS, { q_in: 1000, q_out: 1000 });
    expect(scheduleValueAt(seed.q_in, 5)).toBe(500);
    expect(scheduleValueAt(seed.q_out, 5)).toBe(1000);
  });

  it.each([
    ["pump", "--input", /CHANNEL=T:V/],
    ["bogus=0:1", "--input channel", /unknown input channel/],
    ["pump=", "--input pump", /no T:V points/],
    ["pump=0", "--input pump", /expected T:V/],
    ["pump=x:10", "--input pump", /time must be/],
    ["pump=-1:10", "--input pump", /time must be/],
    ["pump=0:abc", "--input pump", /value must be a finite number/],
    ["pump=0:300", "--input pump", /duty must be a whole number 0-255/],
    ["fan=0:12.5", "--input fan", /whole number/],
    ["heater=10:100,5:50", "--input heater", /times must increase/],
    ["heater=10:100,10:50", "--input heater", /times must increase/],
    ["t_amb=0:-300", "--input t_amb", /absolute zero/],
    ["q_in=0:10", "--input channel", /unknown input channel for this model/],
  ])("rejects %s naming the argument", (text, field, problem) => {
    let caught: unknown;
    try {
      loop(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
    expect((caught as ConfigError).message).toMatch(problem);
  });

  it("rejects a channel given twice", () => {
    expect(() =>
      parseInputSchedules(["pump=0:1", "pump=5:2"], LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS),
    ).toThrow(/--input pump: channel given twice/);
  });

  it("reads back any increasing schedule it parses (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 20, maxLength: 20 }),
        (timesRaw, duties) => {
          const times = [...timesRaw].sort((a, b) => a - b);
          const text = `fan=${times.map((t, i) => `${t / 10}:${duties[i]}`).join(",")}`;
          const s = loop(text);
          times.forEach((t, i) => {
            expect(scheduleValueAt(s, t / 10)).toBe(duties[i]);
          });
        },
      ),
    );
  });
});
