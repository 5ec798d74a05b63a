/**
 * calibrateLoop's warnings in full: the hint each poorly identified or near-singular pair gets
 * (pairHint, one per branch), the not-converged warning, and the uncertainty text's numbers.
 * Each test simulates and fits its own short run (inside the test, so that Stryker's per-test
 * coverage sees the fit). Expected hints are the texts the design gives each pair
 * (docs/design.md 2.2, calibration identifiability); which pair a run trades off is a property of
 * the run chosen (e.g. a linear pump curve cannot separate stall duty and minimum fraction).
 */
import { describe, expect, it } from "vitest";
import { type CalibrationResult, calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import { simulatedRun } from "./calibrationRun.js";

const HINT = {
  sink: "T_sink and the thermistor offsets shift the temperatures alike: hold T_sink at the radiator's air temperature (--fix T_sink --set T_sink=...)",
  fan: "vary the fan duty (UA scales with the fan, UA_loss does not) or hold UA_loss with --set",
  pump: "run the pump at more duties above the stall, or hold pump_min_frac with --set",
  heater: "step the heater between two or more powers and let the loop settle at each",
  capacity: "step the heater and the pump, and hold each level for several minutes",
  other: "add steps of the actuators the two parameters depend on",
} as const;

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function warningsOf(r: CalibrationResult, kind: string) {
  return r.warnings.filter((w) => w.kind === kind);
}

/** The value of the relative uncertainty the message prints, from the result's own field. */
function relText(r: CalibrationResult, name: string): string {
  const f = r.fitted.find((x) => x.name === name);
  if (f === undefined) throw new Error(`${name} not fitted`);
  return (100 * f.relStd).toFixed(1);
}

/** Pump 200 -> 100 -> 200 over 15 min, heater stepped, fan constant. */
const PUMP_STEPS = ["pump=0:200,300:100,600:200", "heater=0:255,450:100", "fan=0:255"];

describe("calibrateLoop's pair hints", () => {
  it("a linear pump curve: near-singular stall duty and minimum fraction, with the pump hint", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { fit: ["m_dot_max", "pump_stall_duty", "pump_min_frac"] });
    const ns = warningsOf(r, "near_singular");
    expect(ns.map((w) => w.params)).toEqual([["pump_stall_duty", "pump_min_frac"]]);
    expect(ns[0]?.message).toMatch(
      new RegExp(
        `^J\\^T J is near-singular: this run cannot tell pump_stall_duty, pump_min_frac apart \\(condition ratio \\d\\.\\de[+-]\\d+\\); ${esc(HINT.pump)}$`,
      ),
    );
    // Their standard deviations are infinite: no partner is correlated beyond the limit, and the
    // hint falls through to the general one; the limit is absolute (duty, fraction).
    expect(warningsOf(r, "uncertain").map((w) => [w.params, w.message])).toEqual([
      [
        ["pump_stall_duty"],
        `pump_stall_duty is poorly identified: +-Infinity duty (limit 5 duty); ${HINT.other}`,
      ],
      [["pump_min_frac"], `pump_min_frac is poorly identified: +-Infinity 1 (limit 0.05 1); ${HINT.other}`],
    ]);
  });

  it("UA against UA_loss with the fan constant: the fan hint, and the relative uncertainty in %", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { fit: ["UA", "UA_loss"] });
    const u = warningsOf(r, "uncertain");
    expect(u.map((w) => w.params)).toEqual([["UA_loss", "UA"]]);
    // UA_loss's limit is 10 % (a relative limit of 0.1).
    expect(u[0]?.message).toMatch(
      new RegExp(
        `^UA_loss is poorly identified: \\+-${esc(relText(r, "UA_loss"))} % \\(limit 10 %\\); it trades off against UA \\(correlation -0\\.9\\d\\d\\): ${esc(HINT.fan)}$`,
      ),
    );
    // The printed percentage is 100 x relStd: above the 10 % limit, so at least "10.0".
    expect(Number(relText(r, "UA_loss"))).toBeGreaterThan(10);
  });

  it("T_sink fitted with the offsets: the T_sink hint on T_sink and on each offset", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { fit: ["UA", "T_sink", "offset_hot_k", "offset_cold_k"] });
    const u = warningsOf(r, "uncertain");
    expect(u.map((w) => w.params[0])).toEqual(["T_sink", "offset_hot_k", "offset_cold_k"]);
    for (const w of u) {
      expect(w.params).toHaveLength(2);
      expect(w.message.endsWith(`: ${HINT.sink}`), w.message).toBe(true);
    }
    expect(u[0]?.message).toMatch(
      new RegExp(
        `^T_sink is poorly identified: \\+-\\d+\\.\\d\\d C \\(limit 0\\.5 C\\); it trades off against offset_(hot|cold)_k \\(correlation 1\\.000\\): ${esc(HINT.sink)}$`,
      ),
    );
  });

  it("offsets without T_sink (20 s run): the heater hint, also for UA trading off against an offset", () => {
    const { data } = simulatedRun({ durationS: 20, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["UA", "offset_hot_k", "offset_cold_k"] });
    const u = warningsOf(r, "uncertain");
    expect(u.map((w) => w.params)).toEqual([
      ["UA", "offset_cold_k"],
      ["offset_hot_k", "offset_cold_k"],
      ["offset_cold_k", "offset_hot_k"],
    ]);
    for (const w of u) expect(w.message.endsWith(`): ${HINT.heater}`), w.message).toBe(true);
    expect(u[0]?.message).toMatch(
      new RegExp(
        `^UA is poorly identified: \\+-${esc(relText(r, "UA"))} % \\(limit 10 %\\); it trades off against offset_cold_k \\(correlation -0\\.9\\d\\d\\): ${esc(HINT.heater)}$`,
      ),
    );
    expect(u[1]?.message).toMatch(
      new RegExp(
        `^offset_hot_k is poorly identified: \\+-\\d\\.\\d\\d\\d K \\(limit 0\\.1 K\\); it trades off against offset_cold_k \\(correlation (0\\.99\\d|1\\.000)\\): ${esc(HINT.heater)}$`,
      ),
    );
  });

  it("a minute at constant inputs: UA uncertain beside the capacities gets the capacity hint", () => {
    const { data } = simulatedRun({ durationS: 60, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["C_hot", "C_cold", "UA"] });
    const u = warningsOf(r, "uncertain");
    expect(u.map((w) => w.params)).toEqual([["UA"]]);
    expect(u[0]?.message).toBe(
      `UA is poorly identified: +-${relText(r, "UA")} % (limit 10 %); ${HINT.capacity}`,
    );
  });
});

