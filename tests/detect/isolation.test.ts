import { describe, expect, it } from "vitest";
import {
  classifyFlowMove,
  classifyMove,
  classifyParameter,
  DIAGNOSES,
  DIAGNOSIS_TEXT,
  type Diagnosis,
  expectedDiagnosis,
  FLOW_MOVES,
  isolate,
  matchSignature,
  REFINEMENTS,
  RESIDUAL_MOVES,
  type ResidualMoves,
  ratioText,
  SIGNATURES,
} from "../../src/detect/diagnosis/isolation.js";
import { FAULT_KINDS, SENSOR_CHANNELS } from "../../src/model/faultSpec.js";
import { FAULT_DIAGNOSES, faultDiagnosis } from "./faultDiagnoses.js";

function* allMoves(): Generator<ResidualMoves> {
  for (const tHot of RESIDUAL_MOVES)
    for (const tCold of RESIDUAL_MOVES)
      for (const deltaT of RESIDUAL_MOVES) for (const flow of FLOW_MOVES) yield { tHot, tCold, deltaT, flow };
}

const m = (tHot: string, tCold: string, deltaT: string, flow: string) =>
  ({ tHot, tCold, deltaT, flow }) as ResidualMoves;

describe("fault isolation table", () => {
  it("rows are disjoint: every combination of moves matches at most one row", () => {
    let combos = 0;
    for (const moves of allMoves()) {
      combos++;
      const rows = SIGNATURES.filter(
        (s) =>
          s.tHot.includes(moves.tHot) &&
          s.tCold.includes(moves.tCold) &&
          s.deltaT.includes(moves.deltaT) &&
          s.flow.includes(moves.flow),
      );
      expect(rows.length, JSON.stringify(moves)).toBeLessThanOrEqual(1);
      expect(isolate({ moves }).diagnosis).toBe(rows[0]?.diagnosis ?? "unknown");
    }
    expect(combos).toBe(4 * 4 * 4 * 5);
  });

  it("every row is reachable and every diagnosis except link_fault, flow_undecided, t_amb_sensor and unknown has a row", () => {
    // flow_undecided is a state in time (the temperatures have not had time to react), which a
    // steady-state signature cannot express: the monitor's flow diagnosis gives it. The ambient
    // probe moves no residual: its own checks give t_amb_sensor (ambientProbeChecks.ts).
    const covered = new Set<Diagnosis>(SIGNATURES.map((s) => s.diagnosis));
    const without: readonly Diagnosis[] = ["link_fault", "unknown", "flow_undecided", "t_amb_sensor"];
    for (const d of DIAGNOSES) expect(covered.has(d)).toBe(!without.includes(d));
    for (const s of SIGNATURES) {
      const moves = m(s.tHot[0]!, s.tCold[0]!, s.deltaT[0]!, s.flow[0]!);
      expect(matchSignature(moves)?.id).toBe(s.id);
    }
  });

  // The loop model's signatures (docs/design.md 2.2), one by one.
  const physics: readonly [string, ResidualMoves, Diagnosis][] = [
    ["weak pump: ΔT up, T_cold unchanged, flow down", m("up", "none", "up", "down"), "pump_degradation"],
    ["weak pump in transient: T_cold dips", m("up", "down", "up", "down"), "pump_degradation"],
    ["weak pump before T_hot leaves its band", m("none", "none", "up", "down"), "pump_degradation"],
    ["pump failure: no flow, T_hot up, T_cold falling", m("up", "down", "up", "stopped"), "pump_failure"],
    ["fouling: both up together, ΔT and flow normal", m("up", "up", "none", "none"), "hx_fouling"],
    ["heater over-power: ΔT up with flow normal", m("up", "up", "up", "none"), "heater_fault"],
    ["heater under-power", m("down", "down", "down", "none"), "heater_fault"],
    ["heater step, ΔT first", m("none", "none", "up", "none"), "heater_fault"],
    ["T_hot bias", m("up", "none", "up", "none"), "t_hot_sensor"],
    ["T_hot negative bias", m("down", "none", "down", "none"), "t_hot_sensor"],
    ["T_hot noise", m("erratic", "none", "erratic", "none"), "t_hot_sensor"],
    ["T_cold bias", m("none", "up", "down", "none"), "t_cold_sensor"],
    ["T_cold stuck (reads low as the loop warms)", m("none", "down", "up", "none"), "t_cold_sensor"],
    [
      "flow-meter blockage: reads low, temperatures consistent",
      m("none", "none", "none", "down"),
      "flow_sensor",
    ],
    ["flow meter reads zero, temperatures consistent", m("none", "none", "none", "stopped"), "flow_sensor"],
    ["both temperatures down, ΔT normal (sink colder)", m("down", "down", "none", "none"), "unknown"],
    ["flow up and ΔT down (pump stronger than its curve)", m("none", "none", "down", "up"), "unknown"],
    ["everything erratic", m("erratic", "erratic", "erratic", "erratic"), "unknown"],
  ];
  it.each(physics)("%s", (_name, moves, diagnosis) => {
    expect(isolate({ moves }).diagnosis).toBe(diagnosis);
  });
});

