import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { FlowWindowPredictor } from "../../src/detect/twins/flowWindowPredictor.js";
import { DEFAULT_FLOW_METER, FlowRateEstimator } from "../../src/model/flowMeter.js";
import { FlowMeterSensor } from "../../src/model/flowMeterSensor.js";

const K = DEFAULT_FLOW_METER.kHzPerLpm;

/** A piecewise-constant true flow [L/min]. */
function flowAt(t: number): number {
  if (t < 10) return 3.85;
  if (t < 20) return 2.1;
  if (t < 25) return 0;
  return 4.6;
}

describe("flow window predictor", () => {
  it("averages the twin's flow exactly as the host's estimator averages the meter", () => {
    const rng = new SeededRng(5);
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER, 4294967000);
    const host = new FlowRateEstimator(DEFAULT_FLOW_METER, 2);
    const pred = new FlowWindowPredictor({ windowS: 2, kHzPerLpm: K });
    let t = 0;
    let worst = 0;
    let intervalVolume = 0;
    let pulsesSeen = 0;
    let prevPulses = meter.count;
    for (let i = 0; i < 400; i++) {
      const dt = 0.1 + 0.01 * (rng.uniform() - 0.5);
      // The flow is constant over each interval (set at its start), as the twin assumes.
      const q = flowAt(t);
      t += dt;
      const pulses = meter.advance(t, dt, q);
      // The first reading has no interval before it.
      if (i > 0) pulsesSeen += (pulses - prevPulses + 4294967296) % 4294967296;
      prevPulses = pulses;
      const measured = host.push(t, pulses);
      pred.advance(t, q);
      pred.push(t, pulses);
      if (Number.isFinite(pred.intervalLpm)) intervalVolume += pred.intervalLpm * dt * K;
      if (!Number.isFinite(measured)) continue;
      // The meter loses at most one pulse against the true volume: 1 pulse / (K span).
      const tolerance = 1 / (K * pred.spanS) + 1e-9;
      worst = Math.max(worst, Math.abs(measured - pred.predictedLpm) / tolerance);
      expect(Math.abs(measured - pred.predictedLpm)).toBeLessThanOrEqual(tolerance);
    }
    expect(worst).toBeGreaterThan(0.1);
    // Summed over time the per-interval flow is exactly the pulses counted (uint32 wrap included).
    expect(intervalVolume).toBeCloseTo(pulsesSeen, 6);
    expect(pred.windowFull).toBe(true);
  });

  it("the short window tells a stopped meter within its length", () => {
    const meter = new FlowMeterSensor(DEFAULT_FLOW_METER);
    const pred = new FlowWindowPredictor({ windowS: 2, shortWindowS: 0.5 });
    let stoppedAt = Number.NaN;
    for (let i = 1; i <= 100; i++) {
      const t = i / 10;
      const q = t <= 5 ? 3.85 : 0;
      const pulses = meter.advance(t, 0.1, q);
      pred.advance(t, 3.85);
      pred.push(t, pulses);
      if (t > 5 && Number.isNaN(stoppedAt) && pred.shortMeasuredLpm < 0.1 * pred.shortPredictedLpm)
        stoppedAt = t;
    }
    expect(stoppedAt - 5).toBeGreaterThan(0);
    expect(stoppedAt - 5).toBeLessThanOrEqual(0.6 + 1e-9);
  });

  it("restarts with the host's estimator after a reset (a reboot)", () => {
    const pred = new FlowWindowPredictor();
    for (let i = 0; i < 30; i++) {
      pred.advance(i / 10, 3);
      pred.push(i / 10, i * 2);
    }
    expect(pred.windowFull).toBe(true);
    pred.reset();
    pred.advance(3, 3);
    pred.push(3, 0);
    expect(pred.predictedLpm).toBeNaN();
    expect(pred.intervalLpm).toBeNaN();
    expect(pred.windowFull).toBe(false);
  });

  it("validates its options, naming them", () => {
    expect(() => new FlowWindowPredictor({ windowS: 0 })).toThrow("flowWindowS: must be > 0 (got 0)");
    expect(() => new FlowWindowPredictor({ kHzPerLpm: 0 })).toThrow(
      "flowMeter.kHzPerLpm: must be > 0 (got 0)",
    );
    expect(() => new FlowWindowPredictor({ shortWindowS: 0 })).toThrow("shortWindowS: must be > 0 (got 0)");
    expect(() => new FlowWindowPredictor({ capacity: 1 })).toThrow(
      "capacity: must be an integer in [2, 1048576] (got 1)",
    );
    expect(() => new FlowWindowPredictor({ windowS: 1, shortWindowS: 2 })).toThrow(
      "shortWindowS: must be <= the window (1 s) (got 2)",
    );
    // A short window as long as the window is allowed.
    expect(new FlowWindowPredictor({ windowS: 1, shortWindowS: 1 }).shortWindowS).toBe(1);
  });

  it("reads the interval flow across the ring's wrap (a small capacity)", () => {
    // Capacity 3: the fourth reading goes to index 0, and its previous reading is at index 2.
    // 10 pulses/s per L/min; pulses 0, 10, 30, 60, 100 a second apart: 1, 2, 3, 4 L/min.
    const pred = new FlowWindowPredictor({ windowS: 100, kHzPerLpm: 10, capacity: 3 });
    const pulses = [0, 10, 30, 60, 100];
    const interval: number[] = [];
    const span: number[] = [];
    const short: [number, number][] = [];
    for (let i = 0; i < pulses.length; i++) {
      pred.advance(i + 1, 2);
      pred.push(i + 1, pulses[i]!);
      interval.push(pred.intervalLpm);
      span.push(pred.spanS);
      short.push([pred.shortMeasuredLpm, pred.shortPredictedLpm]);
    }
    expect(interval).toEqual([Number.NaN, 1, 2, 3, 4]);
    // The short window (0.5 s) reaches back one reading, also across the wrap.
    expect(short).toEqual([
      [Number.NaN, Number.NaN],
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
    // The ring keeps three readings, so the estimate spans at most 2 s of the 100 s window.
    expect(span).toEqual([0, 1, 2, 2, 2]);
    expect(pred.predictedLpm).toBe(2);
  });

  it("keeps the short window when the ring is full and the new reading overwrites its start", () => {
    // Capacity 2, readings 0.1 s apart: the short window (0.5 s) reaches back to the older of the
    // two kept readings, whose slot the next reading takes over.
    const pred = new FlowWindowPredictor({ windowS: 2, kHzPerLpm: 10, capacity: 2 });
    const short: number[] = [];
    for (let i = 0; i <= 4; i++) {
      pred.advance(i / 10, 3);
      pred.push(i / 10, 3 * i);
      short.push(pred.shortMeasuredLpm);
    }
    // 3 pulses per 0.1 s at 10 pulses/s per L/min: 3 L/min over every 0.1 s span.
    expect(short[0]).toBeNaN();
    for (const q of short.slice(1)) expect(q).toBeCloseTo(3, 12);
    expect(pred.shortPredictedLpm).toBeCloseTo(3, 12);
  });

  it("a reading without a pulse count leaves the count alone and counts on from the last known one", () => {
    // 10 pulses/s per L/min, readings a second apart, the twin at 2 L/min throughout.
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    const seen: [number, number, number][] = [];
    const readings: [number, number][] = [
      [1, 0],
      [2, Number.NaN],
      [3, 20],
      [4, 30],
    ];
    for (const [t, pulses] of readings) {
      pred.advance(t, 2);
      pred.push(t, pulses);
      seen.push([pred.intervalLpm, pred.shortMeasuredLpm, pred.predictedLpm]);
    }
    expect(seen).toEqual([
      [Number.NaN, Number.NaN, Number.NaN],
      // No count: no measured flow; the twin's is there.
      [Number.NaN, Number.NaN, 2],
      // 20 pulses since the last count, over the 1 s since the last reading (the interval flows
      // still add up to the pulses counted); the short window (0.5 s) reaches back to 2 s.
      [2, 2, 2],
      [1, 1, 2],
    ]);
  });

  it("starts the twin's volume clock at the first reading when no advance came before it", () => {
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    pred.push(0, 0);
    pred.advance(1, 3);
    pred.push(1, 30);
    // 3 L/min from 0 s to 1 s.
    expect(pred.predictedLpm).toBe(3);
  });

  it("ignores a second reading at the same time and counts its pulses at the next", () => {
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    pred.push(1, 30);
    pred.push(2, 40);
    // 10 pulses over 1 s at 10 Hz per L/min.
    expect(pred.intervalLpm).toBe(1);
    expect(pred.ignoredReadings).toBe(0);
    pred.push(2, 50);
    expect(pred.ignoredReadings).toBe(1);
    expect([pred.intervalLpm, pred.spanS, pred.shortMeasuredLpm]).toEqual([1, 1, 1]);
    pred.push(3, 70);
    // 70 - 40 pulses over the second from 2 s: the ignored reading's 10 are not lost.
    expect(pred.intervalLpm).toBe(3);
    expect(pred.spanS).toBe(2);
  });

  it("ignores a reading older than the newest one: no figure moves and the clock does not rewind", () => {
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    pred.advance(0, 3);
    pred.push(0, 0);
    pred.advance(1, 3);
    pred.push(1, 30);
    const before = [
      pred.intervalLpm,
      pred.spanS,
      pred.predictedLpm,
      pred.shortMeasuredLpm,
      pred.shortPredictedLpm,
    ];
    // 30 pulses over 1 s at 10 Hz per L/min = 3 L/min; the twin at 3 L/min over the 1 s span.
    expect(before).toEqual([3, 1, 3, 3, 3]);
    pred.advance(0.5, 3);
    pred.push(0.5, 30);
    expect(pred.ignoredReadings).toBe(1);
    expect([
      pred.intervalLpm,
      pred.spanS,
      pred.predictedLpm,
      pred.shortMeasuredLpm,
      pred.shortPredictedLpm,
    ]).toEqual(before);
    pred.advance(2, 3);
    pred.push(2, 60);
    // 3 L/min from 0 s to 2 s, each second counted once: 6 L/min·s over the 2 s span.
    expect(pred.spanS).toBe(2);
    expect(pred.predictedLpm).toBe(3);
    expect(pred.intervalLpm).toBe(3);
  });

  it("keeps the newest reading at least the window old, and is full at exactly the window", () => {
    // windowS = 2, readings every 0.5 s (exact in binary), the twin at 2 L/min.
    const pred = new FlowWindowPredictor({ windowS: 2, kHzPerLpm: 10 });
    const span: number[] = [];
    const full: boolean[] = [];
    const short: number[] = [];
    const pulses = [0, 10, 30, 60, 100, 150];
    for (let i = 0; i <= 5; i++) {
      pred.advance(i / 2, 2);
      pred.push(i / 2, pulses[i]!);
      span.push(pred.spanS);
      full.push(pred.windowFull);
      short.push(pred.shortMeasuredLpm);
    }
    // The short window (0.5 s) likewise keeps the reading exactly 0.5 s old: 10, 20, ... pulses
    // per 0.5 s at 10 pulses/s per L/min.
    expect(short).toEqual([Number.NaN, 2, 4, 6, 8, 10]);
    // At 2.5 s the reading at 0.5 s is exactly 2 s old: it stays, the one at 0 s goes.
    expect(span).toEqual([0, 0.5, 1, 1.5, 2, 2]);
    expect(full).toEqual([false, false, false, false, true, true]);
    expect(pred.predictedLpm).toBe(2);
    // Full to within one part in 10^6: a span of exactly (1 - 1e-6) windows counts.
    const edge = new FlowWindowPredictor({ windowS: 1 });
    edge.push(0, 0);
    edge.push(1 - 1e-6, 0);
    expect(edge.windowFull).toBe(true);
  });

  it("ignores a reading at no finite time, first or later, and starts on the next good one", () => {
    const first = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    for (const t of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) first.push(t, 0);
    expect(first.ignoredReadings).toBe(3);
    first.push(1, 0);
    first.push(2, 10);
    // 10 pulses over 1 s: had a non-finite time been kept, the span would not be 1 s.
    expect([first.spanS, first.intervalLpm, first.shortMeasuredLpm]).toEqual([1, 1, 1]);
    first.push(Number.NaN, 20);
    expect(first.ignoredReadings).toBe(4);
    expect([first.spanS, first.intervalLpm]).toEqual([1, 1]);
  });

  it("gives no predicted or short-window flow before two readings span some time", () => {
    const one = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    one.advance(0, 3);
    one.push(0, 0);
    expect(one.spanS).toBe(0);
    expect(one.predictedLpm).toBeNaN();
    expect(one.intervalLpm).toBeNaN();
    expect(one.shortMeasuredLpm).toBeNaN();
    expect(one.shortPredictedLpm).toBeNaN();
  });

  it("leaves the twin's clock where advance put it when a reading comes at an earlier time", () => {
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    pred.advance(0, 3);
    pred.push(0, 0);
    // The twin is brought to 2 s, then a reading at 1 s: 3 L/min x 2 s is counted once.
    pred.advance(2, 3);
    pred.push(1, 10);
    pred.advance(3, 3);
    pred.push(3, 30);
    // 3 L/min from 0 s to 3 s: 9 L/min·s over the 3 s span.
    expect(pred.spanS).toBe(3);
    expect(pred.predictedLpm).toBe(3);
  });

  it("ignores an advance to an earlier time and any flow over a zero-length interval", () => {
    const pred = new FlowWindowPredictor({ windowS: 10, kHzPerLpm: 10 });
    pred.advance(0, 3);
    pred.push(0, 0);
    pred.advance(1, 3);
    pred.push(1, 30);
    // Back in time: no volume taken off, and the clock stays at 1 s.
    pred.advance(0.5, 10);
    // No time elapsed: the flow, even unknown or unbounded, adds nothing.
    pred.advance(1, Number.NaN);
    pred.advance(1, Number.POSITIVE_INFINITY);
    pred.advance(2, 3);
    pred.push(2, 60);
    // 3 L/min over 2 s: 6 L/min·s.
    expect(pred.predictedLpm).toBe(3);
    expect(pred.shortPredictedLpm).toBe(3);
  });

  it("never reports a negative or non-finite flow for any reading sequence (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 0.001, max: 5, noNaN: true }), fc.integer({ min: 0, max: 4294967295 })),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (steps) => {
          const pred = new FlowWindowPredictor();
          let t = 0;
          for (const [dt, pulses] of steps) {
            t += dt;
            pred.advance(t, 2);
            pred.push(t, pulses);
            const p = pred.predictedLpm;
            if (!(Number.isNaN(p) || (p >= 0 && Number.isFinite(p)))) return false;
            const q = pred.intervalLpm;
            if (!(Number.isNaN(q) || q >= 0)) return false;
          }
          return true;
        },
      ),
    );
  });
});
