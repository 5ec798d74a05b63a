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

describe("input schedules: exact messages and edges (issue 19)", () => {
  const seed = (text: string) =>
    parseInputSchedule(text, SEED_INPUT_CHANNELS, { q_in: 1000, q_out: 1000 }, "--seed-input");

  it.each([
    ["pump", `--input: expected CHANNEL=T:V[,T:V...] (got "pump")`],
    [
      "bogus=0:1",
      `--input channel: unknown input channel for this model (one of pump, heater, fan, t_amb) (got "bogus")`,
    ],
    // An '=' first: the channel is the empty text before it.
    [
      "=0:1",
      `--input channel: unknown input channel for this model (one of pump, heater, fan, t_amb) (got "")`,
    ],
    ["pump=", `--input pump: no T:V points after '=' (got "pump=")`],
    ["pump=  ", `--input pump: no T:V points after '=' (got "pump=  ")`],
    ["pump=0", `--input pump: expected T:V (time in s, value) (got "0")`],
    ["pump=x:10", `--input pump: time must be a finite number >= 0 s (got "x:10")`],
    ["pump=:10", `--input pump: time must be a finite number >= 0 s (got ":10")`],
    // A blank time is no time (Number(" ") would be 0).
    ["pump=5:1, :5", `--input pump: time must be a finite number >= 0 s (got " :5")`],
    ["pump=-1:10", `--input pump: time must be a finite number >= 0 s (got "-1:10")`],
    ["pump=Infinity:10", `--input pump: time must be a finite number >= 0 s (got "Infinity:10")`],
    ["pump=0:abc", `--input pump: value must be a finite number (got "0:abc")`],
    ["pump=0:", `--input pump: value must be a finite number (got "0:")`],
    ["pump=0: ,5:1", `--input pump: value must be a finite number (got "0: ")`],
    ["pump=0:300", `--input pump: a pump duty must be a whole number 0-255 (got "0:300")`],
    ["pump=0:256", `--input pump: a pump duty must be a whole number 0-255 (got "0:256")`],
    ["heater=0:-1", `--input heater: a heater duty must be a whole number 0-255 (got "0:-1")`],
    ["fan=0:12.5", `--input fan: a fan duty must be a whole number 0-255 (got "0:12.5")`],
    ["heater=10:100,5:50", `--input heater: times must increase (5 s after 10 s) (got "5:50")`],
    ["heater=10:100,10:50", `--input heater: times must increase (10 s after 10 s) (got "10:50")`],
    ["t_amb=0:-300", `--input t_amb: must be above absolute zero (-273.15 C) (got "0:-300")`],
    ["t_amb=0:-273.15", `--input t_amb: must be above absolute zero (-273.15 C) (got "0:-273.15")`],
  ])("refuses %j with the whole message", (text, message) => {
    let caught: unknown;
    try {
      loop(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
  });

  it("checks the seed model's heat flows and names the argument given", () => {
    expect(() => seed("q_out=0:-1")).toThrow(
      new ConfigError("--seed-input q_out", "0:-1", "heat flow must be >= 0 W"),
    );
    expect(() => seed("q_out=0:-1")).toThrow(`--seed-input q_out: heat flow must be >= 0 W (got "0:-1")`);
    expect(() => seed("pump=0:1")).toThrow(
      `--seed-input channel: unknown input channel for this model (one of q_in, q_out) (got "pump")`,
    );
    expect(scheduleValueAt(seed("q_in=0:0"), 1)).toBe(0);
  });

  it("wants a default for every channel it parses", () => {
    expect(() => parseInputSchedule("q_in=0:5", SEED_INPUT_CHANNELS, { q_out: 1 })).toThrow(
      new RangeError("parseInputSchedule: no default for channel q_in"),
    );
    expect(() => parseInputSchedule("q_in=0:5", SEED_INPUT_CHANNELS, { q_out: 1 })).toThrow(
      "parseInputSchedule: no default for channel q_in",
    );
  });

  it("accepts the ends of every range and trims blanks around the channel, times and values", () => {
    const s = loop(" pump = 0 : 0 , 7.5 : 255 ");
    expect(s.channel).toBe("pump");
    expect(s.initial).toBe(200);
    expect(Array.from(s.timesS)).toEqual([0, 7.5]);
    expect(Array.from(s.values)).toEqual([0, 255]);
    expect(scheduleValueAt(loop("t_amb=0:-273.14"), 0)).toBe(-273.14);
    expect(scheduleValueAt(loop("heater=1:0"), 1)).toBe(0);
    expect(scheduleValueAt(loop("fan=0:255"), 0)).toBe(255);
  });

  it("gives a channel not listed a constant schedule at its default, and a given one as parsed", () => {
    const all = parseInputSchedules(["fan=10:0"], LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS, "--in");
    expect(Object.keys(all).sort()).toEqual(["fan", "heater", "pump", "t_amb"]);
    expect(all.heater).toEqual({
      channel: "heater",
      initial: 255,
      timesS: new Float64Array(0),
      values: new Float64Array(0),
    });
    expect(all.fan.initial).toBe(255);
    expect(Array.from(all.fan.timesS)).toEqual([10]);
    expect(Array.from(all.fan.values)).toEqual([0]);
    expect(nextChangeAfterS(all.heater, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() =>
      parseInputSchedules(["fan=0:1", "fan=5:2"], LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS, "--in"),
    ).toThrow(`--in fan: channel given twice (got "fan=5:2")`);
  });

  it("finds the value in force at any time by its hand-written table", () => {
    // times 10, 20, 30, 40, 50 with values 1..5; 0 before 10 is the default pump duty 200.
    const s = loop("pump=10:1,20:2,30:3,40:4,50:5");
    const table: [number, number][] = [
      [0, 200],
      [9.99, 200],
      [10, 1],
      [19.99, 1],
      [20, 2],
      [29, 2],
      [30, 3],
      [39, 3],
      [40, 4],
      [49.9, 4],
      [50, 5],
      [1e9, 5],
    ];
    for (const [t, v] of table) expect(scheduleValueAt(s, t)).toBe(v);
    expect([0, 10, 15, 49.9, 50].map((t) => nextChangeAfterS(s, t))).toEqual([
      10,
      20,
      20,
      50,
      Number.POSITIVE_INFINITY,
    ]);
  });
});
