import { describe, expect, it } from "vitest";
import { resolveAlarmManagerOptions } from "../../src/detect/alarms/alarmManager.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import {
  applyTuningText,
  defaultTuning,
  describeTuning,
  type MonitorTuning,
} from "../../src/session/tuning.js";

const base: MonitorTuning = {
  params: DEFAULT_LOOP_PARAMS,
  alarm: resolveAlarmManagerOptions(),
  detectors: {},
};

describe("the t form: twin parameters and alarm thresholds", () => {
  it("applies NAME=VALUE pairs to the twin and the alarm options", () => {
    const t = applyTuningText(
      base,
      "UA=12.5, alarm.raiseLevel=1.5 alarm.clearLevel=1.2 detectors.flowBandLpm=0.4",
    );
    expect(t.detectors).toEqual({ flowBandLpm: 0.4 });
    expect(t.params.UA).toBe(12.5);
    expect(t.params.C_hot).toBe(DEFAULT_LOOP_PARAMS.C_hot);
    expect(t.alarm.raiseLevel).toBe(1.5);
    expect(t.alarm.clearLevel).toBe(1.2);
    expect(base.params.UA).toBe(DEFAULT_LOOP_PARAMS.UA);
  });

  it("refuses bad input with a message naming the field and value, changing nothing", () => {
    expect(() => applyTuningText(base, "UA=-3")).toThrow(/UA/);
    expect(() => applyTuningText(base, "UA=abc")).toThrow(/UA: must be a finite number \(got "abc"\)/);
    expect(() => applyTuningText(base, "Ua=3")).toThrow(/Ua: unknown name/);
    expect(() => applyTuningText(base, "UA")).toThrow(/expected NAME=VALUE/);
    expect(() => applyTuningText(base, "   ")).toThrow(/expected NAME=VALUE pairs/);
    expect(() => applyTuningText(base, "detectors.flowBandLpm=0")).toThrow(
      /detectors\.flowBandLpm: must be > 0/,
    );
    expect(() => applyTuningText(base, "alarm.clearLevel=5")).toThrow(
      /alarm\.clearLevel: must be < alarm\.raiseLevel/,
    );
  });

  it("describes the current values as NAME=VALUE that applyTuningText accepts back", () => {
    const lines = describeTuning(applyTuningText(base, "detectors.temperatureBandK=0.5"));
    expect(lines).toContain("detectors.temperatureBandK=0.5");
    expect(lines).toContain(`UA=${DEFAULT_LOOP_PARAMS.UA}`);
    expect(lines).toContain("alarm.raiseLevel=1");
    expect(applyTuningText(base, lines.join(" "))).toEqual({ ...base, detectors: { temperatureBandK: 0.5 } });
  });
});

describe("the tuning builds the detection pipeline's monitor", () => {
  it("defaults are the monitor's, detector thresholds included, and the form round-trips them", () => {
    const d = defaultTuning();
    expect(d.params).toEqual(DEFAULT_LOOP_PARAMS);
    expect(Object.keys(d.detectors).sort()).toEqual([
      "commonModeBandK",
      "deltaTBandK",
      "flowBandLpm",
      "pumpEvidenceNats",
      "temperatureBandK",
    ]);
    expect(d.detectors.flowBandLpm).toBeGreaterThan(0);
    expect(applyTuningText(d, describeTuning(d).join(" "))).toEqual(d);
  });

  it("detector thresholds reach the monitor, which refuses bad ones naming the field", async () => {
    const { createMonitor } = await import("../../src/detect/monitor/monitor.js");
    const t = applyTuningText(
      base,
      "UA=12 alarm.raiseLevel=1.5 detectors.flowBandLpm=0.4 detectors.temperatureBandK=0.7 detectors.pumpEvidenceNats=8",
    );
    const monitor = createMonitor({ params: t.params, alarm: t.alarm, detectors: t.detectors });
    // The values typed in the form, not the defaults (UA 10, raise 1, bands 0.3, evidence 10 nats).
    expect(monitor.config.params.UA).toBe(12);
    expect(monitor.config.alarm.raiseLevel).toBe(1.5);
    expect(monitor.config.detectors.flowBandLpm).toBe(0.4);
    expect(monitor.config.detectors.temperatureBandK).toBe(0.7);
    expect(monitor.config.detectors.pumpEvidenceNats).toBe(8);
    expect(monitor.config.detectors.commonModeBandK).toBe(0.3);
    // ... and the bands the dashboard draws are the ones the detectors use.
    expect(monitor.output.bandFlowLpm).toBe(0.4);
    expect(monitor.output.bandTHotK).toBe(0.7);
    expect(monitor.output.bandTColdK).toBe(0.7);
    const bad = applyTuningText(base, "detectors.deltaTBandK=1e-12");
    expect(bad.detectors).toEqual({ deltaTBandK: 1e-12 });
    expect(() =>
      createMonitor({ params: t.params, alarm: t.alarm, detectors: { ...t.detectors, flowBandLpm: -1 } }),
    ).toThrow(/detectors\.flowBandLpm: must be > 0/);
  });
});
