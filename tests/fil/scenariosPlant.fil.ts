/**
 * A HIL scenario on the firmware in simavr, compared with the emulator: a physical injection
 * (pump PWM 0) under the firmware's own dead-man hold, detected by the monitor, reverted by the
 * firmware. The whole suite on `--target fil` is `looptwin hil run --target fil` (about 10,000
 * device seconds; see firmware/sim/README.md); `npm run test:fil` runs this one and
 * scenariosLink.fil.ts to stay within its budget. Heartbeat loss to SAFE, the interlock and
 * plant faults through EMU are covered by the sessions, closed-loop and pty tests.
 */
import { describe, it } from "vitest";
import { expectSameVerdicts } from "./scenarioVerdicts.js";

describe("HIL scenarios on --target fil agree with --target emulator: plant", () => {
  it("pump-failure-deadman: a physical injection under the firmware's dead-man hold", async () => {
    await expectSameVerdicts("pump-failure-deadman");
  });
});