describe("refinement by parameter estimates", () => {
  it("classifies a parameter change with its uncertainty", () => {
    expect(classifyParameter({ ratio: 0.68, std: 0.04 })).toBe("down");
    expect(classifyParameter({ ratio: 0.85, std: 0.06 })).toBe("unknown"); // 15 % but < 3 σ
    expect(classifyParameter({ ratio: 1.3, std: 0.02 })).toBe("up");
    expect(classifyParameter({ ratio: 1.02, std: 0.01 })).toBe("unchanged");
    expect(classifyParameter({ ratio: 1.02, std: 0.2 })).toBe("unknown");
    expect(classifyParameter(undefined)).toBe("unknown");
    expect(classifyParameter({ ratio: Number.NaN, std: 0 })).toBe("unknown");
  });

  it("UA falling confirms fouling, and turns a heater pattern or an unknown into fouling", () => {
    const ua = { ratio: 0.7, std: 0.03 };
    expect(isolate({ moves: m("up", "up", "none", "none"), uaRatio: ua }).rule).toBe("ua_down");
    expect(isolate({ moves: m("up", "up", "up", "none"), uaRatio: ua }).diagnosis).toBe("hx_fouling");
    expect(isolate({ moves: m("none", "none", "none", "none"), uaRatio: ua }).diagnosis).toBe("hx_fouling");
    // Not a sensor fault, though: one sensor moving alone stays a sensor fault.
    expect(isolate({ moves: m("up", "none", "up", "none"), uaRatio: ua }).diagnosis).toBe("t_hot_sensor");
  });

  it("UA unchanged turns 'both up together' into a heater fault", () => {
    const r = isolate({ moves: m("up", "up", "none", "none"), uaRatio: { ratio: 1.01, std: 0.01 } });
    expect(r.diagnosis).toBe("heater_fault");
    expect(r.rule).toBe("ua_unchanged");
  });

  it("a falling pump coefficient explains an otherwise unknown pattern", () => {
    const r = isolate({
      moves: m("none", "none", "none", "none"),
      pumpFlowCoeffRatio: { ratio: 0.6, std: 0.05 },
    });
    expect(r.diagnosis).toBe("pump_degradation");
  });
});

describe("overrides and evidence", () => {
  it("evidence names what moved, by how much, and the parameter estimates", () => {
    const r = isolate({
      moves: m("up", "none", "up", "down"),
      residuals: { tHot: 2.31, tCold: -0.04, deltaT: 2.35, flow: -1.8 },
      flowRatio: 0.55,
      uaRatio: { ratio: 0.98, std: 0.04 },
      pumpFlowCoeffRatio: { ratio: 0.55, std: 0.03 },
    });
    expect(r.diagnosis).toBe("pump_degradation");
    expect(r.text).toBe("pump degradation");
    expect(r.severity).toBe("warning");
    expect(r.evidence).toEqual([
      "T_hot +2.31 K",
      "T_cold -0.04 K (consistent)",
      "T_hot - T_cold +2.35 K",
      "flow -1.80 L/min (-45 % vs pump curve)",
      "UA -2 % +/- 4 %",
      "pump flow coefficient -45 % +/- 3 %",
    ]);
    expect(`UA ${ratioText({ ratio: 0.68, std: 0.04 })}`).toBe("UA -32 % +/- 4 %");
    expect(isolate({ moves: m("up", "down", "up", "stopped") }).severity).toBe("critical");
  });

  it("classifies moves against bands, and a collapsed flow as stopped", () => {
    expect(classifyMove(0.3, 0.2)).toBe("up");
    expect(classifyMove(-0.3, 0.2)).toBe("down");
    expect(classifyMove(0.2, 0.2)).toBe("none");
    expect(classifyMove(Number.NaN, 0.2)).toBe("none");
    expect(classifyFlowMove(0.1, 3, 0.3)).toBe("stopped");
    expect(classifyFlowMove(1.5, 3, 0.3)).toBe("down");
    expect(classifyFlowMove(0, 0.2, 0.3)).toBe("none"); // the pump is meant to be (nearly) off
  });

  it("maps each of the 15 fault kinds, on each channel, to the diagnosis written down by hand", () => {
    expect(Object.keys(FAULT_DIAGNOSES).sort()).toEqual([...FAULT_KINDS].sort());
    expect(FAULT_KINDS).toHaveLength(15);
    let checked = 0;
    for (const kind of FAULT_KINDS) {
      const row = FAULT_DIAGNOSES[kind];
      for (const channel of SENSOR_CHANNELS) {
        expect(expectedDiagnosis(kind, channel), `${kind} ${channel}`).toBe(faultDiagnosis(kind, channel));
        checked++;
      }
      // Only a thermistor fault depends on the channel; without one it cannot be placed.
      expect(expectedDiagnosis(kind), kind).toBe(typeof row === "string" ? row : "unknown");
    }
    expect(checked).toBe(15 * 3);
  });
});

