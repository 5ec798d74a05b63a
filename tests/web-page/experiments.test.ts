import { describe, expect, it } from "vitest";
import {
  heaterSchedule,
  runExperiment,
  runFaultTest,
  stats,
  trainLearned,
} from "../../web/src/views/experiments.js";

describe("heaterSchedule", () => {
  it("gives each profile's steps as written by hand", () => {
    expect(heaterSchedule({ durationS: 900 })).toEqual([{ tS: 0, duty: 255 }]);
    expect(heaterSchedule({ durationS: 900, profile: "step", profileAtS: 100, heaterDuty: 200 })).toEqual([
      { tS: 0, duty: 0 },
      { tS: 100, duty: 200 },
    ]);
    expect(heaterSchedule({ durationS: 900, profile: "pulse", profileAtS: 100, profileLengthS: 50 })).toEqual(
      [
        { tS: 0, duty: 0 },
        { tS: 100, duty: 255 },
        { tS: 150, duty: 0 },
      ],
    );
    expect(
      heaterSchedule({ durationS: 900, profile: "ramp", profileAtS: 10, profileLengthS: 4, heaterDuty: 200 }),
    ).toEqual([
      { tS: 0, duty: 0 },
      { tS: 11, duty: 50 },
      { tS: 12, duty: 100 },
      { tS: 13, duty: 150 },
      { tS: 14, duty: 200 },
    ]);
  });
});

describe("stats", () => {
  it("matches the closed forms and skips unknown values", () => {
    const s = stats([Number.NaN, 2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.mean).toBeCloseTo(5, 12);
    // Sample standard deviation of 2,4,4,4,5,5,7,9: sqrt(32/7).
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(Number.isNaN(stats([Number.NaN]).mean)).toBe(true);
  });
});

describe("runExperiment", () => {
  it("a step of heat input from ambient settles at the loop model's steady state", () => {
    // UA_loss = 0: T_cold = T_sink + Q/UA = 25 + 150/10 = 40 C; the loop's ~500 s time constant.
    const r = runExperiment({
      durationS: 5000,
      profile: "step",
      profileAtS: 100,
      steady: false,
      set: { UA_loss: 0 },
    });
    const c = r.columns;
    expect(c.tS.length).toBe(50_001);
    expect(c.tColdC[500] as number).toBeCloseTo(25, 0);
    expect(c.twinTColdC[50_000] as number).toBeGreaterThan(39.5);
    expect(c.twinTColdC[50_000] as number).toBeLessThan(40.5);
    expect(r.alarms).toEqual([]);
  });

  it("refuses a run that is too long or too fast, naming the field", () => {
    expect(() => runExperiment({ durationS: 0 })).toThrow(/^duration: must be > 0/);
    expect(() => runExperiment({ durationS: 10, rateHz: 1000 })).toThrow(/^sample rate: must be 0.1-100 Hz/);
  });
});

describe("runFaultTest", () => {
  it("a pump failure: detected within 2 s, diagnosed, no false positive, T_hot climbs", () => {
    const r = runFaultTest("pump_failure:start=60", { durationS: 200 });
    expect(r.onsetS).toBe(60);
    expect(r.residual.detectionS).toBeGreaterThanOrEqual(0);
    expect(r.residual.detectionS).toBeLessThan(2);
    expect(r.residual.finalDiagnosis).toBe("pump failure");
    expect(r.residual.falsePositives).toBe(0);
    // From the ~41 C steady state, the heater block heats with no flow (150 W into C_hot).
    expect(r.peakTHotC).toBeGreaterThan(45);
    // The flow residual alone is 3.85 L/min against a 0.3 L/min band.
    expect(r.peakResidualBands).toBeGreaterThan(12);
    expect(r.learned).toBeNull();
  });

  it("the learned detector trained on a nominal stretch finds a pump degradation after its onset", () => {
    const model = trainLearned(300, 2);
    expect(model.channelNames).toEqual(["res_t_hot_k", "res_t_cold_k", "res_flow_lpm"]);
    const r = runFaultTest("pump_degradation:start=100,severity=0.4", { durationS: 200, learned: model });
    expect(r.learned?.detectionS).toBeGreaterThanOrEqual(0);
    expect(r.learned?.detectionS).toBeLessThan(5);
  });
});
