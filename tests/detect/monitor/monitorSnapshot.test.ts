/**
 * The diagnosis snapshot (src/detect/monitor/monitorSnapshot.ts) filled from stand-in monitor
 * parts with distinct values, the diagnosis itself (monitorDiagnosis.ts `diagnose`) and the
 * expected decision time (pumpMeterEvidence.ts `expectedDecisionS`) replaced by recorders (vi.mock),
 * so that each field is checked against the part it comes from. Expected values are worked by hand
 * from the documented conversions: heater power Q_heater_max * duty / 255, radiator conductance
 * UA (f0 + (1 - f0) fan / 255) (actuators.ts), L/min = kg/s / ρ * 60,000 (units.ts).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ResidualDetector } from "../../../src/detect/detectors/detector.js";
import type {
  DiagnosisBands,
  DiagnosisSnapshot,
  MonitorDiagnosis,
} from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import type { IsolationResiduals } from "../../../src/detect/monitor/isolationResiduals.js";
import {
  type ResolvedMonitorConfig,
  resolveMonitorConfig,
} from "../../../src/detect/monitor/monitorConfig.js";
import { type MonitorParts, MonitorSnapshot } from "../../../src/detect/monitor/monitorSnapshot.js";
import { createMonitorOutput } from "../../../src/detect/monitor/monitorTypes.js";

const rec = vi.hoisted(() => ({
  diagnose: [] as { cause: string; snap: unknown; bands: unknown; copy: string }[],
  decision: [] as unknown[][],
  result: { diagnosis: "unknown", rule: "stub", text: "stub", evidence: [] } as unknown,
}));

vi.mock("../../../src/detect/diagnosis/monitorDiagnosis.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../src/detect/diagnosis/monitorDiagnosis.js")>();
  return {
    ...real,
    diagnose(cause: string, snap: unknown, bands: unknown) {
      rec.diagnose.push({ cause, snap, bands, copy: JSON.stringify(snap) });
      return rec.result;
    },
  };
});

vi.mock("../../../src/detect/monitor/pumpMeterEvidence.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../src/detect/monitor/pumpMeterEvidence.js")>();
  return {
    ...real,
    expectedDecisionS(...args: unknown[]) {
      rec.decision.push(args);
      return 42.5;
    },
  };
});

beforeEach(() => {
  rec.diagnose.length = 0;
  rec.decision.length = 0;
});

/** ρ of units.ts: kg/s of a flow in L/min. */
const RHO = 997.05;
const kgS = (lpm: number): number => (lpm / 60_000) * RHO;

// Q_heater_max 255 W: the heater gives its duty in watts. UA 10 W/K with f0 = 0.2: fan 51 gives
// 10 (0.2 + 0.8 * 51 / 255) = 3.6 W/K.
const CONFIG: ResolvedMonitorConfig = resolveMonitorConfig({
  params: { Q_heater_max: 255, UA: 10, UA_fan_off_frac: 0.2 },
  sensorNoiseK: 0.07,
  detectors: {
    temperatureBandK: 0.31,
    deltaTBandK: 0.06,
    flowBandLpm: 0.33,
    pumpEvidenceNats: 11,
    stoppedRatio: 0.15,
    heatBandW: 6.5,
  },
});

interface Stand {
  parts: MonitorParts;
  fills: string[];
  hotDet: ResidualDetector;
  coldDet: ResidualDetector;
}

function stand(over: { resFlow?: number; predFlow?: number; amb?: boolean } = {}): Stand {
  const fills: string[] = [];
  const output = createMonitorOutput();
  output.resFlowLpm = over.resFlow ?? -0.5;
  output.predFlowLpm = over.predFlow ?? 3.5;
  const hotDet = { name: "hot detector" } as unknown as ResidualDetector;
  const coldDet = { name: "cold detector" } as unknown as ResidualDetector;
  const iso = {
    fillSnapshot(s: DiagnosisSnapshot, intendedKgS: number, measuredKgS: number) {
      fills.push(`iso ${intendedKgS} ${measuredKgS}`);
      s.aHotK = 0.1;
      s.bHotK = 0.2;
      s.aColdK = -0.3;
      s.bColdK = -0.4;
    },
  } as unknown as IsolationResiduals;
  const checks = (name: string) => ({
    fillEvidence(target: unknown, aK: number, bK: number, det: unknown, whiten: number) {
      fills.push(`${name} ${aK} ${bK} ${(det as { name: string }).name} ${whiten}`);
      (target as { frozenS: number }).frozenS = name === "hot" ? 11 : 12;
    },
  });
  const parts = {
    config: CONFIG,
    output,
    twins: {
      intendedFlowLpm: 4,
      mDotB: kgS(2.5),
      flow: { shortMeasuredLpm: 1.25, shortPredictedLpm: 3.75 },
      generator: { twin: { tHotC: 45, tColdC: 38.5 } },
    },
    iso,
    evidence: { llrNats: -3.5, decision: -1, engagedAtS: 96.5 },
    tracker: {
      uaRatio: 0.9,
      uaRatioStd: 0.01,
      pumpRatio: 0.8,
      pumpRatioStd: 0.02,
      heaterRatio: 1.1,
      heaterRatioStd: 0.03,
    },
    noise: { hotWhiten: 5, coldWhiten: 6 },
    hotChecks: checks("hot"),
    coldChecks: checks("cold"),
    ambChecks:
      over.amb === false
        ? null
        : {
            fillEvidence(target: unknown) {
              fills.push("amb");
              (target as { frozenS: number }).frozenS = 13;
            },
          },
    hotDet,
    coldDet,
  } as unknown as MonitorParts;
  return { parts, fills, hotDet, coldDet };
}

