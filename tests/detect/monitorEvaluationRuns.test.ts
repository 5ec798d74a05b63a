import { describe, expect, it } from "vitest";
import { DIAGNOSIS_TEXT } from "../../src/detect/diagnosis/isolation.js";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";
import {
  type FaultCase,
  nominalSchedule,
  runCase,
  runNominal,
} from "../../src/detect/evaluation/monitorEvaluation.js";
import { createMonitor } from "../../src/detect/monitor/monitor.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";

/** Seed 1's onset shift: 0.6180339887... rounded to the millisecond. */
const JITTER_1 = 0.618;

describe("runCase's figures", () => {
  it("a pump failure: onset, deadlines met by the detection and the first right diagnosis", () => {
    const c: FaultCase = {
      name: "pf",
      fault: "pump_failure:start=60",
      durationS: 100,
      targetS: 2,
      diagnosisTargetS: 2,
    };
    const r = runCase(c, 1);
    expect(r.name).toBe("pf");
    expect(r.seed).toBe(1);
    expect(r.expected).toBe("pump_failure");
    expect(r.onsetS).toBeCloseTo(60 + JITTER_1, 12);
    expect(r.referenceS).toBe(r.onsetS);
    expect(r.delayFromReferenceS).toBe(r.delayS);
    expect(r.delayS).toBeGreaterThan(0);
    expect(r.delayS).toBeLessThan(2);
    expect(r.targetS).toBe(2);
    expect(r.metTarget).toBe(true);
    expect(r.diagnosisTargetS).toBe(2);
    expect(r.metDiagnosisTarget).toBe(true);
    expect(r.falseAlarms).toBe(0);
    expect(r.firstCause).toBe("flow");
    expect(r.firstDiagnosis).toBe(DIAGNOSIS_TEXT.flow_undecided);
    expect(r.diagnoses).toEqual([DIAGNOSIS_TEXT.flow_undecided, DIAGNOSIS_TEXT.pump_failure]);
    expect(r.settledDiagnosis).toBe(DIAGNOSIS_TEXT.pump_failure);
    expect(r.correct).toBe(true);
    // The undecided diagnosis came first: the right one after the detection.
    expect(r.correctAfterS).toBeGreaterThan(r.delayS);
    // Deadlines exactly at the delays are met; half of them are not.
    const exact = runCase({ ...c, targetS: r.delayS, diagnosisTargetS: r.correctAfterS }, 1);
    expect([exact.metTarget, exact.metDiagnosisTarget]).toEqual([true, true]);
    const half = runCase({ ...c, targetS: r.delayS / 2, diagnosisTargetS: r.correctAfterS / 2 }, 1);
    expect([half.metTarget, half.metDiagnosisTarget]).toEqual([false, false]);
    // Without deadlines nothing is met or missed.
    const none = runCase({ name: "pf", fault: c.fault, durationS: 100 }, 1);
    expect([none.metTarget, none.metDiagnosisTarget, none.targetS, none.diagnosisTargetS]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // Judged settleS after the detection, before the right diagnosis: still undecided.
    const early = runCase(c, 1, { settleS: (r.correctAfterS - r.delayS) / 2 });
    expect(early.settledDiagnosis).toBe(DIAGNOSIS_TEXT.flow_undecided);
    expect(early.correct).toBe(false);
  });

  it("a deadline counted from a reference time (shifted with the onset)", () => {
    const c: FaultCase = {
      name: "pf",
      fault: "pump_failure:start=60",
      durationS: 100,
      targetS: 2,
      referenceS: 50,
    };
    const r = runCase(c, 1);
    expect(r.referenceS).toBeCloseTo(50 + JITTER_1, 12);
    expect(r.delayFromReferenceS).toBeCloseTo(r.delayS + 10, 9);
    expect(r.metTarget).toBe(false);
    // A reference after the detection: a negative delay from it, counted as 0, within any deadline.
    const late = runCase({ ...c, referenceS: 70, targetS: 0 }, 1);
    expect(late.delayFromReferenceS).toBeLessThan(0);
    expect(late.metTarget).toBe(true);
  });

  it("a fault that never shows (heater over-power with the heater off): nothing detected, nothing met", () => {
    const r = runCase(
      {
        name: "ho",
        fault: "heater_overpower:start=60,severity=0.7",
        durationS: 100,
        targetS: 10,
        diagnosisTargetS: 10,
        setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 0, fanDuty: 255 }],
      },
      1,
    );
    expect(r.delayS).toBeNaN();
    expect(r.delayFromReferenceS).toBeNaN();
    expect(r.correctAfterS).toBeNaN();
    expect(r.falseAlarms).toBe(0);
    expect([r.firstCause, r.firstDiagnosis, r.settledDiagnosis]).toEqual(["", "", ""]);
    expect(r.diagnoses).toEqual([]);
    expect([r.correct, r.metTarget, r.metDiagnosisTarget, r.firstWrong, r.shownWrong]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("the rig and the monitor share the given loop parameters; a monitor told other ones alarms early", () => {
    const c: FaultCase = { name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 80 };
    const ua6 = { ...DEFAULT_LOOP_PARAMS, UA: 6 };
    const shared = runCase(c, 1, { params: ua6 });
    expect(shared.falseAlarms).toBe(0);
    expect(shared.settledDiagnosis).toBe(DIAGNOSIS_TEXT.t_hot_sensor);
    // The premise: a monitor whose twin has UA 6 W/K against the default rig's 10 alarms before the onset.
    const mismatched = runCase(c, 1, { monitor: { params: ua6 } });
    expect(mismatched.falseAlarms).toBe(1);
    expect(mismatched.diagnoses[0]).toBe(DIAGNOSIS_TEXT.unknown);
    expect(mismatched.shownWrong).toBe(false);
  });

  it("at another telemetry rate the rig samples at it: the detection lies on its grid", () => {
    const r = runCase({ name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 80 }, 1, {
      rateHz: 5,
    });
    const detectedS = r.onsetS + r.delayS;
    expect(Math.abs(detectedS * 5 - Math.round(detectedS * 5))).toBeLessThan(1e-6);
  });

  it("the run's last sample is at durationS", () => {
    const c: FaultCase = { name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 80 };
    const long = runCase(c, 1);
    const detectedS = Math.round((long.onsetS + long.delayS) * 10) / 10;
    expect(runCase({ ...c, durationS: detectedS }, 1).delayS).toBeCloseTo(long.delayS, 9);
    expect(runCase({ ...c, durationS: detectedS - 0.1 }, 1).delayS).toBeNaN();
  });
});

describe("runCase against a monitor told other loop parameters (alarms before the onset)", () => {
  it("an alarm raised before the onset is a false alarm; its clearing after the onset is no detection", () => {
    // The twin's UA 8 W/K against the rig's 10: a loop alarm before the onset, cleared after it;
    // the fouling itself raises nothing new within the run.
    const r = runCase({ name: "hx", fault: "hx_fouling:start=120,ramp=0,severity=0.4", durationS: 200 }, 1, {
      monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 8 } },
    });
    expect(r.falseAlarms).toBe(1);
    expect(r.delayS).toBeNaN();
    expect([r.firstCause, r.firstDiagnosis, r.settledDiagnosis]).toEqual(["", "", ""]);
  });

  it("the first alarm after the onset names the cause, not a later one", () => {
    // Pump failure: the flow alarm first, a T_cold alarm later in the run.
    const r = runCase({ name: "pf", fault: "pump_failure:start=120", durationS: 200 }, 1, {
      monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 8 } },
    });
    expect(r.falseAlarms).toBe(1);
    expect(r.firstCause).toBe("flow");
    expect(r.delayS).toBeLessThan(2);
  });

  it("a diagnosis shown before the onset counts from the onset, never before it", () => {
    // UA 14 W/K in the twin: it reads the rig as fouled ("HX fouling") long before the onset.
    const r = runCase({ name: "hx", fault: "hx_fouling:start=120,ramp=0,severity=0.4", durationS: 125 }, 1, {
      monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 14 } },
    });
    expect(r.falseAlarms).toBe(1);
    expect(r.correctAfterS).toBeGreaterThanOrEqual(0);
    expect(r.correctAfterS).toBeLessThan(0.1);
  });

  it("without a detection nothing is settled, even while a false alarm's diagnosis shows", () => {
    // As above, the run ending while the loop alarm raised before the onset still shows.
    const r = runCase({ name: "hx", fault: "hx_fouling:start=120,ramp=0,severity=0.4", durationS: 150 }, 1, {
      monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 8 } },
    });
    expect(r.falseAlarms).toBe(1);
    expect(r.delayS).toBeNaN();
    expect(r.diagnoses).toEqual([DIAGNOSIS_TEXT.unknown]);
    expect(r.settledDiagnosis).toBe("");
  });
});

