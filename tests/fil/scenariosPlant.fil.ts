/**
 * HIL scenarios on the firmware in simavr, compared with the emulator: the firmware's dead-man
 * hold under a physical injection, and an open thermistor injected in the plant and seen by the
 * firmware's own range check. The whole suite on `--target fil` is `looptwin hil run --target
 * fil` (about 10,000 device seconds; see firmware/sim/README.md); these keep `npm run test:fil`
 * within its budget (heartbeat loss to SAFE is covered by the sessions and the closed-loop tests).
 */
import { describe, it } from "vitest";
import { expectSameVerdicts } from "./scenarioVerdicts.js";

describe("HIL scenarios on --target fil agree with --target emulator: device and plant", () => {
  it("pump-failure-deadman: a physical injection under the firmware's dead-man hold", async () => {
    await expectSameVerdicts("pump-failure-deadman");
  });
  it("sensor-open-hot: the firmware reports the open probe and the monitor alarms", async () => {
    await expectSameVerdicts("sensor-open-hot");
  });
});
