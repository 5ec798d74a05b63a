import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  fitLearnedDetector,
  type LearnedModel,
  scoreChannels,
} from "../../src/detect/learned/learnedDetector.js";
import { learnedModelFromJson, learnedModelToJson } from "../../src/detect/learned/learnedModelFile.js";
import type { PcaModel } from "../../src/detect/learned/pcaDetector.js";
import { correlatedChannels } from "./syntheticData.js";

const data = correlatedChannels({
  rows: 800,
  channels: 3,
  seed: 31,
  fault: { from: 600, to: 700, channel: 1, shift: 3 },
});
// The model is fitted before each test, not when the file is collected (nor in a beforeAll):
// Stryker records per-test coverage only from a test's beforeEach hooks and body, and activates a
// mutant only once tests run, so a model fitted at collection would be the unmutated one.
let model: LearnedModel;
/** {@link model} with the hand-made forest {@link FOREST} for its PCA model. */
let forestModel: LearnedModel;
beforeEach(() => {
  model = fitLearnedDetector(data.names, data.channels, 400, {
    smoothingRows: 2,
    threshold: { kind: "quantile", q: 0.995, margin: 1.2 },
  });
  forestModel = { ...model, model: FOREST } as unknown as LearnedModel;
});

// biome-ignore lint/suspicious/noExplicitAny: the tests edit the parsed JSON freely to break one field
type Doc = Record<string, any>;

