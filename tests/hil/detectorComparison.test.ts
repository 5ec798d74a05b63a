/**
 * The comparison row of one HIL run (src/hil/detectorComparison.ts): which detector caught the
 * fault, how soon, and the false alarms before it. Hand-written timelines.
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { CATCH_GRACE_S, compareDetectors, whoCaught } from "../../src/hil/detectorComparison.js";
import type { FaultInterval, Observation } from "../../src/hil/observations.js";

function raised(tS: number, cause: string, diagnosis: string): Observation {
  const event: AlarmEvent = {
    type: "raised",
    alarmId: cause === "learned" ? 1_000_001 : 1,
    tS,
    cause,
    severity: "warning",
    level: 1,
    diagnosis,
    evidence: [],
  };
  return { kind: "alarm", tS, event };
}

const FAULT: FaultInterval = { kind: "pump_degradation", text: "pump PWM 145", startS: 60, endS: 90 };

describe("compareDetectors", () => {
  it("the first alarm of each detector in [start, end + grace], its delay, false alarms before, the rest after", () => {
    expect(CATCH_GRACE_S).toBe(30);
    const row = compareDetectors(
      "s",
      [
        raised(10, "learned", "learned: res_flow_lpm"),
        raised(61.5, "flow", "pump degradation"),
        raised(64, "learned", "learned: res_flow_lpm"),
        raised(70, "flow", "pump degradation"),
        raised(121, "learned", "learned: res_t_hot_k"),
      ],
      [FAULT],
    );
    expect(row.windowFromS).toBe(60);
    expect(row.windowToS).toBe(120);
    expect(row.faults).toEqual(["pump_degradation"]);
    expect(row.residual).toEqual({
      caught: { tS: 61.5, delayS: 1.5, diagnosis: "pump degradation" },
      falseAlarms: 0,
      after: 0,
    });
    expect(row.learned).toEqual({
      caught: { tS: 64, delayS: 4, diagnosis: "learned: res_flow_lpm" },
      falseAlarms: 1,
      after: 1,
    });
    expect(whoCaught(row)).toBe("both");
  });

  it("the window spans every fault, each kind named once in order; who caught it alone", () => {
    const faults: FaultInterval[] = [
      { kind: "pump_degradation", text: "b", startS: 80, endS: 83 },
      { kind: "link_corrupt", text: "a", startS: 50, endS: 70 },
      { kind: "pump_degradation", text: "c", startS: 86, endS: 89 },
    ];
    const row = compareDetectors("s", [raised(118.9, "learned", "learned: res_flow_lpm")], faults);
    expect(row.faults).toEqual(["link_corrupt", "pump_degradation"]);
    expect([row.windowFromS, row.windowToS]).toEqual([50, 119]);
    expect(whoCaught(row)).toBe("learned");
    expect(whoCaught(compareDetectors("s", [raised(55, "t_cold", "T_cold sensor fault")], faults))).toBe(
      "residual",
    );
    expect(whoCaught(compareDetectors("s", [], faults))).toBe("neither");
  });

  it("without a fault every alarm is a false alarm and nobody caught anything", () => {
    const row = compareDetectors("nominal", [raised(5, "flow", "x"), raised(3000, "learned", "y")], []);
    expect(row.residual.falseAlarms).toBe(1);
    expect(row.learned.falseAlarms).toBe(1);
    expect(row.residual.caught).toBeNull();
    expect(whoCaught(row)).toBe("-");
  });
});
