/**
 * The monitor's per-family diagnosis (src/detect/diagnosis/monitorDiagnosis.ts) on hand-built
 * snapshots: every branch of the flow, thermistor, ambient and loop families, the edges of their
 * thresholds, and the evidence lines in full. Expected texts are written from the formats in the
 * source's comments and isolation.ts's signature table, worked by hand.
 */
import { describe, expect, it } from "vitest";
import {
  createDiagnosisSnapshot,
  createSensorEvidence,
  type DiagnosisBands,
  type DiagnosisSnapshot,
  diagnose,
  diagnoseAmbient,
  diagnoseFlow,
  diagnoseLoop,
  diagnoseSensor,
  MONITOR_CAUSES,
  pumpStopped,
  type SensorEvidence,
} from "../../src/detect/diagnosis/monitorDiagnosis.js";

const B: DiagnosisBands = {
  temperatureBandK: 0.3,
  deltaTBandK: 0.2,
  flowBandLpm: 0.5,
  pumpEvidenceNats: 10,
  stoppedRatio: 0.25,
  sensorNoiseK: 0.05,
  heatBandW: 7.5,
};

function snap(over: Partial<DiagnosisSnapshot>): DiagnosisSnapshot {
  return Object.assign(createDiagnosisSnapshot(), over);
}

function sensor(over: Partial<SensorEvidence>): SensorEvidence {
  return Object.assign(createSensorEvidence(), over);
}

/**
 * A stopped pump: the intended-flow twin's T_hot +0.5 K (up), T_cold -0.1 K (within 0.3 K),
 * T_hot - T_cold +0.6 K (up); the short-window flow 0.5 L/min of 4 expected (below 0.25 x 4 = 1):
 * stopped; the windowed flow 1 of 4 L/min (-75 % vs the curve); the ratio decided for the pump.
 */
const STOPPED: Partial<DiagnosisSnapshot> = {
  aHotK: 0.5,
  aColdK: -0.1,
  aDeltaK: 0.6,
  bHotK: 0.02,
  bColdK: -0.01,
  bDeltaK: 0.03,
  flowResLpm: -3.5,
  flowMeasLpm: 1,
  flowExpLpm: 4,
  shortMeasLpm: 0.5,
  shortExpLpm: 4,
  pumpLlr: 12.5,
  pumpDecision: 1,
  pump: { ratio: 0.25, std: 0.02 },
};

/** The same with the short-window flow at exactly 0.25 x 4 = 1 L/min: not stopped, flow down. */
const WEAK: Partial<DiagnosisSnapshot> = { ...STOPPED, shortMeasLpm: 1 };

const TWINS =
  "twin on intended flow: T_hot +0.50 K, T_cold -0.10 K; twin on measured flow: T_hot +0.02 K, T_cold -0.01 K";

describe("snapshots and the stopped-pump test", () => {
  it("starts empty: NaN where nothing is known, no decision, nominal ratios", () => {
    const e = {
      range: "ok",
      frozenS: 0,
      frozenValueC: Number.NaN,
      flatlineS: Number.POSITIVE_INFINITY,
      erraticScore: 0,
      noiseK: Number.NaN,
      rangeScore: 0,
      residualK: Number.NaN,
      aloneScore: 0,
    };
    expect(createSensorEvidence()).toEqual(e);
    const p = { ratio: 1, std: Number.NaN };
    const s = createDiagnosisSnapshot();
    expect(s).toEqual({
      tS: Number.NaN,
      aHotK: Number.NaN,
      aColdK: Number.NaN,
      aDeltaK: Number.NaN,
      bHotK: Number.NaN,
      bColdK: Number.NaN,
      bDeltaK: Number.NaN,
      aHeatW: Number.NaN,
      bHeatW: Number.NaN,
      flowResLpm: Number.NaN,
      flowMeasLpm: Number.NaN,
      flowExpLpm: Number.NaN,
      shortMeasLpm: Number.NaN,
      shortExpLpm: Number.NaN,
      pumpLlr: 0,
      pumpDecision: 0,
      flowUndecidedS: Number.NaN,
      flowDecisionS: Number.NaN,
      heaterW: Number.NaN,
      twinBFlowLpm: Number.NaN,
      ua: p,
      pump: p,
      heater: p,
      hot: e,
      cold: e,
      amb: e,
    });
    // Each ratio and each sensor is an object of its own (the monitor overwrites them in place).
    expect(new Set([s.ua, s.pump, s.heater]).size).toBe(3);
    expect(new Set([s.hot, s.cold, s.amb]).size).toBe(3);
    expect(MONITOR_CAUSES).toEqual(["flow", "t_hot", "t_cold", "loop", "t_amb"]);
  });

  it("a pump is stopped when it should deliver more than the band and the meter reads below stoppedRatio of it", () => {
    expect(pumpStopped(snap({ shortExpLpm: 4, shortMeasLpm: 0.99 }), B)).toBe(true);
    // Exactly 0.25 x 4 = 1 L/min is not below it.
    expect(pumpStopped(snap({ shortExpLpm: 4, shortMeasLpm: 1 }), B)).toBe(false);
    // Expected exactly the band (0.5 L/min): the pump is not meant to run.
    expect(pumpStopped(snap({ shortExpLpm: 0.5, shortMeasLpm: 0 }), B)).toBe(false);
    expect(pumpStopped(snap({ shortExpLpm: 0.51, shortMeasLpm: 0 }), B)).toBe(true);
    expect(pumpStopped(createDiagnosisSnapshot(), B)).toBe(false);
  });
});

