import { expect, it } from "vitest";
import { runCase } from "../../../src/detect/evaluation/monitorEvaluation.js";
import { DEFAULT_LOOP_PARAMS } from "../../../src/model/loopParams.js";

// Seed 0 shifts the onset by 0 s (onsetJitterS(0) = 0), so an onset at a whole second lies on the
// 10 Hz sample grid: the sample at the onset is the first one "at or after" it.

it("an alarm raised at the sample at the onset is the detection (delay 0), not a false alarm", () => {
  // A fault is active from its start (the interval is [start, end)); with one out-of-range reading
  // enough, the open thermistor alarms at the very sample at the onset.
  const r = runCase({ name: "oh", fault: "sensor_open:start=30,channel=hot", durationS: 31 }, 0, {
    monitor: { detectors: { outOfRangeK: 1 } },
  });
  expect(r.onsetS).toBe(30);
  expect(r.falseAlarms).toBe(0);
  expect(r.delayS).toBe(0);
  expect(r.firstCause).toBe("t_hot");
});

it("the diagnosis shown at the sample at the onset counts: the right one there is right after 0 s", () => {
  // A twin with UA 14 W/K reads the default rig as fouled long before the onset (a false alarm
  // diagnosed HX fouling), so at the onset's own sample the fouling case's diagnosis is right.
  const r = runCase({ name: "hx", fault: "hx_fouling:start=60,ramp=0,severity=0.4", durationS: 61 }, 0, {
    monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 14 } },
  });
  expect(r.onsetS).toBe(60);
  expect(r.falseAlarms).toBe(1);
  expect(r.correctAfterS).toBe(0);
  expect(r.diagnoses).toEqual(["HX fouling"]);
});
