import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  alarmsFromScores,
  channelSpread,
  fitLearnedDetector,
  type LearnedDetectorOptions,
  type LearnedModel,
  LearnedScorer,
  resolveLearnedDetectorOptions,
  scoreChannels,
  warmUpRows,
} from "../../src/detect/learned/learnedDetector.js";
import { configMessage } from "./configMessage.js";
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

describe("options and their checks, in full", () => {
  it("the defaults (module comment): pca, 5-row window, cutoff 0.5, max rule, persistence 5, the rest 1 or 0", () => {
    expect(resolveLearnedDetectorOptions()).toEqual({
      detector: "pca",
      windowRows: 5,
      driftCutoff: 0.5,
      pca: { varianceFraction: 0.9 },
      iforest: { trees: 100, sampleRows: 256, seed: 1 },
      threshold: { kind: "max", margin: 1 },
      smoothingRows: 1,
      persistenceRows: 5,
      holdRows: 0,
      calibrationBlocks: 1,
      scaleBlocks: 1,
      baselineRows: 0,
    });
    // A partial setting overrides only its field.
    expect(resolveLearnedDetectorOptions({ windowRows: 1, baselineRows: 7 })).toMatchObject({
      windowRows: 1,
      baselineRows: 7,
      persistenceRows: 5,
    });
  });

  it("each refused setting names its field, the rule and the value", () => {
    const bad: [Partial<LearnedDetectorOptions>, string][] = [
      [
        { detector: "svm" as LearnedDetectorOptions["detector"] },
        'detector: must be one of pca, iforest (got "svm")',
      ],
      [{ windowRows: 0 }, "windowRows: must be a whole number >= 1 (got 0)"],
      [{ windowRows: 2.5 }, "windowRows: must be a whole number >= 1 (got 2.5)"],
      [{ driftCutoff: -0.5 }, "driftCutoff: must be a number >= 0 (got -0.5)"],
      [{ driftCutoff: Number.NaN }, "driftCutoff: must be a number >= 0 (got NaN)"],
      [{ driftCutoff: Number.POSITIVE_INFINITY }, "driftCutoff: must be a number >= 0 (got Infinity)"],
      [{ pca: { varianceFraction: 0 } }, "pca.varianceFraction: must be in (0, 1] (got 0)"],
      [
        { iforest: { trees: 0, sampleRows: 256, seed: 1 } },
        "iforest.trees: must be a whole number >= 1 (got 0)",
      ],
      [{ threshold: { kind: "max", margin: 0 } }, "threshold.margin: must be finite and > 0 (got 0)"],
      [{ smoothingRows: 0 }, "smoothingRows: must be a whole number >= 1 (got 0)"],
      [{ persistenceRows: 0 }, "persistenceRows: must be a whole number >= 1 (got 0)"],
      [{ holdRows: 0.5 }, "holdRows: must be a whole number >= 0 (got 0.5)"],
      [{ calibrationBlocks: 0 }, "calibrationBlocks: must be a whole number >= 1 (got 0)"],
      [{ scaleBlocks: 0 }, "scaleBlocks: must be a whole number >= 1 (got 0)"],
      [{ baselineRows: -1 }, "baselineRows: must be a whole number >= 0 (got -1)"],
    ];
    for (const [partial, message] of bad)
      expect(configMessage(() => resolveLearnedDetectorOptions(partial))).toBe(message);
    // The smallest allowed value of each, and a cutoff of exactly 0, are accepted.
    expect(() =>
      resolveLearnedDetectorOptions({
        windowRows: 1,
        driftCutoff: 0,
        smoothingRows: 1,
        persistenceRows: 1,
        holdRows: 0,
        calibrationBlocks: 1,
        scaleBlocks: 1,
        baselineRows: 0,
      }),
    ).not.toThrow();
  });

  it("fitLearnedDetector refuses bad channels and training spans in full", () => {
    const a = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i) + (i % 3));
    const b = Float64Array.from({ length: 30 }, (_, i) => Math.cos(i * 1.3) - (i % 4));
    expect(configMessage(() => fitLearnedDetector([], [], 10))).toBe(
      "channels: need at least one channel (got 0)",
    );
    expect(configMessage(() => fitLearnedDetector(["a"], [a, b], 10))).toBe(
      "channelNames: must name all 2 channels (got 1)",
    );
    expect(configMessage(() => fitLearnedDetector(["a", "b"], [a, b], 0))).toBe(
      "trainRows: must be a whole number >= 1 (got 0)",
    );
    // The second channel is the short one, and is named.
    expect(configMessage(() => fitLearnedDetector(["a", "b"], [a, b], 31))).toBe(
      "trainRows: channel b has only 30 rows (got 31)",
    );
    // All of a channel's rows may be training rows.
    expect(fitLearnedDetector(["a", "b"], [a, b], 30).trainRows).toBe(30);
  });

  it("the fewest training rows: window - 1 + channels + 1 + smoothing - 1", () => {
    const ch = [0, 1, 2].map((c) =>
      Float64Array.from({ length: 20 }, (_, i) => Math.sin(1.7 * i + c) + ((i * (c + 2)) % 5)),
    );
    const names = ["x", "y", "z"];
    // 4-row window, 3 channels, smoothing 2: 3 + 3 + 1 + 1 = 8.
    const options = { windowRows: 4, smoothingRows: 2 };
    expect(configMessage(() => fitLearnedDetector(names, ch, 7, options))).toBe(
      "trainRows: too few for 3 channels with a 4-row window (need at least 8) (got 7)",
    );
    expect(fitLearnedDetector(names, ch, 8, options).trainRows).toBe(8);
  });

  it("the fewest training rows per out-of-block fit: whole windows on each side of the block", () => {
    const ch = [0, 1].map((c) =>
      Float64Array.from({ length: 20 }, (_, i) => Math.sin(1.7 * i + c) + ((i * (c + 2)) % 5)),
    );
    // 5-row window on 2 channels needs 7 rows, so 7 - 4 = 3 whole windows. Two blocks of 13 rows:
    // without block 2 (rows 6-12) rows 0-5 give 6 - 4 = 2 windows; of 14, rows 0-6 give 3.
    expect(configMessage(() => fitLearnedDetector(["a", "b"], ch, 13, { calibrationBlocks: 2 }))).toBe(
      "calibrationBlocks: too many for 13 training rows: the fit without block 2 (rows 6 to 12) has 2 of the 3 windows of 5 rows it needs (got 2)",
    );
    expect(fitLearnedDetector(["a", "b"], ch, 14, { calibrationBlocks: 2 }).calibrationBlocks).toBe(2);
    // Three blocks: the middle block's fit has a run on each side, each 4 rows short of a window.
    const longer = [0, 1].map((c) =>
      Float64Array.from({ length: 40 }, (_, i) => Math.sin(1.7 * i + c) + ((i * (c + 2)) % 5)),
    );
    const three = (rows: number): string =>
      configMessage(() => fitLearnedDetector(["a", "b"], longer, rows, { calibrationBlocks: 3 }));
    // 11 rows: blocks of 3; without rows 3-5, rows 0-2 give none and rows 6-10 one.
    expect(three(11)).toBe(
      "calibrationBlocks: too many for 11 training rows: the fit without block 2 (rows 3 to 5) has 1 of the 3 windows of 5 rows it needs (got 3)",
    );
    // 12 rows: blocks of 4; rows 0-3 and 8-11 are each too short for a window. (Counting rows
    // alone, 8 of them, let this through to a fit with no feature rows.)
    expect(three(12)).toBe(
      "calibrationBlocks: too many for 12 training rows: the fit without block 2 (rows 4 to 7) has 0 of the 3 windows of 5 rows it needs (got 3)",
    );
    // 15 rows: blocks of 5; rows 0-4 and 10-14 give one window each.
    expect(three(15)).toBe(
      "calibrationBlocks: too many for 15 training rows: the fit without block 2 (rows 5 to 9) has 2 of the 3 windows of 5 rows it needs (got 3)",
    );
    // 16 rows: rows 0-4 give one window, rows 10-15 two; the end blocks leave 16 - 5 - 4 = 7 and
    // 10 - 4 = 6.
    expect(fitLearnedDetector(["a", "b"], longer, 16, { calibrationBlocks: 3 }).calibrationBlocks).toBe(3);
    expect(fitLearnedDetector(["a", "b"], longer, 21, { calibrationBlocks: 3 }).calibrationBlocks).toBe(3);
  });

  it("a scorer refuses a threshold that is not finite and positive, and a model of an unknown kind", () => {
    const m = fitLearnedDetector(["a"], [Float64Array.from([0, 6, 4, 5, 5])], 5, { windowRows: 1 });
    for (const t of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(configMessage(() => new LearnedScorer({ ...m, threshold: t }))).toBe(
        `threshold: must be finite and > 0 (got ${t})`,
      );
    const unknown = { ...m, model: { ...m.model, kind: "svm" } } as unknown as LearnedModel;
    expect(configMessage(() => new LearnedScorer(unknown))).toBe(
      'model.kind: unknown detector model (got "svm")',
    );
    expect(configMessage(() => scoreChannels(m, [new Float64Array(3), new Float64Array(3)], 3))).toBe(
      "channels: model expects 1 channels (got 2)",
    );
    expect(new LearnedScorer(m).channelCount).toBe(1);
  });
});

