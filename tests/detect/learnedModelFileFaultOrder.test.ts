/**
 * learnedModelFile.ts reads a file's `features` in the order they are written (channel features,
 * window, centre, scale), so a file with several faults there is refused naming the first: a bad
 * channel feature is named before a bad window, centre or scale, not left for the layout check
 * that runs after them.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { fitLearnedDetector } from "../../src/detect/learned/learnedDetector.js";
import { learnedModelFromJson, learnedModelToJson } from "../../src/detect/learned/learnedModelFile.js";

function refusal(text: string): string {
  try {
    learnedModelFromJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("a model file with several faults in its features names the first", () => {
  it("an unknown channel feature before a bad window, centre or scale", () => {
    const model = fitLearnedDetector(
      ["a", "b"],
      [Float64Array.from([0, 6, 4, 5, 5, 3, 1]), Float64Array.from([2, 1, 2, 3, 2, 2, 1])],
      7,
      {
        windowRows: 1,
      },
    );
    const featureMessage = 'features.channelFeatures[1]: must be one of mean, slope (got "median")';
    const breakers: ((f: Record<string, unknown>) => void)[] = [
      (f) => {
        f.windowRows = 0;
      },
      (f) => {
        f.centre = [0, "x"];
      },
      (f) => {
        f.scale = [1];
      },
    ];
    for (const breakOther of breakers) {
      const doc = JSON.parse(learnedModelToJson(model));
      doc.features.channelFeatures[1] = "median";
      breakOther(doc.features);
      expect(refusal(JSON.stringify(doc))).toBe(featureMessage);
    }
    // Each of the others alone is named (so each breaks the file).
    expect(
      breakers.map((breakOther) => {
        const doc = JSON.parse(learnedModelToJson(model));
        breakOther(doc.features);
        return refusal(JSON.stringify(doc));
      }),
    ).toEqual([
      "features.windowRows: must be a whole number >= 1 (got 0)",
      'features.centre[1]: must be a finite number (got "x")',
      'features.scale: must have 2 entries (got "1 entries")',
    ]);
  });
});
