/**
 * calibrateLoop's holds and warnings not pinned elsewhere (docs/design.md 2.2, calibration
 * identifiability): parameters with no effect on any reading, the fan held at two levels, the
 * sink-versus-ambient test at its 1 K edge and with missing ambient readings, a relative
 * uncertainty that is infinite, and the pair hint when T_sink is fitted but the pair is not
 * T_sink or an offset. Each test builds its own run inside the test (Stryker's per-test coverage;
 * docs/mutation.md).
 */
import { describe, expect, it } from "vitest";
import { calibrateLoop } from "../../src/model/calibration/calibrateLoop.js";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { simulatedRun } from "./calibrationRun.js";

/**
 * A minute of a loop at rest: heater off, both temperatures at 25 C, which is the default T_sink
 * and T_amb (no ambient probe), pump at 200 reading 3 L/min. Nothing moves heat, so no thermal
 * parameter changes any predicted reading.
 */
function atRest(): CalibrationData {
  const n = 60;
  return {
    source: "at rest",
    tS: Float64Array.from({ length: n }, (_v, k) => k),
    tHotC: new Float64Array(n).fill(25),
    tColdC: new Float64Array(n).fill(25),
    flowLpm: new Float64Array(n).fill(3),
    ambInputC: new Float64Array(n).fill(Number.NaN),
    segmentStart: Uint8Array.from({ length: n }, (_v, k) => (k === 0 ? 1 : 0)),
    changeTS: Float64Array.of(0),
    pump: Float64Array.of(200),
    heater: Float64Array.of(0),
    fan: Float64Array.of(255),
    sampleCount: n,
    gapCount: 0,
    breakGapS: 10,
  };
}

describe("calibrateLoop's hold of parameters with no effect", () => {
  it("names every such parameter in one warning, in the parameters' order", () => {
    const r = calibrateLoop(atRest(), { fit: ["UA_loss", "UA", "C_hot", "m_dot_max"] });
    expect(r.held).toEqual(["C_hot", "UA", "UA_loss"]);
    expect(r.fitted.map((f) => f.name)).toEqual(["m_dot_max"]);
    expect(r.warnings.filter((w) => w.kind === "not_excited")).toEqual([
      {
        kind: "not_excited",
        params: ["C_hot", "UA", "UA_loss"],
        message: "C_hot, UA, UA_loss: no effect on any reading in this run (held at the configured value)",
      },
    ]);
  });
});

describe("calibrateLoop's fan levels", () => {
  it("fits UA_fan_off_frac when the fan holds two duties for 30 s or more (255, then 0)", () => {
    const { data } = simulatedRun({
      durationS: 120,
      inputs: ["pump=0:200", "heater=0:255", "fan=0:255,60:0"],
    });
    const r = calibrateLoop(data, { fit: ["UA", "UA_fan_off_frac"], maxIterations: 5 });
    expect(r.held).toEqual([]);
    expect(r.fitted.map((f) => f.name)).toEqual(["UA", "UA_fan_off_frac"]);
    expect(r.warnings.filter((w) => w.kind === "not_excited")).toEqual([]);
  });
});

describe("calibrateLoop's sink-versus-ambient warning", () => {
  const STEADY = ["pump=0:200", "heater=0:255,60:100", "fan=0:255"];

  /** The run with its ambient input replaced: `value(k)` at observation k. */
  function withAmbient(data: CalibrationData, value: (k: number) => number): CalibrationData {
    return { ...data, ambInputC: Float64Array.from(data.ambInputC, (_v, k) => value(k)) };
  }

  it("warns beyond 1 K from T_sink (25 C), not at 1 K exactly", () => {
    const { data } = simulatedRun({ durationS: 120, inputs: STEADY });
    const edge = calibrateLoop(
      withAmbient(data, () => 24),
      { fit: ["UA", "offset_hot_k", "offset_cold_k"] },
    );
    expect(edge.warnings.filter((w) => w.kind === "sink_vs_ambient")).toEqual([]);
    const beyond = calibrateLoop(
      withAmbient(data, () => 23.75),
      { fit: ["UA", "offset_hot_k", "offset_cold_k"] },
    );
    expect(beyond.warnings.filter((w) => w.kind === "sink_vs_ambient").map((w) => w.message)).toEqual([
      "the ambient probe reads 23.75 C on average but T_sink is 25 C: the offsets absorb the difference; set T_sink to the radiator's air temperature (--set T_sink=...)",
    ]);
  });

  it("averages only the ambient readings there are (the first half missing, the rest at 22 C)", () => {
    const { data } = simulatedRun({ durationS: 120, inputs: STEADY });
    const r = calibrateLoop(
      withAmbient(data, (k) => (k < 60 ? Number.NaN : 22)),
      { fit: ["UA", "offset_hot_k", "offset_cold_k"] },
    );
    expect(r.warnings.filter((w) => w.kind === "sink_vs_ambient").map((w) => w.message)).toEqual([
      "the ambient probe reads 22.00 C on average but T_sink is 25 C: the offsets absorb the difference; set T_sink to the radiator's air temperature (--set T_sink=...)",
    ]);
  });
});

describe("calibrateLoop's uncertainty text for an unconstrained parameter", () => {
  it("prints an infinite relative uncertainty as 'inf'", () => {
    // Heater off and flow not used: nothing sets the energy scale (scaling every capacity,
    // conductance and m_dot cp by one factor leaves every temperature unchanged; the module
    // comment of calibrateLoop.ts), so J^T J is singular and the parameters of its null direction
    // get an infinite standard deviation.
    const { data } = simulatedRun({
      durationS: 600,
      inputs: ["pump=0:200", "heater=0:0", "fan=0:255"],
      params: { T_hot0: 40, T_cold0: 35 },
    });
    const r = calibrateLoop(data, { fit: ["C_hot", "C_cold", "UA", "UA_loss", "m_dot_max"], useFlow: false });
    const unconstrained = r.fitted.filter((f) => f.std === Number.POSITIVE_INFINITY).map((f) => f.name);
    expect(unconstrained.length).toBeGreaterThan(0);
    for (const name of unconstrained) {
      const w = r.warnings.find((x) => x.kind === "uncertain" && x.params[0] === name);
      expect(w?.message.startsWith(`${name} is poorly identified: +-inf % (limit 10 %); `), w?.message).toBe(
        true,
      );
    }
  });
});

describe("calibrateLoop's pair hints with T_sink fitted", () => {
  it("a pair of neither T_sink nor an offset gets its own hint (the pump's), not T_sink's", () => {
    const { data } = simulatedRun({
      durationS: 900,
      inputs: ["pump=0:200,300:100,600:200", "heater=0:255,450:100", "fan=0:255"],
    });
    const r = calibrateLoop(data, { fit: ["m_dot_max", "pump_stall_duty", "pump_min_frac", "T_sink"] });
    const ns = r.warnings.filter((w) => w.kind === "near_singular");
    expect(ns.map((w) => w.params)).toEqual([["pump_stall_duty", "pump_min_frac"]]);
    expect(
      ns[0]?.message.endsWith(
        "; run the pump at more duties above the stall, or hold pump_min_frac with --set",
      ),
      ns[0]?.message,
    ).toBe(true);
  });
});
