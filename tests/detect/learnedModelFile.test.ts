import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { fitLearnedDetector, scoreChannels } from "../../src/detect/learned/learnedDetector.js";
import { learnedModelFromJson, learnedModelToJson } from "../../src/detect/learned/learnedModelFile.js";
import { correlatedChannels } from "./syntheticData.js";

const data = correlatedChannels({
  rows: 800,
  channels: 3,
  seed: 31,
  fault: { from: 600, to: 700, channel: 1, shift: 3 },
});
const model = fitLearnedDetector(data.names, data.channels, 400, {
  smoothingRows: 2,
  threshold: { kind: "quantile", q: 0.995, margin: 1.2 },
});

// biome-ignore lint/suspicious/noExplicitAny: the tests edit the parsed JSON freely to break one field
type Doc = Record<string, any>;

function fieldOf(mutate: (doc: Doc) => void): string {
  const doc = JSON.parse(learnedModelToJson(model));
  mutate(doc);
  try {
    learnedModelFromJson(JSON.stringify(doc));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error("expected a ConfigError");
}

describe("learned model files", () => {
  it("round trip: a saved and loaded model is equal and scores bit for bit the same", () => {
    const loaded = learnedModelFromJson(learnedModelToJson(model));
    expect(loaded).toEqual(model);
    const a = scoreChannels(model, data.channels, 800);
    const b = scoreChannels(loaded, data.channels, 800);
    expect(Array.from(b.score)).toEqual(Array.from(a.score));
    expect(Array.from(b.anomaly)).toEqual(Array.from(a.anomaly));
    expect(a.anomaly.reduce((s, x) => s + x, 0)).toBeGreaterThan(50);
  });

  it("is versioned and names the format", () => {
    const doc = JSON.parse(learnedModelToJson(model));
    expect(doc.format).toBe("looptwin-learned-detector");
    expect(doc.version).toBe(2);
    expect(fieldOf((d) => (d.version = 3))).toBe("version");
    expect(fieldOf((d) => (d.format = "other"))).toBe("format");
    expect(fieldOf((d) => (d.calibrationBlocks = 0))).toBe("calibrationBlocks");
    expect(fieldOf((d) => (d.baselineRows = -5))).toBe("baselineRows");
  });

  it("still loads a version 1 file (no calibrationBlocks): in-sample calibration, same scores", () => {
    const doc = JSON.parse(learnedModelToJson(model));
    doc.version = 1;
    delete doc.calibrationBlocks;
    const loaded = learnedModelFromJson(JSON.stringify(doc));
    expect(loaded.calibrationBlocks).toBe(1);
    expect(loaded.baselineRows).toBe(0);
    expect(loaded.holdRows).toBe(0);
    expect(Array.from(scoreChannels(loaded, data.channels, 800).score)).toEqual(
      Array.from(scoreChannels(model, data.channels, 800).score),
    );
  });

  it("round trip of the stated-rate rules with out-of-block calibration", () => {
    for (const threshold of [
      { kind: "pot", alpha: 0.01, initialQuantile: 0.9, margin: 1 },
      { kind: "conformal", alpha: 0.02, margin: 1 },
    ] as const) {
      const m = fitLearnedDetector(data.names, data.channels, 400, {
        threshold,
        calibrationBlocks: 4,
        baselineRows: 100,
        holdRows: 30,
      });
      expect(learnedModelFromJson(learnedModelToJson(m))).toEqual(m);
      expect(m.baselineRows).toBe(100);
      expect(m.holdRows).toBe(30);
      // A file written before holdRows existed has none: no off-delay, as it scored then.
      const doc = JSON.parse(learnedModelToJson(m));
      delete doc.holdRows;
      expect(learnedModelFromJson(JSON.stringify(doc)).holdRows).toBe(0);
    }
    expect(
      fieldOf((d) => (d.thresholdRule = { kind: "pot", alpha: 0.01, initialQuantile: 1, margin: 1 })),
    ).toBe("thresholdRule.initialQuantile");
    expect(fieldOf((d) => (d.thresholdRule = { kind: "conformal", alpha: 0, margin: 1 }))).toBe(
      "thresholdRule.alpha",
    );
  });

  it("validates on load, naming the field at fault", () => {
    expect(fieldOf((d) => (d.model.components[0] = d.model.components[0].slice(1)))).toBe(
      "model.components[0]",
    );
    expect(fieldOf((d) => (d.model.components[0][1] = "x"))).toBe("model.components[0][1]");
    expect(fieldOf((d) => (d.model.eigenvalues[0] = -1))).toBe("model.eigenvalues[0]");
    expect(fieldOf((d) => (d.model.kind = "svm"))).toBe("model.kind");
    expect(fieldOf((d) => delete d.threshold)).toBe("threshold");
    expect(fieldOf((d) => (d.features.scale[2] = 0))).toBe("features.scale[2]");
    expect(fieldOf((d) => (d.features.channelFeatures[0] = "median"))).toBe("features.channelFeatures[0]");
    expect(fieldOf((d) => (d.features.centre = [1]))).toBe("features.centre");
    expect(fieldOf((d) => (d.thresholdRule.q = 2))).toBe("thresholdRule.q");
    expect(fieldOf((d) => (d.persistenceRows = 0))).toBe("persistenceRows");
    expect(fieldOf((d) => (d.holdRows = -1))).toBe("holdRows");
    expect(fieldOf((d) => (d.holdRows = 2.5))).toBe("holdRows");
    expect(fieldOf((d) => (d.channelNames[1] = 7))).toBe("channelNames[1]");
    expect(() => learnedModelFromJson("{not json")).toThrow(/not JSON/);
  });
});
