import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_METER } from "../../src/model/flowMeter.js";
import { createRigSample } from "../../src/model/rigSample.js";
import { type RawTelemetry, TelemetryConverter } from "../../src/model/telemetryConverter.js";
import { countsFromTempC, DEFAULT_THERMISTOR } from "../../src/model/thermistor.js";

const cal = {
  hot: DEFAULT_THERMISTOR,
  cold: DEFAULT_THERMISTOR,
  amb: DEFAULT_THERMISTOR,
  flowMeter: DEFAULT_FLOW_METER,
};

function raw(tMs: number, pulses: number, over: Partial<RawTelemetry> = {}): RawTelemetry {
  return {
    seq: 0,
    tMs,
    adcHot: countsFromTempC(DEFAULT_THERMISTOR, 45),
    adcCold: countsFromTempC(DEFAULT_THERMISTOR, 40),
    adcAmb: -1,
    pulses,
    pumpDuty: 200,
    heaterDuty: 255,
    fanDuty: 0,
    flags: 0,
    ...over,
  };
}

describe("telemetry conversion", () => {
  it("converts counts and pulses to engineering units", () => {
    const conv = new TelemetryConverter(cal);
    const s = createRigSample();
    for (let i = 0; i <= 30; i++) conv.convert(raw(i * 100, i * 3), s); // 30 pulses/s = 4 L/min
    expect(s.tS).toBeCloseTo(3, 12);
    expect(s.tHotC).toBeCloseTo(45, 1);
    expect(s.tColdC).toBeCloseTo(40, 1);
    expect(s.tAmbC).toBeNaN();
    expect(s.flowLpm).toBeCloseTo(4, 9);
  });

  it("keeps rig time going across a t_ms wrap and the pulse wrap", () => {
    const conv = new TelemetryConverter(cal);
    const s = createRigSample();
    const start = 4294967296 - 1000;
    for (let i = 0; i <= 40; i++)
      conv.convert(raw((start + i * 100) % 4294967296, (4294967290 + i * 3) % 4294967296), s);
    expect(s.tS).toBeCloseTo((start + 4000) / 1000, 9);
    expect(s.flowLpm).toBeCloseTo(4, 9);
  });

  it("a reboot (t_ms going back) keeps rig time monotonic", () => {
    const conv = new TelemetryConverter(cal);
    const s = createRigSample();
    conv.convert(raw(50_000, 10), s);
    const before = s.tS;
    conv.convert(raw(120, 0), s);
    expect(s.tS).toBeGreaterThan(before);
    expect(s.tS).toBeCloseTo(50.12, 9);
  });
});
