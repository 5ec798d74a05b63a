/**
 * WindowFeatureExtractor (src/detect/learned/windowFeatures.ts) beyond windowFeatures.test.ts:
 * every layout refusal with its whole message, the boundaries of the window length, the followed
 * level of `mean` channels (followLevels, reset), and layouts around the three-means shortcut,
 * each with windows worked by hand.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  type ChannelFeature,
  validateWindowFeatureLayout,
  WindowFeatureExtractor,
  type WindowFeatureLayout,
} from "../../src/detect/learned/windowFeatures.js";

const one: WindowFeatureLayout = { windowRows: 3, channelFeatures: ["mean"], centre: [0], scale: [1] };

/** An extractor over `features` with centre 0 and scale 1 (values pass unchanged). */
function plain(windowRows: number, features: readonly ChannelFeature[]): WindowFeatureExtractor {
  return new WindowFeatureExtractor({
    windowRows,
    channelFeatures: features,
    centre: features.map(() => 0),
    scale: features.map(() => 1),
  });
}

describe("window feature layout refusals", () => {
  it("each fault with the whole message", () => {
    const cases: [Partial<WindowFeatureLayout>, string][] = [
      [
        { channelFeatures: [], centre: [], scale: [] },
        "features.channelFeatures: needs at least one channel (got 0)",
      ],
      [{ windowRows: 0 }, "features.windowRows: must be a whole number >= 1 (got 0)"],
      [{ windowRows: 2.5 }, "features.windowRows: must be a whole number >= 1 (got 2.5)"],
      [{ windowRows: Number.NaN }, "features.windowRows: must be a whole number >= 1 (got NaN)"],
      [
        { windowRows: 1, channelFeatures: ["slope"] },
        "features.windowRows: must be >= 2 when a channel uses slope (got 1)",
      ],
      [{ centre: [0, 1] }, "features.centre: must have 1 entries (got 2)"],
      [{ scale: [1, 1] }, "features.scale: must have 1 entries (got 2)"],
      [
        { channelFeatures: ["median" as ChannelFeature] },
        'features.channelFeatures[0]: must be one of mean, slope (got "median")',
      ],
      [{ centre: [Number.NaN] }, "features.centre[0]: must be a finite number (got NaN)"],
      [{ centre: [Number.NEGATIVE_INFINITY] }, "features.centre[0]: must be a finite number (got -Infinity)"],
      [{ scale: [0] }, "features.scale[0]: must be finite and > 0 (got 0)"],
      [{ scale: [-1] }, "features.scale[0]: must be finite and > 0 (got -1)"],
      [{ scale: [Number.POSITIVE_INFINITY] }, "features.scale[0]: must be finite and > 0 (got Infinity)"],
      [{ scale: [Number.NaN] }, "features.scale[0]: must be finite and > 0 (got NaN)"],
    ];
    for (const [change, msg] of cases) {
      expect(() => new WindowFeatureExtractor({ ...one, ...change })).toThrow(msg);
      expect(() => new WindowFeatureExtractor({ ...one, ...change })).toThrow(ConfigError);
    }
  });

  it("names the channel at fault by its index, and the field it is given", () => {
    const two: WindowFeatureLayout = {
      windowRows: 3,
      channelFeatures: ["mean", "mean"],
      centre: [0, 0],
      scale: [1, 1],
    };
    expect(() =>
      validateWindowFeatureLayout({ ...two, channelFeatures: ["mean", "max" as ChannelFeature] }),
    ).toThrow('features.channelFeatures[1]: must be one of mean, slope (got "max")');
    expect(() => validateWindowFeatureLayout({ ...two, centre: [0, Number.NaN] })).toThrow(
      "features.centre[1]: must be a finite number (got NaN)",
    );
    expect(() => validateWindowFeatureLayout({ ...two, scale: [1, 0] })).toThrow(
      "features.scale[1]: must be finite and > 0 (got 0)",
    );
    expect(() => validateWindowFeatureLayout({ ...two, scale: [1] }, "model.features")).toThrow(
      "model.features.scale: must have 2 entries (got 1)",
    );
  });

  it("takes a window of one row for mean channels and of two rows for slope", () => {
    const out = new Float64Array(1);
    const m = plain(1, ["mean"]);
    m.push([5], out);
    m.push([7], out);
    expect(out[0]).toBe(7);
    expect(m.full).toBe(true);
    const s = plain(2, ["slope"]);
    s.push([5], out);
    expect(out[0]).toBe(0);
    s.push([8], out);
    expect(out[0]).toBe(3);
  });
});

describe("followed levels of mean channels", () => {
  it("followLevels moves a mean channel's level by rate times its last feature; slope channels keep none", () => {
    const ex = plain(2, ["mean", "slope"]);
    const out = new Float64Array(2);
    ex.push([4, 0], out);
    expect(Array.from(out)).toEqual([4, 0]);
    // Level of channel 0: 0 + 4 * 0.25 = 1.
    ex.followLevels(out, 0.25);
    ex.push([4, 2], out);
    // Mean (4 + 4) / 2 - 1 = 3; slope of [0, 2] is 2, with no level taken off.
    expect(Array.from(out)).toEqual([3, 2]);
    // Level: 1 + 3 * 0.5 = 2.5.
    ex.followLevels(out, 0.5);
    ex.push([4, 4], out);
    expect(Array.from(out)).toEqual([1.5, 2]);
  });

  it("three mean channels (the shortcut) take off their followed levels too", () => {
    const ex = plain(2, ["mean", "mean", "mean"]);
    const out = new Float64Array(3);
    ex.push([2, 4, -6], out);
    ex.followLevels(out, 0.5);
    // Levels 1, 2, -3.
    ex.push([2, 4, -6], out);
    expect(Array.from(out)).toEqual([1, 2, -3]);
  });

  it("reset forgets the followed levels with the window", () => {
    const ex = plain(2, ["mean"]);
    const out = new Float64Array(1);
    ex.push([8], out);
    ex.followLevels(out, 1);
    ex.reset();
    ex.push([3], out);
    expect(out[0]).toBe(3);
  });
});

describe("layouts around the three-means shortcut", () => {
  it("three channels with a slope among them: each its own feature", () => {
    const ex = plain(3, ["mean", "slope", "mean"]);
    const out = new Float64Array(3);
    for (const row of [
      [1, 1, 5],
      [3, 1, 5],
      [5, 4, 5],
    ])
      ex.push(row, out);
    // Means of [1, 3, 5] and [5, 5, 5]; slope of [1, 1, 4]: sum((x - 1) y) / sum((x - 1)^2) = 3 / 2
    // (its mean, 2, would be another number).
    expect(Array.from(out)).toEqual([3, 1.5, 5]);
  });

  it("four mean channels, and two with a longer output: only featureCount entries are written", () => {
    const four = plain(2, ["mean", "mean", "mean", "mean"]);
    const out4 = new Float64Array(4).fill(-7);
    four.push([1, 2, 3, 4], out4);
    four.push([3, 4, 5, 6], out4);
    expect(Array.from(out4)).toEqual([2, 3, 4, 5]);
    const two = plain(2, ["mean", "mean"]);
    const out3 = new Float64Array(3).fill(-7);
    two.push([1, 2], out3);
    two.push([2, 4], out3);
    expect(Array.from(out3)).toEqual([1.5, 3, -7]);
  });
});