describe("the flow family", () => {
  it("the ratio decided for the pump and the flow stopped: pump failure, critical, with every line of evidence", () => {
    expect(diagnoseFlow(snap(STOPPED), B)).toEqual({
      diagnosis: "pump_failure",
      text: "pump failure",
      severity: "critical",
      rule: "twin_on_measured_flow_stopped",
      evidence: [
        "T_hot +0.50 K",
        "T_cold -0.10 K (consistent)",
        "T_hot - T_cold +0.60 K",
        "flow stopped -3.50 L/min (-75 % vs pump curve)",
        "pump flow coefficient -75 % +/- 2 %",
        `temperatures vs flow: +12.5 nats for the measured flow (decides at +/-10); ${TWINS}`,
      ],
    });
  });

  it("decided for the pump, flowing below the curve: pump degradation; at or above it: unknown", () => {
    expect(diagnoseFlow(snap(WEAK), B)).toEqual({
      diagnosis: "pump_degradation",
      text: "pump degradation",
      severity: "warning",
      rule: "twin_on_measured_flow",
      evidence: [
        "T_hot +0.50 K",
        "T_cold -0.10 K (consistent)",
        "T_hot - T_cold +0.60 K",
        "flow -3.50 L/min (-75 % vs pump curve)",
        "pump flow coefficient -75 % +/- 2 %",
        `temperatures vs flow: +12.5 nats for the measured flow (decides at +/-10); ${TWINS}`,
      ],
    });
    const at = diagnoseFlow(snap({ ...WEAK, flowResLpm: 0 }), B);
    expect([at.diagnosis, at.rule, at.severity]).toEqual([
      "unknown",
      "twin_on_measured_flow_above_curve",
      "warning",
    ]);
  });

  it("decided for the meter: flow sensor fault", () => {
    const d = diagnoseFlow(snap({ ...STOPPED, pumpDecision: -1, pumpLlr: -12.5 }), B);
    expect([d.diagnosis, d.rule, d.severity]).toEqual(["flow_sensor", "twin_on_intended_flow", "warning"]);
    expect(d.evidence.at(-1)).toBe(
      `temperatures vs flow: -12.5 nats for the measured flow (decides at +/-10); ${TWINS}`,
    );
  });

  it("undecided, a pump row and the measured-flow twin within the band (exactly 0.2 K either way): the table's pump", () => {
    for (const bDeltaK of [0.2, -0.2]) {
      const d = diagnoseFlow(snap({ ...WEAK, pumpDecision: 0, bDeltaK }), B);
      expect([d.diagnosis, d.rule]).toEqual(["pump_degradation", "weak_pump"]);
    }
    const f = diagnoseFlow(snap({ ...STOPPED, pumpDecision: 0, bDeltaK: 0.2 }), B);
    expect([f.diagnosis, f.rule, f.severity]).toEqual(["pump_failure", "no_flow", "critical"]);
  });

  it("undecided, a pump row but the measured-flow twin off: waiting, with the time the loop model gives", () => {
    const d = diagnoseFlow(
      snap({
        ...WEAK,
        pumpDecision: 0,
        pumpLlr: 3.2,
        bDeltaK: 0.25,
        flowDecisionS: 3.2,
        twinBFlowLpm: 1.5,
        flowUndecidedS: 2.4,
      }),
      B,
    );
    expect(d).toEqual({
      diagnosis: "flow_undecided",
      text: "flow fault: pump or flow meter, undecided",
      severity: "warning",
      rule: "awaiting_temperatures",
      evidence: [
        "waiting for the temperatures: a real change of flow to 1.50 L/min shows in T_hot - T_cold within ~3.2 s (loop model); undecided for 2.4 s",
        "T_hot +0.50 K",
        "T_cold -0.10 K (consistent)",
        "T_hot - T_cold +0.60 K",
        "flow -3.50 L/min (-75 % vs pump curve)",
        "pump flow coefficient -75 % +/- 2 %",
        `temperatures vs flow: +3.2 nats for the measured flow (decides at +/-10); ${TWINS}`,
      ],
    });
  });

  it("undecided with the flow stopped: critical; the temperatures cannot tell without heat", () => {
    const base = { ...STOPPED, pumpDecision: 0, bDeltaK: 0.25, flowDecisionS: Number.POSITIVE_INFINITY };
    const d = diagnoseFlow(snap({ ...base, heaterW: 0 }), B);
    expect([d.diagnosis, d.rule, d.severity]).toEqual([
      "flow_undecided",
      "temperatures_cannot_tell",
      "critical",
    ]);
    expect(d.evidence[0]).toBe(
      "the temperatures cannot tell pump from flow meter: at 0 W heat input a real change of flow to n/a L/min would not move T_hot - T_cold beyond 0.2 K",
    );
    const e = diagnoseFlow(snap({ ...base, heaterW: 512.6, twinBFlowLpm: 0.125, flowUndecidedS: 7 }), B);
    expect(e.evidence[0]).toBe(
      "the temperatures cannot tell pump from flow meter: at 513 W heat input a real change of flow to 0.13 L/min would not move T_hot - T_cold beyond 0.2 K; undecided for 7.0 s",
    );
    const n = diagnoseFlow(snap({ ...base, heaterW: Number.NaN }), B);
    expect(n.evidence[0]).toBe(
      "the temperatures cannot tell pump from flow meter: at n/a W heat input a real change of flow to n/a L/min would not move T_hot - T_cold beyond 0.2 K",
    );
  });

  it("the meter row: flow sensor fault once the measured-flow twin is off; waiting while it fits", () => {
    // Temperatures within their bands, the flow down (not stopped): the table's flow_alone.
    const meter = {
      ...WEAK,
      aHotK: 0.1,
      aColdK: -0.1,
      aDeltaK: 0.1,
      pumpDecision: 0,
      twinBFlowLpm: 1.5,
      flowUndecidedS: 2.4,
    };
    const off = diagnoseFlow(snap({ ...meter, bDeltaK: -0.25 }), B);
    expect([off.diagnosis, off.rule, off.severity]).toEqual([
      "flow_sensor",
      "flow_alone_measured_twin_off",
      "warning",
    ]);
    const fits = diagnoseFlow(snap({ ...meter, bDeltaK: 0.2 }), B);
    expect([fits.diagnosis, fits.rule, fits.severity]).toEqual([
      "flow_undecided",
      "awaiting_temperatures",
      "warning",
    ]);
    // The decision time not computed (NaN): no number given.
    expect(fits.evidence[0]).toBe(
      "waiting for the temperatures: a real change of flow to 1.50 L/min takes seconds to show in T_hot - T_cold; undecided for 2.4 s",
    );
  });

  it("any other row is unknown, by the table's rule; no expected flow, no ratio", () => {
    const d = diagnoseFlow(
      snap({
        aHotK: 0.5,
        aColdK: 0.5,
        aDeltaK: 0,
        flowResLpm: 0,
        flowMeasLpm: 4,
        flowExpLpm: 0,
        shortMeasLpm: 4,
        shortExpLpm: 4,
        bDeltaK: 0,
        pump: { ratio: 1, std: 0.01 },
      }),
      B,
    );
    expect([d.diagnosis, d.rule]).toEqual(["unknown", "both_up_together"]);
    expect(d.evidence[3]).toBe("flow 0.00 L/min (consistent)");
    const neg = diagnoseFlow(snap({ ...WEAK, flowExpLpm: -2 }), B);
    expect(neg.evidence[3]).toBe("flow -3.50 L/min");
  });
});

