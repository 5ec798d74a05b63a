import { expect, it } from "vitest";
import { type FaultCase, runCase, runNominal } from "../../../src/detect/evaluation/monitorEvaluation.js";
import { DEFAULT_LOOP_PARAMS } from "../../../src/model/loopParams.js";

// A rig at 1 Hz against a monitor whose twins start again after any gap over 0.5 s. Told the
// rate, the monitor's gap threshold is 2.5 / 1 Hz = 2.5 s, so 1 s spacings are no gap and the
// twins run on; told nothing it assumes 10 Hz (threshold 0.25 s), reads every 1 s spacing as a
// gap over 0.5 s and starts the twins again at every sample, inside their 2 s alignment for good.
// The twin has UA 6 W/K against the rig's 10, which raises a loop alarm within the first minute
// when the twins run on (tests/detect/monitorEvaluationRuns.test.ts: at 36.3 s at 10 Hz).

it("runCase tells the monitor the rig's rate: a 1 Hz rig's spacings are no gaps", () => {
  const ua6 = { ...DEFAULT_LOOP_PARAMS, UA: 6 };
  const c: FaultCase = { name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 65 };
  const monitor = { params: ua6, detectors: { realignAfterGapS: 0.5 } };
  const told = runCase(c, 1, { rateHz: 1, monitor });
  expect(told.falseAlarms).toBe(1);
  expect(told.diagnoses[0]).toBe("unknown");
  // The premise: the same monitor told 10 Hz on the 1 Hz rig starts again at every sample.
  expect(runCase(c, 1, { rateHz: 1, monitor: { ...monitor, rateHz: 10 } }).falseAlarms).toBe(0);
});

it("runNominal tells the monitor the rig's rate: a 1 Hz rig's spacings are no gaps", () => {
  const ua6 = { ...DEFAULT_LOOP_PARAMS, UA: 6 };
  const monitor = { params: ua6, detectors: { realignAfterGapS: 0.5 } };
  const told = runNominal(100, 1, { rateHz: 1, monitor });
  expect(told.samples).toBe(101);
  expect(told.alarms).toBe(1);
  expect(told.firstAlarms[0]).toMatch(/^loop at \d+\.0 s: unknown; T_hot [-+]\d/);
  expect(told.maxScore).toBeGreaterThan(1);
  // The premise: the same monitor told 10 Hz never leaves its alignment, and scores nothing.
  const untold = runNominal(100, 1, { rateHz: 1, monitor: { ...monitor, rateHz: 10 } });
  expect([untold.alarms, untold.maxScore]).toEqual([0, 0]);
});