describe("the table's rows, texts and edges, written down by hand", () => {
  it("names each row and its diagnosis, with a reason", () => {
    expect(SIGNATURES.map((s) => [s.id, s.diagnosis])).toEqual([
      ["t_hot_alone", "t_hot_sensor"],
      ["t_cold_alone", "t_cold_sensor"],
      ["flow_alone", "flow_sensor"],
      ["weak_pump", "pump_degradation"],
      ["no_flow", "pump_failure"],
      ["both_up_together", "hx_fouling"],
      ["more_heat", "heater_fault"],
      ["less_heat", "heater_fault"],
      ["difference_alone", "heater_fault"],
    ]);
    expect(REFINEMENTS.map((r) => [r.id, r.parameter, r.trend, r.to])).toEqual([
      ["ua_down", "ua", "down", "hx_fouling"],
      ["ua_unchanged", "ua", "unchanged", "heater_fault"],
      ["pump_down", "pump", "down", "pump_degradation"],
    ]);
    for (const x of [...SIGNATURES, ...REFINEMENTS]) expect(x.reason.length, x.id).toBeGreaterThan(20);
  });

  it("words each diagnosis", () => {
    expect(DIAGNOSIS_TEXT).toEqual({
      pump_degradation: "pump degradation",
      pump_failure: "pump failure",
      hx_fouling: "HX fouling",
      t_hot_sensor: "T_hot sensor fault",
      t_cold_sensor: "T_cold sensor fault",
      t_amb_sensor: "ambient probe fault",
      flow_sensor: "flow sensor fault",
      flow_undecided: "flow fault: pump or flow meter, undecided",
      heater_fault: "heater fault",
      link_fault: "link fault",
      unknown: "unknown",
    });
  });

  // Every move each row accepts beyond the first (the first is checked above), by hand.
  it.each<[string, ResidualMoves, string]>([
    ["failed pump, T_hot still in its band", m("none", "down", "up", "stopped"), "no_flow"],
    ["failed pump, T_cold unchanged", m("up", "none", "up", "stopped"), "no_flow"],
    ["flow reads high alone", m("none", "none", "none", "up"), "flow_alone"],
    ["flow erratic alone", m("none", "none", "none", "erratic"), "flow_alone"],
    ["T_hot - T_cold down alone", m("none", "none", "down", "none"), "difference_alone"],
    ["T_hot erratic, difference unchanged", m("erratic", "none", "none", "none"), "t_hot_alone"],
    ["T_hot down alone", m("down", "none", "erratic", "none"), "t_hot_alone"],
    ["T_cold erratic alone", m("none", "erratic", "none", "none"), "t_cold_alone"],
    ["T_cold down alone", m("none", "down", "erratic", "none"), "t_cold_alone"],
    ["weak pump, T_hot in its band, T_cold dipping", m("none", "down", "up", "down"), "weak_pump"],
  ])("%s: row %s", (_name, moves, id) => {
    expect(matchSignature(moves)?.id).toBe(id);
    expect(isolate({ moves }).rule).toBe(id);
  });

  it("what matches no row is unknown by rule no_match; a falling pump coefficient by pump_down", () => {
    const none = m("down", "down", "none", "none");
    expect(isolate({ moves: none })).toEqual({
      diagnosis: "unknown",
      text: "unknown",
      evidence: ["T_hot down", "T_cold down", "T_hot - T_cold (consistent)", "flow (consistent)"],
      severity: "warning",
      rule: "no_match",
    });
    const pump = isolate({ moves: none, pumpFlowCoeffRatio: { ratio: 0.6, std: 0.05 } });
    expect([pump.diagnosis, pump.rule]).toEqual(["pump_degradation", "pump_down"]);
  });

  it("classifies a parameter on the edges of its thresholds", () => {
    // A zero std is a precise estimate, not a missing one.
    expect(classifyParameter({ ratio: 0.5, std: 0 })).toBe("down");
    expect(classifyParameter({ ratio: 1, std: 0 })).toBe("unchanged");
    expect(classifyParameter({ ratio: 1, std: -0.01 })).toBe("unknown");
    expect(classifyParameter({ ratio: Number.POSITIVE_INFINITY, std: 0 })).toBe("unknown");
    // |ratio - 1| exactly minChange (0.5, exact in binary) is within it.
    expect(classifyParameter({ ratio: 1.5, std: 0 }, 0.5)).toBe("unchanged");
    expect(classifyParameter({ ratio: 0.5, std: 0 }, 0.5)).toBe("unchanged");
    // Exactly `sigmas` standard deviations (4 x 0.125 = 0.5) is not beyond them.
    expect(classifyParameter({ ratio: 1.5, std: 0.125 }, 0.1, 4)).toBe("unknown");
    expect(classifyParameter({ ratio: 1.5, std: 0.12 }, 0.1, 4)).toBe("up");
    // "Unchanged" needs sigmas x std below minChange: 2 x 0.25 = 0.5 is not.
    expect(classifyParameter({ ratio: 1, std: 0.25 }, 0.5, 2)).toBe("unknown");
    expect(classifyParameter({ ratio: 1, std: 0.24 }, 0.5, 2)).toBe("unchanged");
  });

  it("refuses a parameter threshold that is negative or not finite, by name, in classifyParameter and isolate", () => {
    const p = { ratio: 0.99, std: 0.1 };
    expect(() => classifyParameter(p, -0.1, 3)).toThrow("minParameterChange: must be >= 0 (got -0.1)");
    expect(() => classifyParameter(p, 0.1, -1)).toThrow("parameterSigmas: must be >= 0 (got -1)");
    expect(() => classifyParameter(p, Number.NaN, 3)).toThrow(
      "minParameterChange: must be a finite number (got NaN)",
    );
    expect(() => classifyParameter(p, 0.1, Number.POSITIVE_INFINITY)).toThrow(
      "parameterSigmas: must be a finite number (got Infinity)",
    );
    // Zero is a threshold: any change beyond it counts.
    expect(classifyParameter(p, 0, 0)).toBe("down");
    expect(() =>
      isolate({ moves: m("up", "up", "none", "none"), uaRatio: p }, { minParameterChange: -1 }),
    ).toThrow("minParameterChange: must be >= 0 (got -1)");
  });

  it("isolate passes its parameter options on", () => {
    const moves = m("up", "up", "none", "none");
    const ua = { ratio: 0.7, std: 0.03 };
    // By default UA -30 % is a fall (ua_down).
    expect(isolate({ moves, uaRatio: ua }).rule).toBe("ua_down");
    // With a 50 % least change it is within it and precise: unchanged, so the heater.
    expect(isolate({ moves, uaRatio: ua }, { minParameterChange: 0.5 }).rule).toBe("ua_unchanged");
    // With 20 sigmas (0.6) it is neither: the table's answer stands.
    expect(isolate({ moves, uaRatio: ua }, { parameterSigmas: 20 }).rule).toBe("both_up_together");
  });

  it("classifies moves on the band's edges, below as above", () => {
    expect(classifyMove(-0.2, 0.2)).toBe("none");
    expect(classifyMove(-0.25, 0.2)).toBe("down");
    expect(classifyMove(0.1, 0.2)).toBe("none");
    expect(classifyMove(-0.1, 0.2)).toBe("none");
    // The pump meant to deliver exactly the band is not "meant to run".
    expect(classifyFlowMove(0, 0.3, 0.3)).toBe("none");
    expect(classifyFlowMove(0, 0.31, 0.3)).toBe("stopped");
    // Exactly stoppedRatio of the expected flow (0.5 x 3 = 1.5) is not stopped.
    expect(classifyFlowMove(1.5, 3, 0.3, 0.5)).toBe("down");
    expect(classifyFlowMove(1.49, 3, 0.3, 0.5)).toBe("stopped");
    expect(classifyFlowMove(3.5, 3, 0.3)).toBe("up");
  });

  it("words each kind of move, with or without a value", () => {
    const r = isolate({
      moves: m("erratic", "up", "down", "stopped"),
      residuals: { tHot: 0.5, tCold: Number.NaN, flow: -2.5 },
      flowRatio: Number.NaN,
    });
    expect(r.evidence).toEqual([
      "T_hot erratic +0.50 K",
      "T_cold up",
      "T_hot - T_cold down",
      "flow stopped -2.50 L/min",
    ]);
    const q = isolate({
      moves: m("none", "erratic", "none", "erratic"),
      residuals: { tHot: Number.NaN, deltaT: 0.01 },
      flowRatio: 1.25,
    });
    expect(q.evidence).toEqual([
      "T_hot (consistent)",
      "T_cold erratic",
      "T_hot - T_cold +0.01 K (consistent)",
      "flow erratic (+25 % vs pump curve)",
    ]);
  });
});
