import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  alarmsFromScores,
  channelSpread,
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
    expect(() => fitLearnedDetector(data.names, data.channels, 50, { holdRows: -1 })).toThrow(
      new ConfigError("holdRows", -1, "must be a whole number >= 0"),
    );
  });

  it("alarmsFromScores: no alarm in warm-up, an exceedance is a score above 1, then persistence and hold", () => {
    const model = {
      features: { windowRows: 3, channelFeatures: ["mean" as const], centre: [0], scale: [1] },
      smoothingRows: 1,
      persistenceRows: 1,
      holdRows: 1,
    };
    // Warm-up 2 rows (window 3); row 6 scores exactly 1 (not above): held from row 5.
    const score = [5, 5, 2, 0.5, 0.5, 2, 1, 0.9];
    expect(Array.from(alarmsFromScores(model, score))).toEqual([0, 0, 1, 1, 0, 1, 1, 0]);
    expect(Array.from(alarmsFromScores({ ...model, holdRows: 0 }, score))).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
    expect(Array.from(alarmsFromScores({ ...model, persistenceRows: 2 }, [0, 0, 2, 2, 0, 0]))).toEqual([
      0, 0, 0, 1, 1, 0,
    ]);
    // smoothingRows 2 adds a warm-up row.
    expect(Array.from(alarmsFromScores({ ...model, smoothingRows: 2, holdRows: 0 }, [2, 2, 2, 2]))).toEqual([
      0, 0, 0, 1,
    ]);
  });

  it("alarmsFromScores on a fitted model's scores gives the scorer's decisions", () => {
    const data = correlatedChannels({
      rows: 800,
      channels: 3,
      seed: 32,
      fault: { from: 600, to: 700, channel: 1, shift: 5 },
    });
    const model = fitLearnedDetector(data.names, data.channels, TRAIN, { persistenceRows: 3, holdRows: 4 });
    const { score, anomaly } = scoreChannels(model, data.channels, 800);
    expect(Array.from(alarmsFromScores(model, score))).toEqual(Array.from(anomaly));
    expect(anomaly.some((a) => a === 1)).toBe(true);
  });

  it("holdRows keeps each alarm on that many rows after it would have ended, and nothing else", () => {
    const data = correlatedChannels({ rows: 900, channels: 3, seed: 31 });
    // Two faults separated by nominal rows, so alarms start and end more than once.
    const [, second, third] = data.channels as Float64Array[];
    for (let i = 600; i < 640; i++) (second as Float64Array)[i] = ((second as Float64Array)[i] as number) + 6;
    for (let i = 700; i < 720; i++) (third as Float64Array)[i] = ((third as Float64Array)[i] as number) - 6;
    const options = { persistenceRows: 2, windowRows: 3 };
    const plain = fitLearnedDetector(data.names, data.channels, TRAIN, options);
    const held = fitLearnedDetector(data.names, data.channels, TRAIN, { ...options, holdRows: 7 });
    expect(held.threshold).toBe(plain.threshold);
    const a0 = scoreChannels(plain, data.channels, 900).anomaly;
    const a7 = scoreChannels(held, data.channels, 900).anomaly;
    let starts = 0;
    for (let i = 0; i < 900; i++) {
      // On when the plain alarm was on at this row or any of the 7 before it.
      let expected = 0;
      for (let k = Math.max(0, i - 7); k <= i; k++) expected |= a0[k] as number;
      expect(a7[i]).toBe(expected);
      if (a0[i] === 1 && (i === 0 || a0[i - 1] === 0)) starts++;
    }
    expect(starts).toBeGreaterThanOrEqual(2);
  });
});

describe("out-of-block calibration and the leave-block-out scale", () => {
  it("channelSpread: the standard deviation with one block; with K, the distance to the other blocks' mean", () => {
    const steps = [0, 0, 0, 0, 4, 4, 4, 4];
    // sd about the mean 2 is 2; each half lies 4 from the other half's mean.
    expect(channelSpread(steps, 8, 1)).toBeCloseTo(2, 12);
    expect(channelSpread(steps, 8, 2)).toBeCloseTo(4, 12);
    // Four blocks [0,0] [0,0] [4,4] [4,4]: a zero block's others have mean 16/6 = 8/3, a four
    // block's others 8/6 = 4/3, which is 8/3 from 4: every row lies 8/3 from its centre.
    expect(channelSpread(steps, 8, 4)).toBeCloseTo(8 / 3, 12);
    // Excluded rows are neither centres nor deviations: without row 0, one block -> sd of [0,0,0,4,4,4,4].
    const sd7 = Math.sqrt((3 * (16 / 7) ** 2 + 4 * (12 / 7) ** 2) / 7);
    expect(channelSpread(steps, 8, 1, (i) => i === 0)).toBeCloseTo(sd7, 12);
  });

  it("out-of-block scores hold the stated exceedance rate where in-sample scores overshoot it", () => {
    // Five seeded stationary runs; rate of rows scoring above a conformal threshold at alpha 1 %.
    const rate = (calibrationBlocks: number): number => {
      let exceed = 0;
      let rows = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const d = correlatedChannels({ rows: 20_400, channels: 4, seed });
        const model = fitLearnedDetector(d.names, d.channels, TRAIN, {
          threshold: { kind: "conformal", alpha: 0.01, margin: 1 },
          calibrationBlocks,
          persistenceRows: 1,
        });
        const { score } = scoreChannels(model, d.channels, 20_400);
        for (let i = TRAIN; i < 20_400; i++) exceed += (score[i] as number) > 1 ? 1 : 0;
        rows += 20_400 - TRAIN;
      }
      return exceed / rows;
    };
    const outOfBlock = rate(4);
    const inSample = rate(1);
    expect(outOfBlock).toBeLessThanOrEqual(0.01);
    expect(inSample).toBeGreaterThan(0.015);
  });

  it("keeps training isolation with out-of-block calibration and the block scale", () => {
    const data = correlatedChannels({ rows: 700, channels: 3, seed: 29 });
    const options = {
      calibrationBlocks: 4,
      scaleBlocks: 4,
      threshold: { kind: "pot", alpha: 0.01, initialQuantile: 0.9, margin: 1 },
    } as const;
    const reference = fitLearnedDetector(data.names, data.channels, TRAIN, options);
    const changed = data.channels.map((c) => Float64Array.from(c));
    for (let i = TRAIN; i < 700; i++) (changed[1] as Float64Array)[i] = 1e6;
    expect(fitLearnedDetector(data.names, changed, TRAIN, options)).toEqual(reference);
    expect(reference.calibrationBlocks).toBe(4);
  });

  it("refuses more blocks than the training rows can fit", () => {
    const data = correlatedChannels({ rows: 100, channels: 2, seed: 30 });
    // Two blocks of 10 rows leave 5 rows per fit; a 5-row window on 2 channels needs 7.
    expect(() => fitLearnedDetector(data.names, data.channels, 10, { calibrationBlocks: 2 })).toThrow(
      /calibrationBlocks/,
    );
    expect(() => fitLearnedDetector(data.names, data.channels, 40, { scaleBlocks: 0 })).toThrow(
      /scaleBlocks/,
    );
  });
});

