import { expect, it } from "vitest";
import { EmulatedRig, type SetpointStep } from "../../../src/detect/evaluation/emulatedRig.js";
import { nominalSchedule, runCase, runNominal } from "../../../src/detect/evaluation/monitorEvaluation.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

/** Raised alarms of a monitor told only the initial setpoints, on the rig, up to `durationS`. */
function alarmsUntold(setpoints: readonly SetpointStep[], durationS: number): number {
  const rig = new EmulatedRig({ seed: 1, setpoints });
  const monitor = createMonitor();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  let raised = 0;
  while (rig.nextTS <= durationS + 1e-9)
    for (const e of monitor.step(rig.next())) if (e.type === "raised") raised++;
  return raised;
}

it("runCase tells the monitor each setpoint step: a heater step before the onset raises nothing", () => {
  const setpoints: SetpointStep[] = [
    { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
    { tS: 30, pumpDuty: 200, heaterDuty: 120, fanDuty: 255 },
  ];
  // The premise: a monitor not told of the step alarms before 60 s.
  expect(alarmsUntold(setpoints, 60)).toBeGreaterThan(0);
  const r = runCase({ name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 65, setpoints }, 1);
  expect(r.falseAlarms).toBe(0);
  expect(r.diagnoses).toEqual(["T_hot sensor fault"]);
});

it("runNominal tells the monitor each setpoint step: the heater step at 900 s raises nothing", () => {
  const schedule = nominalSchedule(930, 1);
  // The premise: one step, at 900 s, and a monitor not told of it alarms within 30 s.
  expect(schedule.map((s) => s.tS)).toEqual([0, 900]);
  expect(alarmsUntold(schedule, 930)).toBeGreaterThan(0);
  const r = runNominal(930, 1);
  expect([r.setpointSteps, r.alarms]).toEqual([1, 0]);
  expect(r.firstAlarms).toEqual([]);
});
