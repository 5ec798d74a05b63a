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

  it("tells a reboot from a wrap by a backward step of 2^31 ms or less, measured as a difference", () => {
    const half = 2 ** 31;
    // Back by exactly 2^31 ms: a reboot; rig time goes on from 2^31 + 5 ms.
    const atHalf = new TelemetryConverter(cal);
    const s = createRigSample();
    atHalf.convert(raw(half + 5, 0), s);
    atHalf.convert(raw(5, 0), s);
    expect(s.tS).toBe((half + 10) / 1000);
    // From 3e9 ms back to 1e9 ms (2e9 back, their sum 4e9 over 2^31): a reboot too.
    const late = new TelemetryConverter(cal);
    late.convert(raw(3e9, 0), s);
    late.convert(raw(1e9, 0), s);
    expect(s.tS).toBe(4e6);
  });

  it("takes a repeated t_ms as the same time, not as a reboot", () => {
    const conv = new TelemetryConverter(cal);
    const s = createRigSample();
    conv.convert(raw(7000, 0), s);
    conv.convert(raw(7000, 0), s);
    expect(s.tS).toBe(7);
    conv.convert(raw(7100, 3), s);
    expect(s.tS).toBe(7.1);
  });

  it("measures the flow over flowWindowS when given (2 s by default)", () => {
    // 30 pulses/s (4 L/min) for 5 s, then 60 pulses/s (8 L/min) for 2 s, in 100 ms samples: over
    // the last 2 s the flow is 8 L/min; over the last 5 s (2 s at 8, 3 s at 4) it is 5.6 L/min.
    const run = (flowWindowS?: number): number => {
      const conv = new TelemetryConverter(flowWindowS === undefined ? cal : { ...cal, flowWindowS });
      const s = createRigSample();
      let pulses = 0;
      for (let i = 0; i <= 70; i++) {
        conv.convert(raw(i * 100, pulses), s);
        pulses += i < 50 ? 3 : 6;
      }
      return s.flowLpm;
    };
    expect(run()).toBeCloseTo(8, 9);
    expect(run(5)).toBeCloseTo(5.6, 9);
  });

  it("adds each probe's calibration offset, the ambient one only when the probe is there", () => {
    const plain = new TelemetryConverter(cal);
    const offset = new TelemetryConverter({ ...cal, offsetsK: { hot: 0.5, cold: -0.25, amb: 1 } });
    const a = createRigSample();
    const b = createRigSample();
    const withAmb = raw(100, 0, { adcAmb: countsFromTempC(DEFAULT_THERMISTOR, 25) });
    plain.convert(withAmb, a);
    offset.convert(withAmb, b);
    expect(b.tHotC - a.tHotC).toBeCloseTo(0.5, 12);
    expect(b.tColdC - a.tColdC).toBeCloseTo(-0.25, 12);
    expect(b.tAmbC - a.tAmbC).toBeCloseTo(1, 12);
    expect(a.tAmbC).toBeCloseTo(25, 1);
    expect(offset.convert(raw(200, 0, { adcAmb: -1 }), b).tAmbC).toBeNaN();
  });
});
