/**
 * A loop alarm's severity by size (src/detect/monitor/monitor.ts hands the families the critical
 * loop score, criticalCommonModeK in units of the common-mode band; familyAlarms.ts scales the
 * loop family's level from there): HX fouling to 60 % of the nominal UA on the seeded emulated rig
 * leaves a residual of a kelvin or two on both thermistors (T_hot's checked), a warning under the default 10 K, critical
 * under a 0.6 K limit (2 bands of 0.3 K).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import type { MonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

function loopAlarm(config: MonitorConfig) {
  const rig = new EmulatedRig({
    seed: 1,
    setpoints: [NOMINAL],
    faults: ["hx_fouling:start=30,ramp=150,severity=0.4"],
  });
  const m = createMonitor(config);
  m.setSetpoints(rig.initialSetpoints, 0);
  while (rig.nextTS <= 400 + 1e-9) m.step(rig.next());
  return { alarm: m.openAlarms().find((a) => a.cause === "loop"), hotResidualK: Math.abs(m.output.resTHotK) };
}

describe("monitor: a loop alarm's severity by its size", () => {
  it("HX fouling of a kelvin or two is a warning under the default 10 K, critical under 0.6 K", () => {
    const byDefault = loopAlarm({});
    expect(byDefault.alarm?.diagnosis).toBe("HX fouling");
    expect(byDefault.hotResidualK).toBeGreaterThan(0.9);
    expect(byDefault.hotResidualK).toBeLessThan(5);
    expect(byDefault.alarm?.severity).toBe("warning");
    const strict = loopAlarm({ detectors: { criticalCommonModeK: 0.6 } });
    expect(strict.alarm?.severity).toBe("critical");
  });
});