describe("runCase's timing details", () => {
  it("a fault with an end is shifted with its onset", () => {
    // Open from 60.618 to 61.618 s: alarmed within that second.
    const r = runCase({ name: "oh", fault: "sensor_open:start=60,end=61,channel=hot", durationS: 70 }, 1);
    expect(r.delayS).toBeGreaterThan(0);
    expect(r.delayS).toBeLessThan(1);
  });

  it("the diagnosis is judged at the first sample at or after detection + settleS", () => {
    const c: FaultCase = { name: "pf", fault: "pump_failure:start=60", durationS: 80 };
    const r = runCase(c, 1);
    // Detection and the last sample before the right diagnosis, on the 0.1 s grid.
    const detectedS = Math.round((r.onsetS + r.delayS) * 10) / 10;
    const beforeRightS = Math.round((r.onsetS + r.correctAfterS) * 10) / 10 - 0.1;
    expect(beforeRightS).toBeGreaterThan(detectedS);
    const settleS = beforeRightS - detectedS;
    expect(detectedS + settleS).toBe(beforeRightS); // the premise: the sum lands on that sample
    expect(runCase(c, 1, { settleS }).settledDiagnosis).toBe(DIAGNOSIS_TEXT.flow_undecided);
  });
});

describe("runNominal's figures", () => {
  it("counts samples, setpoint steps and alarms, and the largest score after the alignment", () => {
    const quiet = runNominal(100, 1);
    expect(quiet).toMatchObject({
      seed: 1,
      durationS: 100,
      samples: 1001,
      setpointSteps: 0,
      alarms: 0,
      firstAlarms: [],
    });
    expect(quiet.maxScore).toBeGreaterThan(0);
    expect(quiet.maxScore).toBeLessThan(1);
    expect(quiet.maxScoreAtS).toBeGreaterThan(5);
    // A monitor told UA 6 W/K against the rig's 10: one latched alarm, and one setpoint step at 900 s.
    const r = runNominal(950, 1, { monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 6 } } });
    expect(r.samples).toBe(9501);
    expect(r.setpointSteps).toBe(1);
    expect(r.alarms).toBe(1);
    expect(r.firstAlarms).toHaveLength(1);
    expect(r.firstAlarms[0]).toMatch(/^loop at \d+\.\d s: unknown; T_hot [-+]\d/);
    expect(r.maxScore).toBeGreaterThan(1);
  });

  it("the rig and the monitor share the given parameters and rate", () => {
    const ua6 = { ...DEFAULT_LOOP_PARAMS, UA: 6 };
    // The premise: a monitor alone told UA 6 W/K alarms within 100 s (at 36.3 s above).
    expect(runNominal(100, 1, { monitor: { params: ua6 } }).alarms).toBe(1);
    expect(runNominal(100, 1, { params: ua6 }).alarms).toBe(0);
    expect(runNominal(100, 1, { rateHz: 5 }).samples).toBe(501);
  });

  it("an alarm's line: cause, time to 0.1 s, diagnosis, and each piece of evidence after a semicolon", () => {
    const r = runNominal(60, 1, { monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 6 } } });
    expect(r.firstAlarms).toHaveLength(1);
    const parts = (r.firstAlarms[0] ?? "").split("; ");
    expect(parts[0]).toMatch(/^loop at \d+\.\d s: unknown$/);
    expect(parts[1]).toMatch(/^T_hot [-+]\d/);
    expect(parts[2]).toMatch(/^T_cold [-+]\d/);
  });

  it("the largest score is taken over the samples after 5 s up to durationS, with its time", () => {
    // The same run stepped here, one sample past durationS: rig and monitor as the file comment says.
    const durationS = 59.5;
    const monitorParams = { ...DEFAULT_LOOP_PARAMS, UA: 8 };
    const rig = new EmulatedRig({ seed: 1, setpoints: nominalSchedule(durationS, 1) });
    const monitor = createMonitor({ params: monitorParams });
    monitor.setSetpoints(rig.initialSetpoints, 0);
    let maxScore = 0;
    let maxAt = Number.NaN;
    let next = 0;
    while (rig.nextTS <= durationS + 0.1 + 1e-9) {
      const s = rig.next((sp, tS) => monitor.setSetpoints(sp, tS));
      monitor.step(s);
      const sc = monitor.output.score;
      if (s.tS > durationS + 0.05) next = sc;
      else if (s.tS > 5 && sc > maxScore) {
        maxScore = sc;
        maxAt = s.tS;
      }
    }
    // The premise: the sample after durationS would score higher still.
    expect(next).toBeGreaterThan(maxScore);
    const r = runNominal(durationS, 1, { monitor: { params: monitorParams } });
    expect(r.samples).toBe(596);
    expect(r.maxScore).toBe(maxScore);
    expect(r.maxScoreAtS).toBe(maxAt);
  });

  it("on a quiet run the largest score after 5 s is not simply the last one", () => {
    const rig = new EmulatedRig({ seed: 1, setpoints: nominalSchedule(100, 1) });
    const monitor = createMonitor();
    monitor.setSetpoints(rig.initialSetpoints, 0);
    let maxScore = 0;
    let maxAt = Number.NaN;
    let last = 0;
    while (rig.nextTS <= 100 + 1e-9) {
      const s = rig.next((sp, tS) => monitor.setSetpoints(sp, tS));
      monitor.step(s);
      last = monitor.output.score;
      if (s.tS > 5 && last > maxScore) {
        maxScore = last;
        maxAt = s.tS;
      }
    }
    expect(last).toBeLessThan(maxScore); // the premise
    const r = runNominal(100, 1);
    expect([r.maxScore, r.maxScoreAtS]).toEqual([maxScore, maxAt]);
  });
});
