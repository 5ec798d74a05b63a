/**
 * The HIL session on a mock-port rig (the emulator target's, which the fil target shares): the
 * handshake run on virtual time, the rig's clock and zero, the plant's truth, and the rig closed
 * with the source, also when the open is aborted.
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/hil/scenarioLoader.js";
import type { PlantTruth } from "../../src/hil/signals.js";
import { openMockPortSession, scenarioPlant } from "../../src/hil/targets/emulatorTarget.js";
import type { TargetOpenOptions } from "../../src/hil/targets/target.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../src/model/telemetryConverter.js";
import { InProcessEmulator } from "../../src/rig/emulator/inProcessEmulator.js";

let port = 0;

function setup(signal: AbortSignal) {
  const scenario = parseScenario("name: t\nseed: 3\nduration: 10\nexpect:\n  - no_alarm: any\n", "t.yaml");
  const options: TargetOpenOptions = {
    scenario,
    params: DEFAULT_LOOP_PARAMS,
    initialState: { tHotC: 41, tColdC: 33 },
    signal,
  };
  const plant = scenarioPlant(options, scenario.rig.ambientProbe);
  const emu = new InProcessEmulator({
    path: `/dev/ttySESSION${port++}`,
    device: { plant, seed: scenario.seed, hasAmbientProbe: scenario.rig.ambientProbe },
  });
  const closed: number[] = [];
  const open = () =>
    openMockPortSession(options, {
      name: "test",
      rig: emu,
      plant,
      calibration: DEFAULT_SENSOR_CALIBRATION,
      deviceStats: () => ({ ...emu.device.stats }),
      closeRig: async () => {
        closed.push(emu.nowMs);
      },
    });
  return { emu, open, closed };
}

describe("openMockPortSession", () => {
  it("handshakes on virtual time and gives the rig's clock, zero and the plant's truth", async () => {
    const { emu, open, closed } = setup(new AbortController().signal);
    const session = await open();
    expect(session.source.state).toBe("CONNECTED");
    expect(session.clock.nowMs()).toBe(emu.nowMs);
    // The DTR reset at open restarted the device's millis: the rig's zero is that reset.
    expect(session.rigZeroClockMs?.()).toBeCloseTo(emu.nowMs - emu.device.millis, 9);
    expect(session.rigZeroClockMs?.()).toBeGreaterThan(0);
    const truth: PlantTruth = { tHotC: 0, tColdC: 0, flowLpm: 0, uaRatio: 0, qInW: 0 };
    session.readTruth?.(truth);
    // The plant started at the preset state and has barely moved during the handshake.
    expect(Math.abs(truth.tHotC - 41)).toBeLessThan(1);
    expect(Math.abs(truth.tColdC - 33)).toBeLessThan(1);
    expect(session.deviceStats?.()).toMatchObject({ crcErrors: 0 });
    expect(closed).toEqual([]);
    await session.close();
    expect(session.source.state).toBe("DISCONNECTED");
    expect(closed).toHaveLength(1);
    expect(Number.isNaN(session.rigZeroClockMs?.())).toBe(true);
  });

  it("closes the source and the rig when the open is aborted, and throws", async () => {
    const ac = new AbortController();
    ac.abort();
    const { open, closed } = setup(ac.signal);
    await expect(open()).rejects.toThrow(/^test target: open aborted$/);
    expect(closed).toHaveLength(1);
  });
});
