/**
 * HIL scenarios on the firmware in simavr, compared with the emulator: faults injected at the
 * bridge (a watchdog-style reset) and in the plant (an open thermistor, seen by the firmware's
 * own range check), both through `EMU` lines the bridge answers.
 */
import { describe, it } from "vitest";
import { expectSameVerdicts } from "./scenarioVerdicts.js";

describe("HIL scenarios on --target fil agree with --target emulator: faults", () => {
  it("device-reboot: EVT BOOT WDT, the gap, the setpoints sent again", async () => {
    await expectSameVerdicts("device-reboot");
  });
  it("sensor-open-hot: the firmware reports the open probe and the monitor alarms", async () => {
    await expectSameVerdicts("sensor-open-hot");
  });
});
