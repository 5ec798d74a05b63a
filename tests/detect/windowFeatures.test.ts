import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { type ChannelFeature, WindowFeatureExtractor } from "../../src/detect/learned/windowFeatures.js";

/** Naive reference: mean, and least-squares slope by the normal equations, of a window. */
function reference(values: readonly number[], feature: ChannelFeature): number {
  const m = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / m;
  if (feature === "mean") return mean;
  if (m < 2) return 0;
  let sx = 0;
  let sxx = 0;
  let sxy = 0;
  values.forEach((y, x) => {
    sx += x;
    sxx += x * x;
    sxy += x * y;
  });
  return (m * sxy - sx * m * mean) / (m * sxx - sx * sx);
}

describe("WindowFeatureExtractor", () => {
  it("gives the window mean and least-squares slope of the standardised values, partial windows included", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 2, max: 9 }),
        (rows, w) => {
          const centre = [3, -2];
          const scale = [2, 0.5];
          const ex = new WindowFeatureExtractor({
            windowRows: w,
            channelFeatures: ["mean", "slope"],
            centre,
            scale,
          });
          const out = new Float64Array(2);
          rows.forEach((row, i) => {
            ex.push(row, out);
            const window = rows.slice(Math.max(0, i - w + 1), i + 1);
            const z0 = window.map((r) => (r[0] - 3) / 2);
            const z1 = window.map((r) => (r[1] + 2) / 0.5);
            expect(out[0]).toBeCloseTo(reference(z0, "mean"), 6);
            expect(out[1]).toBeCloseTo(reference(z1, "slope"), 6);
            expect(ex.full).toBe(i + 1 >= w);
          });
        },
      ),
      { seed: 2, numRuns: 150 },
    );
  });

  it("a window mean is its values summed oldest to newest from 0, to the bit, across the ring's wrap (one channel, and three summed side by side)", () => {
    const centre = [0.5, -4, 1e3];
    const scale = [3, 0.7, 11];
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(1, 3),
        (values, w, channels) => {
          const ex = new WindowFeatureExtractor({
            windowRows: w,
            channelFeatures: Array.from({ length: channels }, () => "mean" as const),
            centre: centre.slice(0, channels),
            scale: scale.slice(0, channels),
          });
          const out = new Float64Array(channels);
          // Channel c reads v * (c + 1).
          values.forEach((v, i) => {
            ex.push([v, 2 * v, 3 * v].slice(0, channels), out);
            const window = values.slice(Math.max(0, i - w + 1), i + 1);
            for (let c = 0; c < channels; c++) {
              let sum = 0;
              for (const y of window)
                sum += (y * (c + 1) - (centre[c] as number)) * (1 / (scale[c] as number));
              expect(out[c]).toBe(sum / window.length);
            }
          });
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it("a linear ramp has exactly its slope (per row, in standard deviations)", () => {
    const ex = new WindowFeatureExtractor({
      windowRows: 5,
      channelFeatures: ["slope"],
      centre: [0],
      scale: [2],
    });
    const out = new Float64Array(1);
    for (let i = 0; i < 20; i++) ex.push([7 + 0.3 * i], out);
    expect(out[0]).toBeCloseTo(0.15, 12);
  });

  it("reset forgets the window", () => {
    const ex = new WindowFeatureExtractor({
      windowRows: 3,
      channelFeatures: ["mean"],
      centre: [0],
      scale: [1],
    });
    const out = new Float64Array(1);
    ex.push([100], out);
    ex.push([100], out);
    ex.reset();
    ex.push([1], out);
    expect(out[0]).toBe(1);
    expect(ex.full).toBe(false);
  });

  it("rejects bad layouts naming the field", () => {
    const bad = (layout: object, field: string) => {
      try {
        new WindowFeatureExtractor({
          windowRows: 3,
          channelFeatures: ["mean"],
          centre: [0],
          scale: [1],
          ...layout,
        });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).field).toBe(field);
        return;
      }
      throw new Error("expected a ConfigError");
    };
    bad({ windowRows: 0 }, "features.windowRows");
    bad({ windowRows: 1, channelFeatures: ["slope"] }, "features.windowRows");
    bad({ scale: [0] }, "features.scale[0]");
    bad({ centre: [0, 1] }, "features.centre");
    bad({ channelFeatures: ["median"] }, "features.channelFeatures[0]");
  });
});
