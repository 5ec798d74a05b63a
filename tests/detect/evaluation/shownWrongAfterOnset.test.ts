import { expect, it } from "vitest";
import { runCase } from "../../../src/detect/evaluation/monitorEvaluation.js";
import { DEFAULT_LOOP_PARAMS } from "../../../src/model/loopParams.js";

it("a wrong specific cause still shown after the onset counts as shown wrong, though the first alarm is right", () => {
  // A twin with UA 14 W/K reads the default rig as fouled before the onset: its "HX fouling" alarm
  // is still open at the onset of an open T_hot thermistor, whose own alarm is then diagnosed right.
  const r = runCase({ name: "oh", fault: "sensor_open:start=60,channel=hot", durationS: 65 }, 1, {
    monitor: { params: { ...DEFAULT_LOOP_PARAMS, UA: 14 } },
  });
  expect(r.falseAlarms).toBe(1);
  expect(r.diagnoses).toEqual(["HX fouling", "T_hot sensor fault"]);
  expect(r.firstWrong).toBe(false);
  expect(r.shownWrong).toBe(true);
  expect(r.correct).toBe(true);
});
