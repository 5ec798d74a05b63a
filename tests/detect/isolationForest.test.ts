import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  averagePathLength,
  fitIsolationForest,
  IsolationForestScorer,
} from "../../src/detect/learned/isolationForest.js";
import { fitLearnedDetector, scoreChannels } from "../../src/detect/learned/learnedDetector.js";
import { learnedModelFromJson, learnedModelToJson } from "../../src/detect/learned/learnedModelFile.js";
import { correlatedChannels } from "./syntheticData.js";

function cloud(n: number, seed: number): Float64Array[] {
  const rng = new SeededRng(seed);
  return Array.from({ length: n }, () => Float64Array.of(rng.normal(), rng.normal()));
}

describe("Isolation Forest", () => {
  it("c(n) matches Liu et al. eq. 1: 2 H(n-1) - 2 (n-1)/n", () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // H(255) by direct summation, not the log approximation the code uses.
    let h = 0;
    for (let i = 1; i <= 255; i++) h += 1 / i;
    expect(averagePathLength(256)).toBeCloseTo(2 * h - (2 * 255) / 256, 2);
  });

  it("isolates an outlier in fewer splits than a central point", () => {
    const model = fitIsolationForest(cloud(500, 71), { trees: 200, sampleRows: 256, seed: 3 });
    const s = new IsolationForestScorer(model);
    s.score([0, 0]);
    const centre = s.lastScore;
    s.score([4, -4]);
    const outlier = s.lastScore;
    expect(centre).toBeLessThan(0.5);
    expect(outlier).toBeGreaterThan(0.6);
    expect(outlier).toBeGreaterThan(centre + 0.2);
  });

  it("grows trees of the subsample within the height limit, reproducibly from the seed", () => {
    const rows = cloud(300, 72);
    const a = fitIsolationForest(rows, { trees: 20, sampleRows: 64, seed: 5 });
    expect(fitIsolationForest(rows, { trees: 20, sampleRows: 64, seed: 5 })).toEqual(a);
    expect(fitIsolationForest(rows, { trees: 20, sampleRows: 64, seed: 6 })).not.toEqual(a);
    expect(a.roots).toHaveLength(20);
    const limit = Math.ceil(Math.log2(64));
    for (const root of a.roots) {
      let leaves = 0;
      const walk = (node: number, depth: number): void => {
        expect(depth).toBeLessThanOrEqual(limit);
        if ((a.feature[node] as number) < 0) {
          leaves += a.leafSize[node] as number;
          return;
        }
        walk(a.left[node] as number, depth + 1);
        walk(a.right[node] as number, depth + 1);
      };
      walk(root, 0);
      expect(leaves).toBe(64);
    }
  });

  it("rejects bad options naming the field", () => {
    expect(() => fitIsolationForest(cloud(10, 1), { trees: 0, sampleRows: 8, seed: 1 })).toThrow(
      /iforest.trees/,
    );
    expect(() => fitIsolationForest(cloud(10, 1), { trees: 5, sampleRows: 1, seed: 1 })).toThrow(ConfigError);
  });

  it("as the learned detector: saved and loaded it scores identically; a broken tree is named", () => {
    const data = correlatedChannels({
      rows: 700,
      channels: 3,
      seed: 73,
      fault: { from: 500, to: 600, channel: 0, shift: 5 },
    });
    const model = fitLearnedDetector(data.names, data.channels, 400, {
      detector: "iforest",
      iforest: { trees: 30, sampleRows: 128, seed: 2 },
    });
    const text = learnedModelToJson(model);
    expect(Array.from(scoreChannels(learnedModelFromJson(text), data.channels, 700).score)).toEqual(
      Array.from(scoreChannels(model, data.channels, 700).score),
    );
    const doc = JSON.parse(text);
    const inner = (doc.model.feature as number[]).findIndex((f) => f >= 0);
    doc.model.left[inner] = inner;
    expect(() => learnedModelFromJson(JSON.stringify(doc))).toThrow(new RegExp(`model.left\\[${inner}\\]`));
  });
});