/**
 * One channel, a 1-row window, PCA: the feature is (x - c) / s with c the training mean, its one
 * component is the feature itself (Q = 0), so T2 / T2_lim = (x - c)^2 / L with L the 99th
 * percentile (type 7) of the training rows' (x_j - c)^2, the scale and eigenvalue cancelling.
 * The threshold (max rule) is the largest training score, so a row's normalised score is
 * (x - c)^2 / max_j (x_j - c)^2: hand-checkable.
 */
describe("closed-form scores of a one-channel, one-row-window model", () => {
  const train = Float64Array.from([0, 6, 4, 5, 5]); // mean 4; deviations -4, 2, 0, 1, 1
  const one = (values: number[]) => [Float64Array.from(values)];

  it("scores (x - 4)^2 / 16 and alarms strictly above 1 from the first row (no warm-up)", () => {
    const model = fitLearnedDetector(["a"], [train], 5, { windowRows: 1, persistenceRows: 1 });
    expect(model.features).toEqual({
      windowRows: 1,
      channelFeatures: ["mean"],
      centre: [4],
      scale: [Math.sqrt(4.4)],
    });
    expect(warmUpRows(model)).toBe(0);
    // 0 and 8 lie as far from 4 as the furthest training row: a score of 1, not above it.
    const live = [12, 6, 4, 1, 9, 3, 0, 8];
    const { score, anomaly } = scoreChannels(model, one(live), live.length);
    const want = live.map((x) => (x - 4) ** 2 / 16);
    live.forEach((_, i) => {
      expect(score[i]).toBeCloseTo(want[i] as number, 12);
    });
    expect(Array.from(anomaly)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
  });

  it("smoothing over 2 rows: the first training score is warm-up and is not the threshold", () => {
    // Raw scores proportional to 16, 4, 0, 1, 1; smoothed 16, 10, 2, 0.5, 1; warm-up 1 row, so the
    // threshold is 10 (not 16).
    const model = fitLearnedDetector(["a"], [train], 5, {
      windowRows: 1,
      smoothingRows: 2,
      persistenceRows: 1,
    });
    expect(warmUpRows(model)).toBe(1);
    const live = [0, 6, 4, 5, 5, 12, 12];
    const { score, anomaly } = scoreChannels(model, one(live), live.length);
    // Smoothed (x - 4)^2: 16, 10, 2, 0.5, 1, 32.5, 64; divided by 10.
    const want = [1.6, 1, 0.2, 0.05, 0.1, 3.25, 6.4];
    live.forEach((_, i) => {
      expect(score[i]).toBeCloseTo(want[i] as number, 12);
    });
    // Row 0 is above 1 but in warm-up.
    expect(Array.from(anomaly)).toEqual([0, 0, 0, 0, 0, 1, 1]);
  });

  it("a channel constant in training keeps its own units (scale 1) and its level as centre", () => {
    const flat = Float64Array.from([3, 3, 3, 3, 3, 3]);
    const model = fitLearnedDetector(["a", "b"], [train, flat.subarray(0, 5)], 5, { windowRows: 1 });
    expect(model.features.centre).toEqual([4, 3]);
    expect(model.features.scale).toEqual([Math.sqrt(4.4), 1]);
  });

  it("the followed baseline (baselineRows 2): each row not above 1 moves the level half way to it", () => {
    const model = fitLearnedDetector(["a"], [train], 5, {
      windowRows: 1,
      persistenceRows: 1,
      baselineRows: 2,
    });
    expect(model.baselineRows).toBe(2);
    // In data units, e = x - 4 - L, score e^2 / 16, then L += e / 2 unless the score is above 1:
    // 6: e 2, L 1; 6: e 1, L 1.5; 6: e 0.5, L 1.75; 20: e 14.25 (held); 6: e 0.25.
    const live = [6, 6, 6, 20, 6];
    const { score } = scoreChannels(model, one(live), live.length);
    const want = [4, 1, 0.25, 14.25 ** 2, 0.0625].map((e2) => e2 / 16);
    live.forEach((_, i) => {
      expect(score[i]).toBeCloseTo(want[i] as number, 10);
    });
    // The training level (baselineRows 0) scores every 6 as 2^2 / 16.
    const fixed = scoreChannels({ ...model, baselineRows: 0 }, one(live), live.length).score;
    expect(Array.from(fixed, (s) => Math.round(s * 1e9) / 1e9)).toEqual([0.25, 0.25, 0.25, 16, 0.25]);
  });

  it("a row scoring exactly 1 (not above the threshold) is followed", () => {
    const model = fitLearnedDetector(["a"], [train], 5, {
      windowRows: 1,
      persistenceRows: 1,
      baselineRows: 2,
    });
    // 8: e 4, score 16 / 16 = 1, so L = 2; then 6: e 0.
    const { score, anomaly } = scoreChannels(model, one([8, 6]), 2);
    expect(score[0]).toBe(1);
    expect(score[1]).toBeCloseTo(0, 12);
    expect(Array.from(anomaly)).toEqual([0, 0]);
  });

  it("the baseline does not follow during warm-up (smoothing 2: threshold 10, warm-up 1 row)", () => {
    const model = fitLearnedDetector(["a"], [train], 5, {
      windowRows: 1,
      smoothingRows: 2,
      persistenceRows: 1,
      baselineRows: 2,
    });
    // e = x - 4 - L; smoothed e^2 over 2 rows, / 10. Row 0 (warm-up): e 2, score 4 / 10, L stays 0;
    // row 1: e 2, (4 + 4) / 2 / 10, then L = 1; row 2: e 1, (4 + 1) / 2 / 10.
    const { score } = scoreChannels(model, one([6, 6, 6]), 3);
    expect(score[0]).toBeCloseTo(0.4, 12);
    expect(score[1]).toBeCloseTo(0.4, 12);
    expect(score[2]).toBeCloseTo(0.25, 12);
  });

  it("a missing value scores NaN on its row only: the training level is not followed", () => {
    const model = fitLearnedDetector(["a"], [train], 5, { windowRows: 1, persistenceRows: 1 });
    const { score, anomaly } = scoreChannels(model, one([6, Number.NaN, 6]), 3);
    expect(score[0]).toBeCloseTo(0.25, 12);
    expect(score[1]).toBeNaN();
    expect(score[2]).toBeCloseTo(0.25, 12);
    expect(Array.from(anomaly)).toEqual([0, 0, 0]);
  });

  it("reset clears the last score and alarm and starts persistence again", () => {
    const model = fitLearnedDetector(["a"], [train], 5, { windowRows: 1, persistenceRows: 2 });
    const s = new LearnedScorer(model);
    // A fresh scorer has scored nothing and raised nothing.
    expect(s.lastScore).toBe(0);
    expect(s.lastAnomaly).toBe(false);
    s.step([12]);
    expect(s.lastAnomaly).toBe(false);
    s.step([12]);
    expect(s.lastAnomaly).toBe(true);
    s.reset();
    expect(s.lastScore).toBe(0);
    expect(s.lastAnomaly).toBe(false);
    // One exceedance after the reset is not yet two in a row.
    s.step([12]);
    expect(s.lastScore).toBeCloseTo(4, 12);
    expect(s.lastAnomaly).toBe(false);
  });
});

/**
 * Out-of-block calibration worked by hand: rows A = [0, 2, 1, 1] then B = [14, 10, 12, 12], two
 * blocks. With the closed form above, block A is scored by the model fitted on B alone (mean 12,
 * squared deviations 4, 4, 0, 0, 99th percentile 4): (x - 12)^2 / 4 = 36, 25, 30.25, 30.25; block
 * B by the model of A (mean 1, percentile 1): (x - 1)^2 = 169, 81, 121, 121.
 */
describe("out-of-block calibration and the block scale, by hand", () => {
  const rows = [Float64Array.from([0, 2, 1, 1, 14, 10, 12, 12])];
  const base = { windowRows: 1, calibrationBlocks: 2 } as const;

  it("the max rule takes the largest out-of-block score, that of the first row of block B", () => {
    const model = fitLearnedDetector(["a"], rows, 8, base);
    expect(model.threshold).toBeCloseTo(169, 9);
  });

  it("the median (type 7) of the eight scores: halfway between 36 and 81", () => {
    const model = fitLearnedDetector(["a"], rows, 8, {
      ...base,
      threshold: { kind: "quantile", q: 0.5, margin: 1 },
    });
    expect(model.threshold).toBeCloseTo(58.5, 9);
  });

  it("rows a whole division leaves over join the last block: a ninth row 12 makes the median the fifth of nine scores, 81", () => {
    // Block A's model is then fitted on [14, 10, 12, 12, 12] (mean 12, percentile 4 again); block
    // B's five scores are 169, 81, 121, 121, 121; sorted: 25, 30.25, 30.25, 36, 81, 121, 121, 121, 169.
    const nine = [Float64Array.from([0, 2, 1, 1, 14, 10, 12, 12, 12])];
    const model = fitLearnedDetector(["a"], nine, 9, {
      ...base,
      threshold: { kind: "quantile", q: 0.5, margin: 1 },
    });
    expect(model.threshold).toBeCloseTo(81, 9);
  });

  it("the model kept is fitted on all the rows (mean 6.5) whatever the blocks", () => {
    const model = fitLearnedDetector(["a"], rows, 8, base);
    expect(model.features.centre).toEqual([6.5]);
    // One-block scale: the standard deviation of all eight rows.
    const ss = [0, 2, 1, 1, 14, 10, 12, 12].reduce((s, x) => s + (x - 6.5) ** 2, 0);
    expect(model.features.scale[0]).toBeCloseTo(Math.sqrt(ss / 8), 12);
  });

  it("scaleBlocks 2: each row's distance to the other block's mean (12 for A, 1 for B)", () => {
    const model = fitLearnedDetector(["a"], rows, 8, { windowRows: 1, scaleBlocks: 2 });
    const ss = 144 + 100 + 121 + 121 + 169 + 81 + 121 + 121;
    expect(model.features.scale[0]).toBeCloseTo(Math.sqrt(ss / 8), 12);
  });
});

describe("channelSpread edges", () => {
  it("the last block takes the rows a whole division leaves over", () => {
    // Blocks [0, 0] and [4, 4, 10]: the first lies 6 from the second's mean, the second's rows
    // 4, 4 and 10 from the first's mean 0.
    expect(channelSpread([0, 0, 4, 4, 10], 5, 2)).toBeCloseTo(Math.sqrt((36 + 36 + 16 + 16 + 100) / 5), 12);
  });

  it("0, not NaN, when no row is left or a block has no other rows to be measured against", () => {
    expect(channelSpread([1, 2, 3], 3, 1, () => true)).toBe(0);
    // Rows 2 and 3 excluded: block 0 has no included rows outside it, block 1 no included rows.
    expect(channelSpread([0, 0, 4, 4], 4, 2, (i) => i >= 2)).toBe(0);
  });
});

describe("the drift screen's fall-back for a one-row window", () => {
  it("a drifting channel keeps its slope with a 2-row window and becomes a level with a 1-row window", () => {
    const rng = new SeededRng(5);
    const flow = Float64Array.from({ length: 200 }, () => rng.normal());
    const temp = Float64Array.from({ length: 200 }, (_, i) => 0.05 * i + 0.01 * rng.normal());
    expect(
      fitLearnedDetector(["f", "t"], [flow, temp], 200, { windowRows: 2 }).features.channelFeatures,
    ).toEqual(["mean", "slope"]);
    expect(
      fitLearnedDetector(["f", "t"], [flow, temp], 200, { windowRows: 1 }).features.channelFeatures,
    ).toEqual(["mean", "mean"]);
  });
});
