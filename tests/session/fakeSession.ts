/** A LiveSession's options on a fake source and scripted monitors, for the tests of its observers. */
import { resolveAlarmManagerOptions } from "../../src/detect/alarms/alarmManager.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";
import type { LiveSessionOptions } from "../../src/session/liveSession.js";
import { SwitchableRecordSink } from "../../src/session/recordSwitch.js";
import { FakeMonitor } from "./fakeMonitor.js";
import { FakeSource } from "./fakeSource.js";

/**
 * The emulator at pump 200, heater 255, fan 255, with no recording; `monitors` receives every
 * monitor built (the last is in use). Override any option with `overrides`.
 */
export function fakeSessionOptions(overrides: Partial<LiveSessionOptions> = {}) {
  const source = new FakeSource();
  const scheduler = new VirtualScheduler();
  const monitors: FakeMonitor[] = [];
  const options: LiveSessionOptions = {
    source,
    sourceLabel: "emulator",
    recordedSource: { kind: "emulator" },
    emulator: true,
    readOnly: false,
    sourceRecordsSamples: true,
    createMonitor: () => {
      const m = new FakeMonitor();
      monitors.push(m);
      return m;
    },
    tuning: { params: DEFAULT_LOOP_PARAMS, alarm: resolveAlarmManagerOptions(), detectors: {} },
    setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
    scheduler,
    records: new SwitchableRecordSink(),
    openRecording: () => {
      throw new Error("no recording in this test");
    },
    ...overrides,
  };
  return { options, source, scheduler, monitors };
}
