import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import {
  describeCondition,
  SteadyWatch,
  signalConditionHolds,
  timelineConditionMetAt,
} from "../../src/hil/conditions.js";
import type { Observation } from "../../src/hil/observations.js";

describe("SteadyWatch", () => {
  it("declares a first-order approach steady when its mean rate over the window drops below the limit", () => {
    // T(t) = 40 - 15 exp(-t/300): the mean rate over [t - 120, t] is 15 (e^0.4 - 1)/2 e^(-t/300)
    // K/min = 3.689 e^(-t/300), which reaches 0.05 K/min at t = 300 ln(73.78) = 1290.5 s.
    const w = new SteadyWatch(0.05, 120);
    let steadyAt = Number.NaN;
    for (let i = 0; i < 20000 && Number.isNaN(steadyAt); i++) {
      const t = i / 10;
      const hot = 40.5 - 15 * Math.exp(-t / 300);
      const cold = 40 - 15 * Math.exp(-t / 300);
      w.push(t, hot, cold);
      if (w.steady) steadyAt = t;
    }
    const expected = 300 * Math.log((7.5 * (Math.exp(0.4) - 1)) / 0.05);
    expect(expected).toBeCloseTo(1290.5, 0);
    expect(Math.abs(steadyAt - expected)).toBeLessThan(2);
  });

  it("is not steady before it has seen the whole window, ignores NaN, and starts over on reset", () => {
    const w = new SteadyWatch(0.05, 60);
    for (let i = 0; i < 500; i++) w.push(i / 10, 40, Number.NaN);
    expect(w.steady).toBe(false);
    expect(w.describe()).toBe("not enough samples yet");
    for (let i = 0; i < 700; i++) w.push(100 + i / 10, 40, 39);
    expect(w.steady).toBe(true);
    w.reset();
    expect(w.steady).toBe(false);
  });
});

describe("conditions", () => {
  const raised: AlarmEvent = {
    type: "raised",
    alarmId: 1,
    tS: 12,
    cause: "flow",
    severity: "critical",
    level: 2,
    diagnosis: "pump failure",
    evidence: [],
  };
  const timeline: Observation[] = [
    { kind: "device_event", tS: 5, code: "HOLD_EXPIRED", detail: "fan" },
    { kind: "device_event", tS: 8, code: "HOLD_EXPIRED", detail: "pump" },
    { kind: "alarm", tS: 12, event: raised },
    { kind: "gap", tS: 20, toS: 28.5, reason: "disconnect", lostSamples: 3 },
  ];

  it("find the first matching event, alarm or gap end from an index on", () => {
    expect(timelineConditionMetAt({ kind: "event", code: "HOLD_EXPIRED" }, timeline, 0)).toBe(5);
    expect(timelineConditionMetAt({ kind: "event", code: "HOLD_EXPIRED", detail: "pump" }, timeline, 0)).toBe(
      8,
    );
    expect(timelineConditionMetAt({ kind: "event", code: "HOLD_EXPIRED" }, timeline, 2)).toBeNaN();
    expect(timelineConditionMetAt({ kind: "alarm", match: { diagnosis: "pump_failure" } }, timeline, 0)).toBe(
      12,
    );
    expect(
      timelineConditionMetAt({ kind: "alarm", match: { diagnosis: "hx_fouling" } }, timeline, 0),
    ).toBeNaN();
    expect(timelineConditionMetAt({ kind: "gap", reason: "disconnect" }, timeline, 0)).toBe(28.5);
    expect(timelineConditionMetAt({ kind: "gap", reason: "reboot" }, timeline, 0)).toBeNaN();
  });

  it("an alarm condition naming the detector waits for that detector's alarm (issue 17)", () => {
    const learned: AlarmEvent = {
      ...raised,
      alarmId: 1_000_001,
      tS: 15,
      cause: "learned",
      diagnosis: "learned: res_flow_lpm",
    };
    const both: Observation[] = [...timeline, { kind: "alarm", tS: 15, event: learned }];
    expect(timelineConditionMetAt({ kind: "alarm", match: { detector: "learned" } }, both, 0)).toBe(15);
    expect(timelineConditionMetAt({ kind: "alarm", match: { detector: "residual" } }, both, 0)).toBe(12);
    expect(timelineConditionMetAt({ kind: "alarm", match: { detector: "residual" } }, both, 3)).toBeNaN();
    expect(describeCondition({ kind: "alarm", match: { detector: "learned" } })).toBe("learned alarm any");
  });

  it("signal conditions are strict and never hold on NaN", () => {
    const c = { kind: "signal", signal: "t_hot_c", above: 79, below: 90 } as const;
    expect(signalConditionHolds(c, 80)).toBe(true);
    expect(signalConditionHolds(c, 79)).toBe(false);
    expect(signalConditionHolds(c, Number.NaN)).toBe(false);
    expect(describeCondition(c)).toBe("t_hot_c > 79 and t_hot_c < 90");
    expect(describeCondition({ kind: "gap" })).toBe("samples back after a gap");
  });
});