describe("MonitorSnapshot", () => {
  it("hands diagnose the cause, the bands from the config and the snapshot of the parts", () => {
    const { parts, fills } = stand();
    const m = new MonitorSnapshot(parts);
    const d = m.diagnose(100, "t_hot", 102, 51);
    expect(d).toBe(rec.result as MonitorDiagnosis);
    expect(rec.diagnose).toHaveLength(1);
    const call = rec.diagnose[0] as { cause: string; snap: DiagnosisSnapshot; bands: DiagnosisBands };
    expect(call.cause).toBe("t_hot");
    expect(call.bands).toStrictEqual({
      temperatureBandK: 0.31,
      deltaTBandK: 0.06,
      flowBandLpm: 0.33,
      pumpEvidenceNats: 11,
      stoppedRatio: 0.15,
      sensorNoiseK: 0.07,
      heatBandW: 6.5,
    });
    const s = call.snap;
    expect(s.tS).toBe(100);
    // Measured flow: residual + prediction = 3 L/min; twin (a) on the intended 4 L/min.
    expect(fills[0]).toBe(`iso ${kgS(4)} ${kgS(3)}`);
    expect(s.flowMeasLpm).toBe(3);
    expect(s.flowExpLpm).toBe(3.5);
    expect([s.shortMeasLpm, s.shortExpLpm]).toEqual([1.25, 3.75]);
    expect([s.pumpLlr, s.pumpDecision]).toEqual([-3.5, -1]);
    expect(s.flowUndecidedS).toBe(3.5);
    expect(s.heaterW).toBeCloseTo(102, 12);
    // Not the flow family: no decision time.
    expect(s.flowDecisionS).toBeNaN();
    expect(rec.decision).toEqual([]);
    expect(s.twinBFlowLpm).toBeCloseTo(2.5, 12);
    expect([s.ua, s.pump, s.heater]).toStrictEqual([
      { ratio: 0.9, std: 0.01 },
      { ratio: 0.8, std: 0.02 },
      { ratio: 1.1, std: 0.03 },
    ]);
    // The thermistor checks get their own twin residuals, detector and whitening.
    expect(fills.slice(1)).toEqual(["hot 0.1 0.2 hot detector 5", "cold -0.3 -0.4 cold detector 6", "amb"]);
    expect([s.hot.frozenS, s.cold.frozenS, s.amb.frozenS]).toEqual([11, 12, 13]);
  });

  it("gives the flow family its expected decision time from the twins and actuators", () => {
    const { parts } = stand();
    const m = new MonitorSnapshot(parts);
    m.diagnose(7, "flow", 51, 51);
    const s = (rec.diagnose[0] as { snap: DiagnosisSnapshot }).snap;
    expect(s.flowDecisionS).toBe(42.5);
    expect(rec.decision).toHaveLength(1);
    const [cfg, heaterW, uaWK, intendedKgS, mDotB, deltaT] = rec.decision[0] as number[];
    expect(cfg).toBe(CONFIG);
    expect(heaterW).toBeCloseTo(51, 12);
    expect(uaWK).toBeCloseTo(3.6, 12);
    expect(intendedKgS).toBe(kgS(4));
    expect(mDotB).toBe(kgS(2.5));
    expect(deltaT).toBeCloseTo(6.5, 12);
    expect(s.flowUndecidedS).toBe(7 - 96.5);
  });

  it("takes the intended flow as twin (b)'s when no flow is measured; skips a missing ambient probe", () => {
    const { parts, fills } = stand({ resFlow: Number.NaN, amb: false });
    new MonitorSnapshot(parts).diagnose(1, "loop", 0, 255);
    expect(fills[0]).toBe(`iso ${kgS(4)} ${kgS(4)}`);
    const s = (rec.diagnose[0] as { snap: DiagnosisSnapshot }).snap;
    expect(s.flowMeasLpm).toBeNaN();
    expect(s.heaterW).toBe(0);
    expect(fills.slice(1)).toEqual(["hot 0.1 0.2 hot detector 5", "cold -0.3 -0.4 cold detector 6"]);
    const inf = stand({ predFlow: Number.POSITIVE_INFINITY });
    new MonitorSnapshot(inf.parts).diagnose(1, "t_cold", 0, 0);
    expect(inf.fills[0]).toBe(`iso ${kgS(4)} ${kgS(4)}`);
  });

  it("fills one snapshot, overwritten at each diagnosis", () => {
    const { parts } = stand();
    const m = new MonitorSnapshot(parts);
    m.diagnose(1, "flow", 10, 0);
    m.diagnose(2, "t_amb", 20, 0);
    const [a, b] = rec.diagnose as { snap: DiagnosisSnapshot; copy: string }[];
    expect(a?.snap).toBe(b?.snap);
    expect(JSON.parse(a?.copy as string).tS).toBe(1);
    expect(JSON.parse(a?.copy as string).flowDecisionS).toBe(42.5);
    // The second (not the flow family) leaves no decision time behind: JSON writes NaN as null.
    expect(JSON.parse(b?.copy as string).flowDecisionS).toBeNull();
    expect(b?.snap.heaterW).toBeCloseTo(20, 12);
  });
});
