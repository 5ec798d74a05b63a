import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  fitLearnedDetector,
  LearnedScorer,
  scoreChannels,
  warmUpRows,
} from "../../src/detect/learned/learnedDetector.js";
import { correlatedChannels } from "./syntheticData.js";

const TRAIN = 400;

describe("learned detector", () => {
  it("flags an injected shift in correlated data and stays quiet on the nominal part", () => {
    const data = correlatedChannels({
      rows: 1200,
      channels: 4,
      seed: 21,
      fault: { from: 700, to: 900, channel: 2, shift: 4 },
    });
    const model = fitLearnedDetector(data.names, data.channels, TRAIN);
    const { anomaly } = scoreChannels(model, data.channels, 1200);
    let inFault = 0;
    let outside = 0;
    // The causal window still holds fault rows for windowRows - 1 rows after the fault ends.
    const tailEnd = 900 + model.features.windowRows - 1;
    for (let i = TRAIN; i < 1200; i++) {
      if (i >= 700 && i < 900) inFault += anomaly[i] as number;
      else if (i < 700 || i >= tailEnd) outside += anomaly[i] as number;
    }
    expect(inFault / 200).toBeGreaterThan(0.9);
    expect(outside).toBe(0);
    // The first alarm comes within the window plus the persistence delay.
    const first = anomaly.indexOf(1, TRAIN);
    expect(first).toBeGreaterThanOrEqual(700);
    expect(first).toBeLessThan(700 + model.features.windowRows + model.persistenceRows);
  });

  it("watches a channel that drifts in training by its slope, so the drift continuing is no alarm", () => {
    const rng = new SeededRng(22);
    const n = 1500;
    const flow = Float64Array.from({ length: n }, () => 32 + 0.4 * rng.normal());
    // A temperature still warming up: it leaves its training range for good after row 400.
    const temp = Float64Array.from({ length: n }, (_, i) => 20 + 0.01 * i + 0.02 * rng.normal());
    const model = fitLearnedDetector(["flow", "temp"], [flow, temp], TRAIN);
    expect(model.features.channelFeatures).toEqual(["mean", "slope"]);
    const { anomaly } = scoreChannels(model, [flow, temp], n);
    expect(anomaly.reduce((a, b) => a + b, 0)).toBe(0);
    // With the screen disabled the same drift alarms.
    const naive = fitLearnedDetector(["flow", "temp"], [flow, temp], TRAIN, { driftCutoff: 1 });
    expect(scoreChannels(naive, [flow, temp], n).anomaly.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
  });

  it("uses no row after the training rows: changing any of them leaves model and threshold identical", () => {
    const data = correlatedChannels({ rows: 700, channels: 3, seed: 23 });
    const reference = fitLearnedDetector(data.names, data.channels, TRAIN);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: TRAIN, max: 699 }),
            fc.integer({ min: 0, max: 2 }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (edits) => {
          const changed = data.channels.map((c) => Float64Array.from(c));
          for (const [row, ch, v] of edits) (changed[ch] as Float64Array)[row] = v;
          expect(fitLearnedDetector(data.names, changed, TRAIN)).toEqual(reference);
        },
      ),
      { seed: 24, numRuns: 30 },
    );
    // ... while a change inside the training rows does change it.
    const inside = data.channels.map((c) => Float64Array.from(c));
    (inside[0] as Float64Array)[TRAIN - 1] = 1e3;
    expect(fitLearnedDetector(data.names, inside, TRAIN)).not.toEqual(reference);
  });

  it("a higher threshold margin never raises more alarms (alarms are a subset)", () => {
    const data = correlatedChannels({
      rows: 900,
      channels: 3,
      seed: 25,
      fault: { from: 600, to: 700, channel: 0, shift: 2.5 },
    });
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        (m, factor) => {
          const low = scoreChannels(
            fitLearnedDetector(data.names, data.channels, TRAIN, { threshold: { kind: "max", margin: m } }),
            data.channels,
            900,
          ).anomaly;
          const high = scoreChannels(
            fitLearnedDetector(data.names, data.channels, TRAIN, {
              threshold: { kind: "max", margin: m * factor },
            }),
            data.channels,
            900,
          ).anomaly;
          for (let i = 0; i < 900; i++) if (high[i] === 1) expect(low[i]).toBe(1);
        },
      ),
      { seed: 26, numRuns: 15 },
    );
  });

  it("never alarms during warm-up and sets the threshold to the training maximum by default", () => {
    const data = correlatedChannels({ rows: 500, channels: 2, seed: 27 });
    const model = fitLearnedDetector(data.names, data.channels, TRAIN, {
      smoothingRows: 3,
      persistenceRows: 1,
    });
    expect(warmUpRows(model)).toBe(4 + 2);
    const s = new LearnedScorer(model);
    let maxTrain = 0;
    for (let i = 0; i < TRAIN; i++) {
      s.step([data.channels[0]?.[i] as number, data.channels[1]?.[i] as number]);
      if (i < warmUpRows(model)) expect(s.lastAnomaly).toBe(false);
      else maxTrain = Math.max(maxTrain, s.lastScore);
    }
    // Normalised scores on the training rows peak at exactly 1 (the threshold is their maximum).
    expect(maxTrain).toBeCloseTo(1, 12);
  });

  it("rejects bad settings naming the field", () => {
    const data = correlatedChannels({ rows: 100, channels: 2, seed: 28 });
    expect(() => fitLearnedDetector(data.names, data.channels, 5)).toThrow(/trainRows/);
    expect(() => fitLearnedDetector(data.names, data.channels, 200)).toThrow(ConfigError);
    expect(() => fitLearnedDetector(data.names, data.channels, 50, { windowRows: 0 })).toThrow(/windowRows/);
    expect(() => fitLearnedDetector(data.names, data.channels, 50, { persistenceRows: 1.5 })).toThrow(
      /persistenceRows/,
    );
    expect(() => fitLearnedDetector(["a"], data.channels, 50)).toThrow(/channelNames/);
  });
});