describe("a level baseline that follows slow wander and holds still on exceedances", () => {
  const rows = 3000;
  /** Two noisy channels; after training, channel 0 wanders up by 4 noise sd over 2600 rows, and optionally steps down by 8 sd over [fault, fault + 300). */
  function wander(seed: number, fault?: number, wanderSd = 4): Float64Array[] {
    const rng = new SeededRng(seed);
    return [0, 1].map((c) =>
      Float64Array.from({ length: rows }, (_, i) => {
        let v = rng.normal();
        if (c === 0 && i >= TRAIN) v += (wanderSd * (i - TRAIN)) / (rows - TRAIN);
        if (c === 0 && fault !== undefined && i >= fault && i < fault + 300) v -= 8;
        return v;
      }),
    );
  }
  const options = {
    windowRows: 10,
    persistenceRows: 3,
    calibrationBlocks: 4,
    threshold: { kind: "pot", alpha: 0.001, initialQuantile: 0.9, margin: 1 },
  } as const;
  const alarms = (a: Uint8Array, from: number, to: number): number =>
    a.subarray(from, to).reduce((s, x) => s + x, 0);

  it("the training level alarms on the wander; the followed one no more than on a run without wander", () => {
    const ch = wander(61);
    const fixed = fitLearnedDetector(["a", "b"], ch, TRAIN, options);
    const followed = fitLearnedDetector(["a", "b"], ch, TRAIN, { ...options, baselineRows: 100 });
    expect(followed.threshold).toBe(fixed.threshold);
    // The same noise without the wander: the nominal exceedances of this threshold (9 rows).
    const still = wander(61, undefined, 0);
    const nominal = alarms(scoreChannels(fixed, still, rows).anomaly, TRAIN, rows);
    expect(nominal).toBeLessThan(20);
    expect(alarms(scoreChannels(fixed, ch, rows).anomaly, TRAIN, rows)).toBeGreaterThan(1000);
    expect(alarms(scoreChannels(followed, ch, rows).anomaly, TRAIN, rows)).toBeLessThanOrEqual(nominal + 3);
  });

  it("a step fault on top of the wander alarms for as long as it lasts, then clears", () => {
    const ch = wander(62, 2000);
    const followed = fitLearnedDetector(["a", "b"], ch, TRAIN, { ...options, baselineRows: 100 });
    const { anomaly } = scoreChannels(followed, ch, rows);
    // Held: after the window and persistence delays, every fault row alarms (no decay towards the
    // fault level, which a baseline that kept following would show within a few hundred rows).
    expect(alarms(anomaly, 2000 + 12, 2300)).toBe(300 - 12);
    // Outside the fault (and the window's tail after it) at most 1.5 % of the rows: isolated
    // nominal exceedances, not a fault that stays latched.
    expect(alarms(anomaly, TRAIN, 2000) + alarms(anomaly, 2300 + 10, rows)).toBeLessThan(0.015 * 2290);
    expect(alarms(anomaly, 2400, 2900)).toBeLessThan(10);
  });

  it("reset forgets the followed level", () => {
    const ch = wander(63);
    const model = fitLearnedDetector(["a", "b"], ch, TRAIN, { ...options, baselineRows: 100 });
    const s = new LearnedScorer(model);
    const sample = new Float64Array(2);
    const first: number[] = [];
    for (const pass of [0, 1]) {
      s.reset();
      for (let i = 0; i < 1500; i++) {
        sample[0] = ch[0]?.[i] as number;
        sample[1] = ch[1]?.[i] as number;
        s.step(sample);
        if (pass === 0) first.push(s.lastScore);
        else expect(s.lastScore).toBe(first[i]);
      }
    }
  });
});
