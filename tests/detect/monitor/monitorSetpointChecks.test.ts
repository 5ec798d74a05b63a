/**
 * The monitor's setpoint checks and small accessors (src/detect/monitor/monitor.ts): a duty is a
 * number 0-255 inclusive (anything else is refused naming the field, and nothing changes), the
 * setpoints in force are readable, and an open family's diagnosis is the one its alarm shows.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

function refusal(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return "accepted";
}

describe("monitor: setpoints", () => {
  it("takes duties 0 and 255, refuses what is not a number 0-255 and keeps the setpoints in force", () => {
    const m = createMonitor();
    m.setSetpoints({ pumpDuty: 0, heaterDuty: 255, fanDuty: 7 }, 0);
    expect(m.setpoints).toEqual({ pumpDuty: 0, heaterDuty: 255, fanDuty: 7 });
    expect(refusal(() => m.setSetpoints({ pumpDuty: "200" as never, heaterDuty: 1, fanDuty: 1 }, 1))).toBe(
      'setpoints.pumpDuty: must be a duty 0-255 (got "200")',
    );
    expect(refusal(() => m.setSetpoints({ pumpDuty: 1, heaterDuty: -0.5, fanDuty: 1 }, 1))).toBe(
      "setpoints.heaterDuty: must be a duty 0-255 (got -0.5)",
    );
    expect(refusal(() => m.setSetpoints({ pumpDuty: 1, heaterDuty: 1, fanDuty: 255.5 }, 1))).toBe(
      "setpoints.fanDuty: must be a duty 0-255 (got 255.5)",
    );
    expect(refusal(() => m.setSetpoints({ pumpDuty: Number.NaN, heaterDuty: 1, fanDuty: 1 }, 1))).toBe(
      "setpoints.pumpDuty: must be a duty 0-255 (got NaN)",
    );
    expect(m.setpoints).toEqual({ pumpDuty: 0, heaterDuty: 255, fanDuty: 7 });
  });
});

describe("monitor: an open family's diagnosis", () => {
  it("is the one its alarm shows; none for a family without an open alarm", () => {
    const rig = new EmulatedRig({
      seed: 2,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
      faults: ["sensor_open:start=10,channel=hot"],
    });
    const m = createMonitor();
    m.setSetpoints(rig.initialSetpoints, 0);
    while (rig.nextTS <= 12 + 1e-9) m.step(rig.next());
    const alarm = m.openAlarms().find((a) => a.cause === "t_hot");
    expect(alarm).toBeDefined();
    expect(m.diagnosisOf("t_hot")?.text).toBe(alarm?.diagnosis);
    expect(m.diagnosisOf("t_hot")?.evidence).toEqual(alarm?.evidence);
    expect(m.diagnosisOf("flow")).toBeUndefined();
  });
});
