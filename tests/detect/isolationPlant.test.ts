/**
 * The isolation table against every fault kind the plant simulator injects: a seeded run of the
 * simulated rig, the open-loop twin's residuals averaged over 10 s, their moves against fixed
 * bands, the parameter tracker's estimates, and the diagnosis compared with the injected truth
 * (the hand-written table in faultDiagnoses.ts).
 */
import { describe, expect, it } from "vitest";
import {
  classifyFlowMove,
  classifyMove,
  type IsolationInput,
  isolate,
  type ResidualMove,
} from "../../src/detect/diagnosis/isolation.js";
import { ParameterTracker } from "../../src/detect/twins/parameterTracker.js";
import { OpenLoopResidualGenerator } from "../../src/detect/twins/residualGenerator.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import { faultDiagnosis } from "./faultDiagnoses.js";
import { PlantHarness } from "./plantHarness.js";

const BAND_K = 0.3;
const BAND_DELTA_K = 0.15;
const BAND_FLOW_LPM = 0.3;
/** Residual spread (rms about the mean) above which a channel is erratic [K]. */
const ERRATIC_K = 0.2;
const WINDOW_S = 10;

interface Case {
  readonly fault: string;
  readonly evalS: number;
  /** Heater setpoint change (operator action, seen by the twin) at this time. */
  readonly heaterStepS?: number;
}

const CASES: readonly Case[] = [
  { fault: "pump_degradation:start=60,severity=0.3", evalS: 120 },
  { fault: "pump_failure:start=60", evalS: 75 },
  { fault: "hx_fouling:start=60,ramp=300,severity=0.3", evalS: 500 },
  { fault: "heater_overpower:start=60,severity=0.2", evalS: 400 },
  { fault: "sensor_bias:start=60,value=1.5,channel=hot", evalS: 90 },
  { fault: "sensor_bias:start=60,value=-1.5,channel=cold", evalS: 90 },
  { fault: "sensor_drift:start=60,value=0.01,channel=hot", evalS: 260 },
  { fault: "sensor_drift:start=60,value=-0.01,channel=cold", evalS: 260 },
  { fault: "sensor_noise:start=60,value=0.5,channel=hot", evalS: 90 },
  { fault: "sensor_noise:start=60,value=0.5,channel=cold", evalS: 90 },
  { fault: "sensor_stuck:start=60,channel=hot", evalS: 200, heaterStepS: 70 },
  { fault: "sensor_stuck:start=60,channel=cold", evalS: 200, heaterStepS: 70 },
  // An open or shorted thermistor reads NaN, not a residual: the monitor's thermistor family
  // judges it before any table (tests/detect/monitorIsolation.test.ts), isolate() never sees it.
  { fault: "flow_blockage:start=60,severity=0.5", evalS: 90 },
  { fault: "flow_blockage:start=60,severity=1", evalS: 90 },
];

function diagnose(c: Case, seed: number) {
  const h = new PlantHarness({ seed, faults: [c.fault] });
  const gen = new OpenLoopResidualGenerator(h.params);
  const tracker = new ParameterTracker(h.params);
  gen.setIntendedDuties(200, 255, 255);
  tracker.setIntendedDuties(200, 255, 255);
  const sums = { tHot: [0, 0, 0], tCold: [0, 0, 0], deltaT: [0, 0, 0] } as Record<string, number[]>;
  let flowMeas = 0;
  let flowPred = 0;
  let nFlow = 0;
  for (let i = 0; i * h.dtS <= c.evalS; i++) {
    const t = i * h.dtS;
    if (c.heaterStepS !== undefined && Math.abs(t - c.heaterStepS) < h.dtS / 2) {
      h.plant.setDuty("heater", 0);
      gen.setIntendedDuties(200, 0, 255);
      tracker.setIntendedDuties(200, 0, 255);
    }
    const s = h.next();
    const r = gen.update(s.tS, s.tHotC, s.tColdC, s.flowLpm);
    tracker.update(s.tS, s.tHotC, s.tColdC, s.flowLpm);
    if (s.tS > c.evalS - WINDOW_S) {
      for (const [k, v] of [
        ["tHot", r.tHotK],
        ["tCold", r.tColdK],
        ["deltaT", r.deltaTK],
      ] as const) {
        if (!Number.isFinite(v)) continue;
        const acc = sums[k]!;
        acc[0]! += 1;
        acc[1]! += v;
        acc[2]! += v * v;
      }
      if (Number.isFinite(s.flowLpm)) {
        flowMeas += s.flowLpm;
        flowPred += r.predFlowLpm;
        nFlow++;
      }
    }
  }
  const move = (k: string, band: number): { move: ResidualMove; mean: number } => {
    const [n, s1, s2] = sums[k]!;
    if (!n) return { move: "none", mean: Number.NaN };
    const mean = s1! / n;
    const spread = Math.sqrt(Math.max(0, s2! / n - mean * mean));
    if (spread > ERRATIC_K && Math.abs(mean) <= band) return { move: "erratic", mean };
    return { move: classifyMove(mean, band), mean };
  };
  const tHot = move("tHot", BAND_K);
  const tCold = move("tCold", BAND_K);
  const deltaT = move("deltaT", BAND_DELTA_K);
  const measured = flowMeas / nFlow;
  const predicted = flowPred / nFlow;
  const input: IsolationInput = {
    moves: {
      tHot: tHot.move,
      tCold: tCold.move,
      deltaT: deltaT.move,
      flow: classifyFlowMove(measured, predicted, BAND_FLOW_LPM),
    },
    residuals: { tHot: tHot.mean, tCold: tCold.mean, deltaT: deltaT.mean, flow: measured - predicted },
    flowRatio: measured / predicted,
    uaRatio: tracker.uaParameter(),
    pumpFlowCoeffRatio: tracker.pumpParameter(),
  };
  return isolate(input);
}

describe("fault isolation on the simulated rig, every injectable fault kind", () => {
  it.each(CASES)("$fault", (c) => {
    const spec = parseFaultSpec(c.fault);
    const expected = faultDiagnosis(spec.kind, spec.channel);
    for (const seed of [1, 2]) {
      const r = diagnose(c, seed);
      expect(r.diagnosis, `${c.fault} seed ${seed}: ${r.rule}; ${r.evidence.join("; ")}`).toBe(expected);
    }
  });

  it("an ambient probe bias moves no residual (its own checks judge it: tests/detect/ambientProbe.test.ts)", () => {
    for (const seed of [1, 2])
      expect(diagnose({ fault: "sensor_bias:start=60,value=1.5,channel=amb", evalS: 90 }, seed).rule).toBe(
        "no_match",
      );
  });

  it("a nominal run diagnoses nothing (no residual moves)", () => {
    const r = diagnose({ fault: "sensor_bias:start=100000,value=1,channel=hot", evalS: 300 }, 3);
    expect(r.rule).toBe("no_match");
  });
});
