import { beforeAll, describe, expect, it } from "vitest";
import { type CalibrationResult, calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, makeLoopParams } from "../../src/model/loopParams.js";
import { simulatedRun } from "./calibrationRun.js";

/** A rig unlike the defaults the fit starts from. */
const RIG = { C_hot: 3200, C_cold: 2400, UA: 12, UA_loss: 0.35, m_dot_max: 0.07, pump_stall_duty: 52 };
/** Thermistor biases of the emulated rig [K]; the calibrated offsets must undo them. */
const BIAS = { hot: 0.4, cold: -0.3 };

function fitted(result: CalibrationResult, name: string) {
  const f = result.fitted.find((p) => p.name === name);
  if (f === undefined) throw new Error(`${name} was not fitted`);
  return f;
}

function relativeErrors(result: CalibrationResult, truth: LoopParams, names: readonly string[]) {
  return Object.fromEntries(
    names.map((n) => [n, fitted(result, n).value / (truth as Record<string, number>)[n]! - 1]),
  );
}

describe("calibrateLoop on a simulated rig (default sensor noise, seeded)", () => {
  // 3 h at 1 Hz with pump, heater and fan steps and biased thermistors; the fit starts from the
  // default parameters, 20-40 % away from this rig's. Simulated and fitted in beforeAll, not in the
  // describe body: Stryker switches a mutant on only while the tests that cover it run (docs/mutation.md).
  let truth: LoopParams;
  let data: CalibrationData;
  let result: CalibrationResult;
  beforeAll(() => {
    ({ truth, data } = simulatedRun({
      params: RIG,
      faults: [`sensor_bias:channel=hot,value=${BIAS.hot}`, `sensor_bias:channel=cold,value=${BIAS.cold}`],
    }));
    result = calibrateLoop(data, { base: DEFAULT_LOOP_PARAMS });
  });

  it("recovers every loop parameter within 5 % and the offsets within 0.02 K", () => {
    expect(result.converged).toBe(true);
    const names = ["C_hot", "C_cold", "UA", "UA_loss", "m_dot_max", "pump_stall_duty"];
    const errors = relativeErrors(result, truth, names);
    for (const n of names) expect(Math.abs(errors[n]!), n).toBeLessThan(0.05);
    // Offsets are added to readings: they undo the biases.
    expect(result.offsetsK.hot).toBeCloseTo(-BIAS.hot, 1);
    expect(Math.abs(result.offsetsK.hot + BIAS.hot)).toBeLessThan(0.02);
    expect(Math.abs(result.offsetsK.cold + BIAS.cold)).toBeLessThan(0.02);
    // The config's parameter set carries the fitted values and the held ones.
    expect(result.params.C_hot).toBe(fitted(result, "C_hot").value);
    expect(result.params.Q_heater_max).toBe(DEFAULT_LOOP_PARAMS.Q_heater_max);
  });

  it("gives uncertainties the errors respect (within 4 standard deviations), and no warning", () => {
    for (const f of result.fitted) {
      const truthValue =
        f.name === "offset_hot_k"
          ? -BIAS.hot
          : f.name === "offset_cold_k"
            ? -BIAS.cold
            : (truth as Record<string, number>)[f.name]!;
      expect(Number.isFinite(f.std), f.name).toBe(true);
      expect(Math.abs(f.value - truthValue) / f.std, f.name).toBeLessThan(4);
    }
    expect(result.warnings).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it("fits to the noise: RMSE per channel about the sensor noise (0.05 K)", () => {
    const hot = result.channels.find((c) => c.channel === "t_hot")!;
    const cold = result.channels.find((c) => c.channel === "t_cold")!;
    const flow = result.channels.find((c) => c.channel === "flow")!;
    for (const c of [hot, cold]) {
      expect(c.rmse).toBeGreaterThan(0.04);
      expect(c.rmse).toBeLessThan(0.06);
      expect(c.rmse / c.noise).toBeLessThan(1.2);
      expect(c.count).toBe(data.tS.length);
    }
    expect(flow.used).toBe(true);
    // Whole pulses over a 2 s window: about 1/(7.5 * 2) / sqrt(3) L/min of quantisation.
    expect(flow.rmse).toBeLessThan(0.05);
  });
});

describe("calibrateLoop identifiability", () => {
  it("holds the stall duty and says why when the pump never changes", () => {
    const { truth, data } = simulatedRun({
      durationS: 7200,
      inputs: ["pump=0:200", "heater=0:255,1800:100,3600:200,5400:0", "fan=0:255,2700:0,4500:255"],
    });
    const result = calibrateLoop(data);
    expect(result.held).toContain("pump_stall_duty");
    expect(result.fitted.map((f) => f.name)).not.toContain("pump_stall_duty");
    const w = result.warnings.find((x) => x.kind === "not_excited");
    expect(w?.params).toEqual(["pump_stall_duty"]);
    expect(w?.message).toMatch(/pump runs at one duty only \(200\)/);
    // What the run does excite is still recovered.
    const errors = relativeErrors(result, truth, ["C_hot", "C_cold", "UA", "m_dot_max"]);
    for (const [n, e] of Object.entries(errors)) expect(Math.abs(e), n).toBeLessThan(0.05);
  });

  it("warns when T_sink and the offsets are fitted together (a common shift of every temperature)", () => {
    const { data } = simulatedRun({ durationS: 5400 });
    const result = calibrateLoop(data, {
      fit: ["C_hot", "C_cold", "UA", "UA_loss", "m_dot_max", "T_sink", "offset_hot_k", "offset_cold_k"],
    });
    const flagged = result.warnings.filter((w) => w.kind === "uncertain" || w.kind === "near_singular");
    const names = new Set(flagged.flatMap((w) => w.params));
    expect(names.has("offset_hot_k") || names.has("T_sink")).toBe(true);
    expect(fitted(result, "offset_hot_k").std).toBeGreaterThan(0.1);
  });

  it("names a null direction: a linear pump curve cannot fix stall duty and minimum fraction together", () => {
    const { data } = simulatedRun({ durationS: 5400 });
    const result = calibrateLoop(data, { fit: ["m_dot_max", "pump_stall_duty", "pump_min_frac"] });
    const w = result.warnings.find((x) => x.kind === "near_singular");
    expect(w?.params).toEqual(expect.arrayContaining(["pump_stall_duty", "pump_min_frac"]));
    expect(fitted(result, "pump_min_frac").std).toBe(Number.POSITIVE_INFINITY);
  });

  it("holds a parameter that has no effect on the run (fan always full: UA_fan_off_frac)", () => {
    const { data } = simulatedRun({
      durationS: 3600,
      inputs: ["pump=0:200,1200:100", "heater=0:255,1800:100", "fan=0:255"],
    });
    const result = calibrateLoop(data, { fit: ["UA", "UA_fan_off_frac"] });
    expect(result.held).toEqual(["UA_fan_off_frac"]);
    expect(result.warnings[0]?.kind).toBe("not_excited");
    expect(result.warnings[0]?.message).toBe(
      "the fan never changes (duty 255): UA_fan_off_frac is not excited (held at the configured value)",
    );
  });

  it("says 'duty none' when the fan holds no duty for 30 s in all (25 s at 255, 25 s at 0)", () => {
    const { data } = simulatedRun({
      durationS: 50,
      inputs: ["pump=0:200", "heater=0:255", "fan=0:255,25:0"],
    });
    const result = calibrateLoop(data, { fit: ["UA", "UA_fan_off_frac"] });
    expect(result.held).toEqual(["UA_fan_off_frac"]);
    expect(result.warnings[0]?.message).toBe(
      "the fan never changes (duty none): UA_fan_off_frac is not excited (held at the configured value)",
    );
  });

  it("holds Q_heater_max when the heater is never on, or when there are no flow readings", () => {
    const off = simulatedRun({ durationS: 600, inputs: ["pump=0:200", "heater=0:0", "fan=0:255"] });
    const dark = calibrateLoop(off.data, { fit: ["UA", "Q_heater_max"] });
    expect(dark.held).toEqual(["Q_heater_max"]);
    expect(dark.warnings.map((w) => w.message)).toContain(
      "the heater is never on: Q_heater_max is not excited (held at the configured value)",
    );
    // The heater on, then off: excited. Without the flow meter's readings it is still held.
    const { data } = simulatedRun({
      durationS: 600,
      inputs: ["pump=0:200", "heater=0:255,300:0", "fan=0:255"],
    });
    const noFlow = calibrateLoop(data, { fit: ["UA", "Q_heater_max"], useFlow: false });
    expect(noFlow.held).toEqual(["Q_heater_max"]);
    expect(noFlow.warnings.filter((w) => w.kind === "not_excited").map((w) => w.message)).toEqual([
      "no flow readings: without m_dot from the flow meter, Q_heater_max only scales every conductance and capacity (held at the configured value)",
    ]);
    // With them it is fitted.
    expect(calibrateLoop(data, { fit: ["UA", "Q_heater_max"] }).held).toEqual([]);
  });

  it("with the initial state taken from the first readings (no nuisance parameters) still within 5 %", () => {
    const { truth, data } = simulatedRun({ durationS: 7200, seed: 3 });
    const result = calibrateLoop(data, { initialState: "measured" });
    const errors = relativeErrors(result, truth, ["C_hot", "C_cold", "UA", "UA_loss", "m_dot_max"]);
    for (const [n, e] of Object.entries(errors)) expect(Math.abs(e), n).toBeLessThan(0.05);
    // The first readings are the initial state there, not data.
    expect(result.channels[0]!.count).toBe(data.tS.length - 1);
  });

  it("warns about a poor fit when a held parameter is wrong (the flow meter disagrees with m_dot_max)", () => {
    const { data } = simulatedRun({ durationS: 3600 });
    const result = calibrateLoop(data, {
      base: makeLoopParams({ m_dot_max: 0.05 }),
      fit: ["C_hot", "C_cold", "UA", "UA_loss", "offset_hot_k", "offset_cold_k"],
    });
    const poor = result.warnings.filter((w) => w.kind === "poor_fit").map((w) => w.message);
    expect(poor.some((m) => /^flow RMSE [\d.]+ L\/min is [\d.]+x its noise/.test(m))).toBe(true);
    // The same fit with the right held value does not warn.
    const good = calibrateLoop(data, {
      fit: ["C_hot", "C_cold", "UA", "UA_loss", "offset_hot_k", "offset_cold_k"],
    });
    expect(good.warnings.filter((w) => w.kind === "poor_fit")).toEqual([]);
  });

  it("warns when the ambient probe disagrees with T_sink (the offsets would absorb it)", () => {
    const { data } = simulatedRun({ durationS: 1800, params: { T_amb: 22 } });
    const result = calibrateLoop(data, { fit: ["UA", "offset_hot_k", "offset_cold_k"] });
    const w = result.warnings.find((x) => x.kind === "sink_vs_ambient");
    expect(w?.message).toMatch(/^the ambient probe reads 22\.\d\d C on average but T_sink is 25 C/);
  });

  it("bounds the stall duty by the pump levels the flow meter saw stopped and running", () => {
    // Duty 30 is below the stall (40): the meter reads 0 there; 60 and 200 run.
    const { truth, data } = simulatedRun({
      durationS: 3600,
      inputs: ["pump=0:200,900:30,1500:60,2400:200", "heater=0:255,1800:120", "fan=0:255"],
    });
    const result = calibrateLoop(data, { fit: ["m_dot_max", "pump_stall_duty", "UA", "C_hot", "C_cold"] });
    const stall = fitted(result, "pump_stall_duty").value;
    expect(stall).toBeGreaterThan(30);
    expect(stall).toBeLessThanOrEqual(60);
    expect(Math.abs(stall / truth.pump_stall_duty - 1)).toBeLessThan(0.05);
  });

  it("refuses a run too short to fit, naming its source", () => {
    const { data } = simulatedRun({ durationS: 5 });
    expect(() => calibrateLoop(data)).toThrow(/simulated: too few observations/);
  });
});