describe("the thermistor families", () => {
  const residuals = { flowResLpm: 0.1 };

  it("out of range, frozen and erratic on T_hot: each a line, the rule of the first", () => {
    const s = snap({
      ...residuals,
      hot: sensor({
        range: "open",
        rangeScore: 1,
        frozenS: 12,
        flatlineS: 12,
        frozenValueC: 25.1,
        erraticScore: 1,
        noiseK: 0.4,
        residualK: 1.5,
      }),
      cold: sensor({ residualK: -0.2 }),
    });
    expect(diagnoseSensor("hot", s, B)).toEqual({
      diagnosis: "t_hot_sensor",
      text: "T_hot sensor fault",
      severity: "warning",
      rule: "sensor_range",
      evidence: [
        "T_hot thermistor reads open (rail high)",
        "T_hot reading unchanged at 25.10 C for 12.0 s (stuck)",
        "T_hot erratic: sample-to-sample noise 0.40 K rms (expected 0.05)",
        "T_hot +1.50 K vs twin, T_cold -0.20 K, flow +0.10 L/min",
      ],
    });
  });

  it("T_cold: a range score below 1 and a reading not yet frozen say nothing; erratic alone is the rule", () => {
    const s = snap({
      ...residuals,
      hot: sensor({ residualK: 1.5 }),
      cold: sensor({
        range: "short",
        rangeScore: 0.99,
        frozenS: 11.9,
        flatlineS: 12,
        frozenValueC: 20,
        erraticScore: 1,
        noiseK: 0.4,
        residualK: -0.2,
      }),
    });
    expect(diagnoseSensor("cold", s, B)).toEqual({
      diagnosis: "t_cold_sensor",
      text: "T_cold sensor fault",
      severity: "warning",
      rule: "erratic",
      evidence: [
        "T_cold erratic: sample-to-sample noise 0.40 K rms (expected 0.05)",
        "T_cold -0.20 K vs twin, T_hot +1.50 K, flow +0.10 L/min",
      ],
    });
  });

  it("short, missing, frozen before erratic, and nothing seen", () => {
    const short = diagnoseSensor(
      "cold",
      snap({ cold: sensor({ range: "short", rangeScore: 2, residualK: 0 }) }),
      B,
    );
    expect([short.rule, short.evidence[0]]).toEqual([
      "sensor_range",
      "T_cold thermistor reads short (rail low)",
    ]);
    const missing = diagnoseSensor("hot", snap({ hot: sensor({ range: "missing", rangeScore: 1 }) }), B);
    expect([missing.rule, missing.evidence[0]]).toEqual(["sensor_range", "T_hot reading missing"]);
    const frozen = diagnoseSensor(
      "hot",
      snap({
        hot: sensor({ frozenS: 30, flatlineS: 20, frozenValueC: 40, erraticScore: 3, noiseK: 0.1 }),
      }),
      B,
    );
    expect([frozen.rule, frozen.evidence.length]).toEqual(["frozen", 3]);
    // A range score without a bad range is no range fault.
    const none = diagnoseSensor(
      "hot",
      snap({ flowResLpm: -0.04, hot: sensor({ rangeScore: 5, erraticScore: 0.99 }) }),
      B,
    );
    expect(none.rule).toBe("alone");
    expect(none.evidence).toEqual(["T_hot n/a K vs twin, T_cold n/a K, flow -0.04 L/min"]);
  });

  it("the ambient probe: its own checks only", () => {
    const open = diagnoseAmbient(snap({ amb: sensor({ range: "open", rangeScore: 1 }) }), B);
    expect(open).toEqual({
      diagnosis: "t_amb_sensor",
      text: "ambient probe fault",
      severity: "warning",
      rule: "sensor_range",
      evidence: ["T_amb thermistor reads open (rail high)"],
    });
    const quiet = diagnoseAmbient(createDiagnosisSnapshot(), B);
    expect([quiet.rule, quiet.evidence]).toEqual(["alone", []]);
  });
});