describe("calibrateLoop's not-converged warning", () => {
  it("names the reason, the iterations and every fitted parameter", () => {
    const { data } = simulatedRun({ durationS: 900, inputs: PUMP_STEPS });
    const r = calibrateLoop(data, { fit: ["UA"], maxIterations: 1 });
    expect(r.converged).toBe(false);
    expect(warningsOf(r, "not_converged")).toEqual([
      {
        kind: "not_converged",
        params: ["UA"],
        message:
          "the fit stopped without converging (max_iterations after 1 iterations): the estimates may be off",
      },
    ]);
  });
});

describe("calibrateLoop's T_sink hint without offsets", () => {
  it("UA trading off against a fitted T_sink (20 s run) gets the T_sink hint", () => {
    const { data } = simulatedRun({ durationS: 20, inputs: ["pump=0:200", "heater=0:255", "fan=0:255"] });
    const r = calibrateLoop(data, { fit: ["UA", "T_sink"] });
    const u = warningsOf(r, "uncertain");
    expect(u.map((w) => w.params)).toEqual([["UA", "T_sink"]]);
    expect(u[0]?.message).toMatch(
      new RegExp(
        `^UA is poorly identified: \\+-${esc(relText(r, "UA"))} % \\(limit 10 %\\); it trades off against T_sink \\(correlation 0\\.9\\d\\d\\): ${esc(HINT.sink)}$`,
      ),
    );
  });
});
