import { describe, expect, it } from "vitest";
import {
  classifyFlowMove,
  classifyMove,
  classifyParameter,
  DIAGNOSES,
  type Diagnosis,
  expectedDiagnosis,
  FLOW_MOVES,
  isolate,
  matchSignature,
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