function fieldOf(mutate: (doc: Doc) => void): string {
  const doc = JSON.parse(learnedModelToJson(model));
  mutate(doc);
  try {
    learnedModelFromJson(JSON.stringify(doc).replace('"@INF@"', "1e999"));
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

/** The full message of the ConfigError loading `doc` (after `mutate`) throws. */
function messageOf(mutate: (doc: Doc) => void, from: LearnedModel = model): string {
  const doc = JSON.parse(learnedModelToJson(from));
  mutate(doc);
  try {
    learnedModelFromJson(JSON.stringify(doc).replace('"@INF@"', "1e999"));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

/** A hand-made forest over the model's 3 channels: root 0 splits feature 0 into leaves 1 and 2; root 3 is a leaf. */
const FOREST = {
  kind: "iforest",
  featureCount: 3,
  sampleRows: 4,
  roots: [0, 3],
  feature: [0, -1, -1, -1],
  split: [0.5, 0, 0, 0],
  left: [1, -1, -1, -1],
  right: [2, -1, -1, -1],
  leafSize: [0, 3, 1, 4],
};

describe("learned model files: every refusal in full", () => {
  it("writes version 2, one space of indent, a final newline", () => {
    const text = learnedModelToJson(model);
    expect(
      text.startsWith('{\n "format": "looptwin-learned-detector",\n "version": 2,\n "trainRows": 400,\n'),
    ).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "format",
      "version",
      "trainRows",
      "channelNames",
      "features",
      "slowFractions",
      "model",
      "thresholdRule",
      "threshold",
      "smoothingRows",
      "persistenceRows",
      "holdRows",
      "calibrationBlocks",
      "baselineRows",
    ]);
  });

  it("text that is not JSON, or not an object: the first 40 characters and the parser's reason", () => {
    const text = `{not json${"x".repeat(60)}`;
    let caught: unknown;
    try {
      learnedModelFromJson(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const e = caught as ConfigError;
    expect(e.field).toBe("model file");
    expect(e.value).toBe(text.slice(0, 40));
    expect(e.cause).toBeInstanceOf(SyntaxError);
    expect(e.message).toBe(
      `model file: is not JSON: ${(e.cause as Error).message} (got ${JSON.stringify(text.slice(0, 40))})`,
    );
    expect(() => learnedModelFromJson("[1]")).toThrow("model file: must be an object (got [1])");
    expect(() => learnedModelFromJson("null")).toThrow("model file: must be an object (got null)");
    expect(() => learnedModelFromJson('"text"')).toThrow('model file: must be an object (got "text")');
  });

  it("the document's fields", () => {
    const cases: [(d: Doc) => void, string][] = [
      [(d) => (d.format = "other"), 'format: must be "looptwin-learned-detector" (got "other")'],
      [(d) => (d.version = 3), "version: unsupported version (this build reads 1 and 2) (got 3)"],
      [(d) => (d.version = "2"), 'version: unsupported version (this build reads 1 and 2) (got "2")'],
      [(d) => (d.channelNames = "ch0"), 'channelNames: must be an array (got "ch0")'],
      [(d) => (d.channelNames[1] = 7), "channelNames[1]: must be a non-empty string (got 7)"],
      [(d) => (d.channelNames[2] = ""), 'channelNames[2]: must be a non-empty string (got "")'],
      [(d) => (d.channelNames = []), "channelNames: must name at least one channel (got [])"],
      [(d) => (d.features = [1]), "features: must be an object (got [1])"],
      [(d) => (d.features = null), "features: must be an object (got null)"],
      [
        (d) => (d.features.channelFeatures = ["mean"]),
        'features.channelFeatures: must have 3 entries (got "1 entries")',
      ],
      [
        (d) => (d.features.channelFeatures[1] = "median"),
        'features.channelFeatures[1]: must be one of mean, slope (got "median")',
      ],
      [(d) => (d.features.windowRows = 0), "features.windowRows: must be a whole number >= 1 (got 0)"],
      [(d) => (d.features.windowRows = 1.5), "features.windowRows: must be a whole number >= 1 (got 1.5)"],
      [(d) => (d.features.centre = [1, 2]), 'features.centre: must have 3 entries (got "2 entries")'],
      [(d) => (d.features.centre[0] = null), "features.centre[0]: must be a finite number (got null)"],
      [(d) => (d.features.scale = {}), "features.scale: must be an array (got {})"],
      [(d) => (d.features.scale[2] = 0), "features.scale[2]: must be finite and > 0 (got 0)"],
      [
        (d) => {
          d.features.windowRows = 1;
          d.features.channelFeatures[0] = "slope";
        },
        "features.windowRows: must be >= 2 when a channel uses slope (got 1)",
      ],
      [(d) => (d.trainRows = 0), "trainRows: must be a whole number >= 1 (got 0)"],
      [(d) => (d.slowFractions = [0.1]), 'slowFractions: must have 3 entries (got "1 entries")'],
      [(d) => (d.slowFractions[1] = "x"), 'slowFractions[1]: must be a finite number (got "x")'],
      [(d) => (d.model = null), "model: must be an object (got null)"],
      [(d) => (d.model.kind = "svm"), 'model.kind: must be "pca" or "iforest" (got "svm")'],
      [(d) => (d.threshold = 0), "threshold: must be > 0 (got 0)"],
      [(d) => (d.threshold = -2), "threshold: must be > 0 (got -2)"],
      [(d) => delete d.threshold, "threshold: must be a finite number"],
      [(d) => (d.threshold = "1"), 'threshold: must be a finite number (got "1")'],
      // JSON's only way to a number that is not finite: one too large for a double.
      [(d) => (d.threshold = "@INF@"), "threshold: must be a finite number (got Infinity)"],
      [(d) => (d.smoothingRows = 0), "smoothingRows: must be a whole number >= 1 (got 0)"],
      [(d) => (d.persistenceRows = 0), "persistenceRows: must be a whole number >= 1 (got 0)"],
      [(d) => (d.holdRows = -1), "holdRows: must be a whole number >= 0 (got -1)"],
      [(d) => (d.holdRows = null), "holdRows: must be a finite number (got null)"],
      [(d) => (d.calibrationBlocks = 0), "calibrationBlocks: must be a whole number >= 1 (got 0)"],
      [(d) => delete d.calibrationBlocks, "calibrationBlocks: must be a finite number"],
      [(d) => (d.baselineRows = -5), "baselineRows: must be a whole number >= 0 (got -5)"],
      [(d) => (d.baselineRows = 0.5), "baselineRows: must be a whole number >= 0 (got 0.5)"],
    ];
    for (const [mutate, message] of cases) expect(messageOf(mutate)).toBe(message);
  });

  it("the smallest allowed values load, and version 1 ignores calibrationBlocks", () => {
    const doc = JSON.parse(learnedModelToJson(model));
    Object.assign(doc, {
      trainRows: 1,
      smoothingRows: 1,
      persistenceRows: 1,
      holdRows: 0,
      calibrationBlocks: 1,
      baselineRows: 0,
    });
    doc.features.windowRows = 1;
    const loaded = learnedModelFromJson(JSON.stringify(doc));
    expect(loaded).toMatchObject({
      trainRows: 1,
      smoothingRows: 1,
      persistenceRows: 1,
      holdRows: 0,
      calibrationBlocks: 1,
      baselineRows: 0,
    });
    expect(loaded.features.windowRows).toBe(1);
    // holdRows and baselineRows as written are kept.
    Object.assign(doc, { holdRows: 3, baselineRows: 40, calibrationBlocks: 4 });
    expect(learnedModelFromJson(JSON.stringify(doc))).toMatchObject({
      holdRows: 3,
      baselineRows: 40,
      calibrationBlocks: 4,
    });
    // A file without baselineRows reads against the training level.
    delete doc.baselineRows;
    expect(learnedModelFromJson(JSON.stringify(doc)).baselineRows).toBe(0);
    // A version 1 file's calibration was in-sample, whatever such a field says.
    Object.assign(doc, { version: 1, calibrationBlocks: 0 });
    expect(learnedModelFromJson(JSON.stringify(doc)).calibrationBlocks).toBe(1);
  });

  it("the PCA model's fields", () => {
    const components = (model.model as PcaModel).components.length;
    expect(components).toBeLessThan(5);
    const cases: [(d: Doc) => void, string][] = [
      [(d) => (d.model.featureMean = [0, 0]), 'model.featureMean: must have 3 entries (got "2 entries")'],
      [(d) => (d.model.featureMean[2] = "0"), 'model.featureMean[2]: must be a finite number (got "0")'],
      [(d) => (d.model.components = 1), "model.components: must be an array (got 1)"],
      [(d) => (d.model.components[0] = [1, 0]), 'model.components[0]: must have 3 entries (got "2 entries")'],
      [(d) => (d.model.components[0][1] = "x"), 'model.components[0][1]: must be a finite number (got "x")'],
      [
        (d) =>
          (d.model.components = [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
            [0, 0, 0],
          ]),
        'model.components: must have at most 3 rows (got "4 rows")',
      ],
      [
        (d) => (d.model.eigenvalues = [1, 1, 1, 1, 1]),
        `model.eigenvalues: must have ${components} entries (got "5 entries")`,
      ],
      [(d) => (d.model.eigenvalues[0] = -1), "model.eigenvalues[0]: must be > 0 (got -1)"],
      [(d) => (d.model.eigenvalues[0] = 0), "model.eigenvalues[0]: must be > 0 (got 0)"],
      [(d) => (d.model.t2Limit = 0), "model.t2Limit: must be > 0 (got 0)"],
      [(d) => (d.model.qLimit = "1"), 'model.qLimit: must be a finite number (got "1")'],
      [(d) => (d.model.qLimit = 0), "model.qLimit: must be > 0 (got 0)"],
    ];
    for (const [mutate, message] of cases) expect(messageOf(mutate)).toBe(message);
    // As many components as features is allowed.
    const doc = JSON.parse(learnedModelToJson(model));
    doc.model.components = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    doc.model.eigenvalues = [3, 2, 1];
    expect(learnedModelFromJson(JSON.stringify(doc)).model).toMatchObject({
      components: doc.model.components,
    });
  });

  it("the threshold rule's fields", () => {
    const cases: [unknown, string][] = [
      [
        { kind: "top", margin: 1 },
        'thresholdRule.kind: must be one of max, quantile, conformal, pot (got "top")',
      ],
      [null, "thresholdRule: must be an object (got null)"],
      [{ kind: "max", margin: "1" }, 'thresholdRule.margin: must be a finite number (got "1")'],
      [{ kind: "max", margin: 0 }, "thresholdRule.margin: must be finite and > 0 (got 0)"],
      [{ kind: "quantile", margin: 1 }, "thresholdRule.q: must be a finite number"],
      [{ kind: "quantile", q: 0.5 }, "thresholdRule.margin: must be a finite number"],
      [{ kind: "quantile", q: 2, margin: 1 }, "thresholdRule.q: must be in (0, 1] (got 2)"],
      [{ kind: "conformal", margin: 1 }, "thresholdRule.alpha: must be a finite number"],
      [{ kind: "conformal", alpha: 0.1 }, "thresholdRule.margin: must be a finite number"],
      [{ kind: "conformal", alpha: 1, margin: 1 }, "thresholdRule.alpha: must be in (0, 1) (got 1)"],
      [{ kind: "pot", initialQuantile: 0.9, margin: 1 }, "thresholdRule.alpha: must be a finite number"],
      [{ kind: "pot", alpha: 0.01, margin: 1 }, "thresholdRule.initialQuantile: must be a finite number"],
      [{ kind: "pot", alpha: 0.01, initialQuantile: 0.9 }, "thresholdRule.margin: must be a finite number"],
      [
        { kind: "pot", alpha: 0.01, initialQuantile: 1, margin: 1 },
        "thresholdRule.initialQuantile: must be in (0, 1) (got 1)",
      ],
    ];
    for (const [rule, message] of cases) expect(messageOf((d) => (d.thresholdRule = rule))).toBe(message);
    // Each kind loads as written, extra fields dropped.
    for (const rule of [
      { kind: "max", margin: 1.5 },
      { kind: "quantile", q: 0.9, margin: 2 },
      { kind: "conformal", alpha: 0.05, margin: 1.1 },
      { kind: "pot", alpha: 0.001, initialQuantile: 0.95, margin: 1.2 },
    ]) {
      const doc = JSON.parse(learnedModelToJson(model));
      doc.thresholdRule = { ...rule, extra: 1 };
      expect(learnedModelFromJson(JSON.stringify(doc)).thresholdRule).toEqual(rule);
    }
  });

  it("an Isolation Forest model loads as written", () => {
    expect(learnedModelFromJson(learnedModelToJson(forestModel)).model).toEqual(FOREST);
    // A fitted forest round-trips too.
    const fitted = fitLearnedDetector(data.names, data.channels, 400, {
      detector: "iforest",
      iforest: { trees: 3, sampleRows: 16, seed: 2 },
    });
    expect(learnedModelFromJson(learnedModelToJson(fitted))).toEqual(fitted);
  });

  it("the Isolation Forest model's fields, and its node indices at their bounds", () => {
    const cases: [(m: Doc) => void, string][] = [
      [(m) => (m.featureCount = 2), "model.featureCount: must be 3 (one feature per channel) (got 2)"],
      [(m) => (m.sampleRows = 1), "model.sampleRows: must be a whole number >= 2 (got 1)"],
      [(m) => (m.feature = "0"), 'model.feature: must be an array (got "0")'],
      [(m) => (m.split = [0]), 'model.split: must have 4 entries (got "1 entries")'],
      [(m) => (m.left = [1, -1, -1]), 'model.left: must have 4 entries (got "3 entries")'],
      [(m) => (m.right = [2, -1, -1]), 'model.right: must have 4 entries (got "3 entries")'],
      [(m) => (m.leafSize = [0, 3, 1]), 'model.leafSize: must have 4 entries (got "3 entries")'],
      [(m) => (m.split[1] = null), "model.split[1]: must be a finite number (got null)"],
      [(m) => (m.roots = []), "model.roots: must hold at least one tree (got [])"],
      [(m) => (m.roots = "0"), 'model.roots: must be an array (got "0")'],
      [(m) => (m.roots[1] = 4), "model.roots[1]: must be a node index in 0..3 (got 4)"],
      [(m) => (m.roots[1] = -1), "model.roots[1]: must be a node index in 0..3 (got -1)"],
      [(m) => (m.roots[1] = 0.5), "model.roots[1]: must be a node index in 0..3 (got 0.5)"],
      [(m) => (m.feature[0] = 3), "model.feature[0]: must be -1 (leaf) or a feature index below 3 (got 3)"],
      [(m) => (m.feature[1] = -2), "model.feature[1]: must be -1 (leaf) or a feature index below 3 (got -2)"],
      [
        (m) => (m.feature[1] = 0.5),
        "model.feature[1]: must be -1 (leaf) or a feature index below 3 (got 0.5)",
      ],
      [(m) => (m.leafSize[2] = -1), "model.leafSize[2]: must be a whole number >= 0 (got -1)"],
      [(m) => (m.leafSize[2] = 1.5), "model.leafSize[2]: must be a whole number >= 0 (got 1.5)"],
      // Children come after their parent and inside the arrays; node 0 splits feature 0.
      [(m) => (m.left[0] = 0), "model.left[0]: must be a node index in 1..3 (got 0)"],
      [(m) => (m.left[0] = 4), "model.left[0]: must be a node index in 1..3 (got 4)"],
      [(m) => (m.left[0] = 1.5), "model.left[0]: must be a node index in 1..3 (got 1.5)"],
      [(m) => (m.right[0] = 0), "model.right[0]: must be a node index in 1..3 (got 0)"],
      [(m) => (m.right[0] = 4), "model.right[0]: must be a node index in 1..3 (got 4)"],
      // Node 1 made a split on the last feature: its children must come after it.
      [
        (m) => {
          m.feature[1] = 2;
          m.left[1] = 2;
          m.right[1] = 1;
        },
        "model.right[1]: must be a node index in 2..3 (got 1)",
      ],
    ];
    for (const [mutate, message] of cases)
      expect(messageOf((d) => mutate(d.model), forestModel)).toBe(message);
    // The bounds themselves load: a root at the last node, children at i + 1 and the last node, a
    // leaf of size 0, a split on feature 0 and on the last feature.
    const edge = structuredClone(FOREST);
    Object.assign(edge, {
      roots: [0, 3],
      feature: [2, 0, -1, -1],
      left: [1, 2, -1, -1],
      right: [3, 3, -1, -1],
      leafSize: [0, 0, 0, 5],
    });
    expect(
      learnedModelFromJson(learnedModelToJson({ ...model, model: edge } as unknown as LearnedModel)).model,
    ).toEqual(edge);
  });
});
