/**
 * HIL scenarios on the firmware in simavr, compared with the emulator: the device's own safety
 * behaviour acting on the plant (dead-man hold of a physical injection, heartbeat loss to SAFE).
 * The whole suite on `--target fil` is `looptwin hil run --target fil` (about 10,000 device
 * seconds; see firmware/sim/README.md); these keep `npm run test:fil` within its budget.
 */
import { describe, it } from "vitest";
import { expectSameVerdicts } from "./scenarioVerdicts.js";

describe("HIL scenarios on --target fil agree with --target emulator: safety", () => {
  it("pump-failure-deadman: a physical injection under the firmware's dead-man hold", async () => {
    await expectSameVerdicts("pump-failure-deadman");
  });
  it("heartbeat-loss-safe: the firmware goes SAFE by itself and the twin follows", async () => {
    await expectSameVerdicts("heartbeat-loss-safe");
  });
});
