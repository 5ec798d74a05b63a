/**
 * An open thermistor is named from its raw counts (src/detect/monitor/monitor.ts hands each
 * sample's ADC counts to the thermistor checks): the alarm's first line of evidence says which
 * rail the reading sits on, for either thermistor. On the seeded emulated rig.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("monitor: an open thermistor", () => {
  for (const [channel, cause, label] of [
    ["hot", "t_hot", "T_hot"],
    ["cold", "t_cold", "T_cold"],
  ] as const) {
    it(`${label}: the alarm says the thermistor reads open (rail high)`, () => {
      const rig = new EmulatedRig({
        seed: 2,
        setpoints: [NOMINAL],
        faults: [`sensor_open:start=10,channel=${channel}`],
      });
      const m = createMonitor();
      m.setSetpoints(rig.initialSetpoints, 0);
      while (rig.nextTS <= 12 + 1e-9) m.step(rig.next());
      const a = m.openAlarms().find((x) => x.cause === cause);
      expect(a?.evidence[0]).toBe(`${label} thermistor reads open (rail high)`);
    });
  }
});
