import { describe, expect, it } from "vitest";
import { parseDetectorArgs } from "../../src/cli/labelledTableFiles.js";
import { ConfigError } from "../../src/core/errors.js";

describe("--set keys of the learned detector's threshold procedure", () => {
  it("a stated-rate threshold with out-of-block calibration and the block scale", () => {
    const o = parseDetectorArgs("pca", [
      "threshold_rule=pot",
      "threshold_alpha=0.001",
      "calibration_blocks=4",
      "scale_blocks=4",
      "baseline_rows=100",
      "hold_rows=30",
    ]);
    expect(o.baselineRows).toBe(100);
    expect(o.holdRows).toBe(30);
    expect(o.threshold).toEqual({ kind: "pot", alpha: 0.001, initialQuantile: 0.9, margin: 1 });
    expect(o.calibrationBlocks).toBe(4);
    expect(o.scaleBlocks).toBe(4);
    expect(parseDetectorArgs("pca", ["threshold_rule=conformal", "threshold_margin=2"]).threshold).toEqual({
      kind: "conformal",
      alpha: 0.01,
      margin: 2,
    });
    // Unset, the old defaults stand: training maximum, in-sample, standard deviation.
    const d = parseDetectorArgs(undefined, []);
    expect([d.threshold, d.calibrationBlocks, d.scaleBlocks, d.holdRows]).toEqual([
      { kind: "max", margin: 1 },
      1,
      1,
      0,
    ]);
  });

  it("refuses values out of range, naming the key", () => {
    for (const [set, field] of [
      ["threshold_alpha=0.7", "--set threshold_alpha"],
      ["threshold_alpha=0", "--set threshold_alpha"],
      ["calibration_blocks=0", "--set calibration_blocks"],
      ["scale_blocks=2.5", "--set scale_blocks"],
      ["baseline_rows=-1", "--set baseline_rows"],
      ["hold_rows=-1", "--set hold_rows"],
      ["hold_rows=2.5", "--set hold_rows"],
      ["threshold_rule=gev", "--set threshold_rule"],
    ] as const) {
      let error: unknown;
      try {
        parseDetectorArgs("pca", [set]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
    }
  });
});
