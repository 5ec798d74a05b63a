/**
 * HIL scenarios on the firmware in simavr, compared with the emulator: a reset injected at the
 * bridge (`EMU` device_reboot: the MCU reset with WDRF, as its watchdog would), the gap it
 * leaves, and the setpoints sent again.
 */
import { describe, it } from "vitest";
import { expectSameVerdicts } from "./scenarioVerdicts.js";

describe("HIL scenarios on --target fil agree with --target emulator: link", () => {
  it("device-reboot: EVT BOOT WDT, the gap, the setpoints sent again", async () => {
    await expectSameVerdicts("device-reboot");
  });
});