describe("the loop family", () => {
  /**
   * The measured-flow twin (b): both temperatures up (0.5 and 0.4 K beyond 0.3), the difference
   * within 0.2 K, the flow normal; UA -32 % +/- 4 % (a fall beyond 3 sigma and 10 %). The
   * intended-flow twin (a) says otherwise, to show which twin is read.
   */
  const LOOP: Partial<DiagnosisSnapshot> = {
    aHotK: -0.5,
    aColdK: -0.4,
    aDeltaK: -0.1,
    aHeatW: -8,
    bHotK: 0.5,
    bColdK: 0.4,
    bDeltaK: 0.1,
    bHeatW: 8,
    flowResLpm: 0.1,
    shortMeasLpm: 4,
    shortExpLpm: 4,
    ua: { ratio: 0.68, std: 0.04 },
    pump: { ratio: 1, std: 0.01 },
    heater: { ratio: 1.1, std: 0.02 },
  };

  it("the hot node's balance beyond the band: the heater, with the twin b's evidence", () => {
    expect(diagnoseLoop(snap(LOOP), B)).toEqual({
      diagnosis: "heater_fault",
      text: "heater fault",
      severity: "warning",
      rule: "more_heat",
      evidence: [
        "T_hot +0.50 K",
        "T_cold +0.40 K",
        "T_hot - T_cold +0.10 K (consistent)",
        "flow +0.10 L/min (consistent)",
        "UA -32 % +/- 4 %",
        "pump flow coefficient 0 % +/- 1 %",
        "heat input +10 % +/- 2 %; hot-node balance +8.0 W vs twin (band 7.5 W)",
      ],
    });
  });

  it.each<[string, Partial<DiagnosisSnapshot>, string, string]>([
    ["exactly the band above", { bHeatW: 7.5 }, "heater_fault", "more_heat"],
    ["exactly the band below", { bHeatW: -7.5 }, "heater_fault", "less_heat"],
    ["within the band, both up", { bHeatW: -7.4 }, "hx_fouling", "both_up_together"],
    ["T_hot at 0, UA down", { bHeatW: 0, bHotK: 0 }, "hx_fouling", "ua_down"],
    ["T_cold at 0, UA down", { bHeatW: 0, bColdK: 0 }, "hx_fouling", "ua_down"],
    [
      "T_cold at 0, UA unchanged",
      { bHeatW: 0, bColdK: 0, ua: { ratio: 1, std: 0.01 } },
      "unknown",
      "no_match",
    ],
    ["decided for the meter: twin a, less heat", { pumpDecision: -1 }, "heater_fault", "less_heat"],
  ])("%s", (_name, over, diagnosis, rule) => {
    const d = diagnoseLoop(snap({ ...LOOP, ...over }), B);
    expect([d.diagnosis, d.rule]).toEqual([diagnosis, rule]);
  });

  it("decided for the meter, the evidence is twin a's", () => {
    const d = diagnoseLoop(snap({ ...LOOP, pumpDecision: -1 }), B);
    expect(d.evidence.slice(0, 3)).toEqual([
      "T_hot -0.50 K",
      "T_cold -0.40 K",
      "T_hot - T_cold -0.10 K (consistent)",
    ]);
    expect(d.evidence.at(-1)).toBe("heat input +10 % +/- 2 %; hot-node balance -8.0 W vs twin (band 7.5 W)");
  });
});

describe("diagnose", () => {
  it("sends each cause to its family", () => {
    const s = snap({
      ...STOPPED,
      bHeatW: 8,
      hot: sensor({ range: "open", rangeScore: 1 }),
      amb: sensor({ range: "short", rangeScore: 1 }),
    });
    expect(MONITOR_CAUSES.map((c) => [c, diagnose(c, s, B).diagnosis, diagnose(c, s, B).rule])).toEqual([
      ["flow", "pump_failure", "twin_on_measured_flow_stopped"],
      ["t_hot", "t_hot_sensor", "sensor_range"],
      ["t_cold", "t_cold_sensor", "alone"],
      ["loop", "heater_fault", "more_heat"],
      ["t_amb", "t_amb_sensor", "sensor_range"],
    ]);
  });
});
