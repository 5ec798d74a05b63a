import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  DEFAULT_FLOW_METER,
  FlowRateEstimator,
  pulseDelta,
  UINT32_RANGE,
  validateFlowMeterConfig,
} from "../../src/model/flowMeter.js";
import { FlowMeterSensor } from "../../src/model/flowMeterSensor.js";

describe("flow meter", () => {
  it("counts 450 pulses per litre (7.5 Hz per L/min)", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER);
    // 2 L/min for 60 s = 2 litres = 900 pulses, in 0.1 s steps.
    for (let i = 1; i <= 600; i++) meter.advance(i * 0.1, 0.1, 2);
    expect(meter.count).toBe(900);
  });

  it("carries fractional pulses so no flow is lost", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER);
    // 0.1 L/min at 0.1 s: 0.075 pulses a step; after 4000 steps exactly 300 pulses.
    for (let i = 1; i <= 4000; i++) meter.advance(i * 0.1, 0.1, 0.1);
    expect(Math.abs(meter.count - 300)).toBeLessThanOrEqual(1);
  });

  it("wraps at 2^32 and the delta survives the wrap", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER, UINT32_RANGE - 5);
    meter.advance(1, 1, 80); // 600 pulses
    expect(meter.count).toBe(595);
    expect(pulseDelta(UINT32_RANGE - 5, meter.count)).toBe(600);
  });

  it("a blockage reduces pulses by its level, ramping", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER);
    meter.addFault(parseFaultSpec("flow_blockage:start=10,severity=0.5"));
    for (let i = 1; i <= 99; i++) meter.advance(i * 0.1, 0.1, 4); // before onset: 3 pulses a step
    const before = meter.count;
    for (let i = 100; i <= 199; i++) meter.advance(i * 0.1, 0.1, 4); // from t = 10 s: 1.5 a step
    expect(before).toBe(297);
    expect(meter.count - before).toBe(150);
  });

  it("refuses a pulse rate that is not a finite number > 0, naming it under flowMeter or the field given", () => {
    expect(() => validateFlowMeterConfig({ kHzPerLpm: 0 })).toThrow(
      "flowMeter.kHzPerLpm: must be a finite number > 0 (got 0)",
    );
    expect(() => validateFlowMeterConfig({ kHzPerLpm: Number.NaN }, "rig.flow")).toThrow(
      "rig.flow.kHzPerLpm: must be a finite number > 0 (got NaN)",
    );
    expect(validateFlowMeterConfig({ kHzPerLpm: 7.5 })).toEqual({ kHzPerLpm: 7.5 });
  });

  it("refuses a window that is not > 0 s and a capacity that is not a whole number >= 2", () => {
    expect(() => new FlowRateEstimator(DEFAULT_FLOW_METER, 0)).toThrow("windowS: must be > 0 s (got 0)");
    expect(() => new FlowRateEstimator(DEFAULT_FLOW_METER, Number.NaN)).toThrow(
      "windowS: must be > 0 s (got NaN)",
    );
    expect(() => new FlowRateEstimator(DEFAULT_FLOW_METER, 2, 1)).toThrow(
      "capacity: must be an integer >= 2 (got 1)",
    );
    expect(() => new FlowRateEstimator(DEFAULT_FLOW_METER, 2, 2.5)).toThrow(
      "capacity: must be an integer >= 2 (got 2.5)",
    );
    // Two readings are enough for a rate: 15 pulses in 1 s at 7.5 Hz per L/min.
    const smallest = new FlowRateEstimator(DEFAULT_FLOW_METER, 2, 2);
    smallest.push(0, 100);
    expect(smallest.push(1, 115)).toBe(2);
  });

  it("keeps at most `capacity` readings: a window longer than they span measures over what is kept", () => {
    const est = new FlowRateEstimator(DEFAULT_FLOW_METER, 10, 4);
    const readings = [
      [0, 0],
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ] as const;
    for (const [t, p] of readings) est.push(t, p);
    // Kept: t = 2, 3, 4, 5 s; 60 pulses over 3 s is 20 Hz, 20 / 7.5 L/min.
    expect(est.push(5, 80)).toBeCloseTo(20 / 7.5, 12);
  });

  it("gives NaN, not Infinity, for readings that span no time", () => {
    const est = new FlowRateEstimator(DEFAULT_FLOW_METER, 2);
    expect(est.push(1, 0)).toBeNaN();
    expect(est.push(1, 10)).toBeNaN(); // 10 pulses in 0 s
  });

  it("forgets the history on reset, so a count restarted at 0 is not a wrap", () => {
    const est = new FlowRateEstimator(DEFAULT_FLOW_METER, 2);
    est.push(0, 5000);
    expect(est.push(1, 5030)).toBe(4); // 30 pulses in 1 s
    est.reset(); // the device rebooted: its count starts again
    expect(est.push(2, 0)).toBeNaN(); // one reading spans no time
    expect(est.push(3, 15)).toBe(2);
  });

  it("takes only flow_blockage faults, and forgets them on clearFaults", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER);
    // A failed pump stops the true flow, which the plant passes in; the meter ignores the spec.
    expect(meter.addFault(parseFaultSpec("pump_failure"))).toBe(false);
    meter.advance(1, 1, 4); // 4 L/min for 1 s at 7.5 Hz per L/min: 30 pulses
    expect(meter.count).toBe(30);
    expect(meter.addFault(parseFaultSpec("flow_blockage:severity=1"))).toBe(true);
    meter.advance(2, 1, 4); // a jammed rotor: no pulse
    expect(meter.count).toBe(30);
    meter.clearFaults();
    meter.advance(3, 1, 4);
    expect(meter.count).toBe(60);
  });

  it("restarts at zero on resetCount, the carried fraction too", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER, 1000);
    meter.advance(0.1, 0.1, 2); // 1.5 pulses: 1 counted, 0.5 carried
    expect(meter.count).toBe(1001);
    meter.resetCount();
    expect(meter.count).toBe(0);
    meter.advance(0.2, 0.1, 2); // 1.5 pulses again; with the 0.5 kept it would be 2
    expect(meter.count).toBe(1);
  });

  it("counts nothing for a reverse flow (the rotor's pickup gives no direction)", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER, 7);
    meter.advance(1, 1, -2);
    expect(meter.count).toBe(7);
    meter.advance(2, 1, 2); // and nothing owed is taken back: 15 pulses
    expect(meter.count).toBe(22);
  });

  it("the host estimator recovers the flow over its window, across a wrap", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER, UINT32_RANGE - 100);
    const est = new FlowRateEstimator(DEFAULT_FLOW_METER, 2);
    let flow = Number.NaN;
    for (let i = 0; i <= 200; i++) flow = est.push(i * 0.1, meter.advance(i * 0.1, 0.1, 3));
    // 2 s window at 22.5 Hz: 45 pulses, resolution 1/45.
    expect(flow).toBeGreaterThan(3 * (1 - 1 / 40));
    expect(flow).toBeLessThan(3 * (1 + 1 / 40));
    expect(new FlowRateEstimator().push(0, 0)).toBeNaN();
  });

  it("pulseDelta is (next - prev + 2^32) % 2^32 to the bit, for counts and for any other number", () => {
    const modulo = (prev: number, next: number): number => (next - prev + UINT32_RANGE) % UINT32_RANGE;
    const same = (prev: number, next: number): void => {
      expect(Object.is(pulseDelta(prev, next), modulo(prev, next)), `prev ${prev}, next ${next}`).toBe(true);
    };
    const u32 = fc.integer({ min: 0, max: UINT32_RANGE - 1 });
    fc.assert(fc.property(u32, u32, (prev, next) => same(prev, next)));
    fc.assert(fc.property(fc.double(), fc.double(), (prev, next) => same(prev, next)));
    const edges = [
      0,
      -0,
      1,
      0.5,
      UINT32_RANGE - 1,
      UINT32_RANGE,
      2 * UINT32_RANGE,
      -UINT32_RANGE,
      1e300,
      -1e300,
    ];
    for (const prev of [...edges, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      for (const next of [...edges, Number.NaN, Number.POSITIVE_INFINITY]) same(prev, next);
    expect(pulseDelta(5, 5)).toBe(0);
    expect(pulseDelta(UINT32_RANGE - 1, 0)).toBe(1);
    expect(pulseDelta(0, UINT32_RANGE - 1)).toBe(UINT32_RANGE - 1);
  });

  it("keeps the newest readings in its ring as it wraps: the flow is over the oldest one kept", () => {
    // Cumulative pulses k² at t = k/10 s: the pulses over the last j intervals are k² - (k - j)².
    const small = new FlowRateEstimator(DEFAULT_FLOW_METER, 2, 4); // the ring (4 readings) is shorter than the window
    const trimmed = new FlowRateEstimator(DEFAULT_FLOW_METER, 0.25, 8); // the 0.25 s window keeps 4 readings
    for (let k = 0; k <= 40; k++) {
      const a = small.push(k / 10, k * k);
      const b = trimmed.push(k / 10, k * k);
      if (k < 3) continue;
      const expected = (k * k - (k - 3) ** 2) / 0.3 / 7.5;
      expect(a).toBeCloseTo(expected, 9);
      expect(b).toBeCloseTo(expected, 9);
    }
  });
});
