import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { ChiSquareDetector } from "../../src/detect/detectors/chiSquare.js";
import { CusumDetector } from "../../src/detect/detectors/cusum.js";
import {
  createDetector,
  type DetectorConfig,
  parseDetectorConfig,
  parseDetectorSpec,
  type ResidualDetector,
} from "../../src/detect/detectors/detector.js";
import { EwmaDetector } from "../../src/detect/detectors/ewma.js";
import { ThresholdDetector } from "../../src/detect/detectors/thresholdDetector.js";
import { configMessage } from "./configMessage.js";

describe("detector factory", () => {
  it("builds each kind with its options", () => {
    const t = createDetector({ kind: "threshold", threshold: 2, k: 2, n: 4 });
    expect(t).toBeInstanceOf(ThresholdDetector);
    expect(t.options.n).toBe(4);
    expect(createDetector({ kind: "ewma", lambda: 0.1 })).toBeInstanceOf(EwmaDetector);
    expect(createDetector({ kind: "cusum", h: 4 }).options.h).toBe(4);
    const c = createDetector({ kind: "chi_square", dimension: 3 });
    expect(c).toBeInstanceOf(ChiSquareDetector);
    expect(c.options.dimension).toBe(3);
  });

  it("parses --detector specs", () => {
    expect(parseDetectorSpec("cusum:k=0.25,h=6,sigma=0.05,resetOnAlarm=true,cap=Infinity")).toEqual({
      kind: "cusum",
      k: 0.25,
      h: 6,
      sigma: 0.05,
      resetOnAlarm: true,
      cap: Number.POSITIVE_INFINITY,
    });
    expect(parseDetectorSpec("ewma")).toEqual({ kind: "ewma" });
    expect(parseDetectorSpec("threshold:threshold=1.5,k=3,n=5,side=upper")).toEqual({
      kind: "threshold",
      threshold: 1.5,
      k: 3,
      n: 5,
      side: "upper",
    });
  });

  it("booleans in a spec: false is false", () => {
    expect(parseDetectorSpec("cusum:resetOnAlarm=false")).toEqual({ kind: "cusum", resetOnAlarm: false });
    expect(parseDetectorSpec("ewma:exactLimits=false,side=lower")).toEqual({
      kind: "ewma",
      exactLimits: false,
      side: "lower",
    });
  });

  it("spec syntax: blanks around kind, keys and values, inf, and each malformed option named whole", () => {
    expect(parseDetectorSpec(" cusum : h = 4 , side = lower , resetOnAlarm = true , cap = inf ")).toEqual({
      kind: "cusum",
      h: 4,
      side: "lower",
      resetOnAlarm: true,
      cap: Number.POSITIVE_INFINITY,
    });
    expect(parseDetectorSpec("cusum: ")).toEqual({ kind: "cusum" });
    const malformed = "each option must be written key=value";
    expect(() => parseDetectorSpec("cusum:h")).toThrow(`cusum: ${malformed} (got "h")`);
    expect(() => parseDetectorSpec("cusum:=4")).toThrow(`cusum: ${malformed} (got "=4")`);
    expect(() => parseDetectorSpec("cusum:h=")).toThrow(`cusum: ${malformed} (got "h=")`);
    expect(() => parseDetectorSpec("cusum:h= ,k=1")).toThrow(`cusum: ${malformed} (got "h= ")`);
    expect(() => parseDetectorSpec("cusum:h=4,h=5")).toThrow('cusum.h: is given twice (got "5")');
    expect(() => parseDetectorSpec("cusum:h=abc")).toThrow('cusum.h: must be a number (got "abc")');
    expect(() => parseDetectorSpec("ewma:exactLimits=yes")).toThrow(
      'ewma.exactLimits: must be true or false (got "yes")',
    );
  });

  it("spec kinds: an unknown or empty kind is refused by the spec parser, a kind among the options as a kind", () => {
    const kinds = "must be one of threshold, ewma, cusum, chi_square";
    expect(() => parseDetectorSpec("kalman")).toThrow(`detector: ${kinds} (got "kalman")`);
    expect(() => parseDetectorSpec(":h=4")).toThrow(`detector: ${kinds} (got "")`);
    expect(() => parseDetectorSpec("cusum:kind=3")).toThrow(`detector.kind: ${kinds} (got 3)`);
  });

  it("JSON errors: an unknown option lists the kind's options; a bad value keeps the detector's error as its cause", () => {
    expect(() => parseDetectorConfig({ kind: "cusum", lambda: 0.2 })).toThrow(
      "detector.lambda: is not an option of cusum (options: target, sigma, k, h, side, resetOnAlarm, cap) (got 0.2)",
    );
    let caught: unknown;
    try {
      parseDetectorConfig({ kind: "cusum", h: 0 }, "detectors[4]");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe("detectors[4].cusum.h: must be > 0 (got 0)");
    const cause = (caught as ConfigError).cause;
    expect(cause).toBeInstanceOf(ConfigError);
    expect((cause as ConfigError).message).toBe("cusum.h: must be > 0 (got 0)");
    // The detector's problem is kept without its own "(got ...)", whatever the value's length.
    expect(() => parseDetectorSpec("cusum:h=-10")).toThrow(/^detector\.cusum\.h: must be > 0 \(got -10\)$/);
    expect(() => parseDetectorConfig({ kind: "ewma", side: "sideways" })).toThrow(
      /^detector\.ewma\.side: must be one of both, upper, lower \(got "sideways"\)$/,
    );
  });

  it("a JSON config that is not an object (a string, number, boolean or undefined) is refused as such", () => {
    // A primitive has no kind either, but the message must say what is wrong with the value itself.
    expect(configMessage(() => parseDetectorConfig("cusum", "detectors[0]"))).toBe(
      'detectors[0]: must be an object with a kind (got "cusum")',
    );
    expect(configMessage(() => parseDetectorConfig(5))).toBe(
      "detector: must be an object with a kind (got 5)",
    );
    expect(configMessage(() => parseDetectorConfig(true))).toBe(
      "detector: must be an object with a kind (got true)",
    );
    expect(configMessage(() => parseDetectorConfig(undefined))).toBe(
      "detector: must be an object with a kind",
    );
  });

  it("a JSON config with no field name is named detector", () => {
    expect(() => parseDetectorConfig(null)).toThrow("detector: must be an object with a kind (got null)");
    expect(() => parseDetectorConfig({ kind: "cusum", h: 0 })).toThrow(
      "detector.cusum.h: must be > 0 (got 0)",
    );
  });

  it("spec and JSON errors name the field and the value", () => {
    expect(() => parseDetectorSpec("cusum:h=abc")).toThrow(/cusum\.h.*"abc"/);
    expect(() => parseDetectorSpec("cusum:h=-1")).toThrow(/detector\.cusum\.h.*got -1/);
    expect(() => parseDetectorSpec("kalman")).toThrow(/detector.*"kalman"/);
    expect(() => parseDetectorSpec("cusum:lambda=0.2")).toThrow(/detector\.lambda.*not an option of cusum/);
    expect(() => parseDetectorSpec("cusum:h")).toThrow(ConfigError);
    expect(() => parseDetectorSpec("cusum:h=4,h=5")).toThrow(/given twice/);
    expect(() => parseDetectorSpec("ewma:exactLimits=yes")).toThrow(/ewma\.exactLimits/);
    expect(() => parseDetectorConfig({ kind: "ewma", L: "3" }, "detectors[1]")).toThrow(
      /detectors\[1\]\.ewma\.L/,
    );
    expect(() => parseDetectorConfig(null, "detectors[0]")).toThrow(/detectors\[0\]/);
  });

  it("a kind that is not a detector is refused with the list of kinds, from JSON and from code", () => {
    const kinds = "must be one of threshold, ewma, cusum, chi_square";
    expect(() => parseDetectorConfig({ kind: "kalman" }, "detectors[2]")).toThrow(
      `detectors[2].kind: ${kinds} (got "kalman")`,
    );
    expect(() => parseDetectorConfig([], "detectors[3]")).toThrow(
      "detectors[3]: must be an object with a kind (got [])",
    );
    expect(() => createDetector({ kind: "kalman" } as unknown as DetectorConfig)).toThrow(
      `detector.kind: ${kinds} (got "kalman")`,
    );
  });
});

/** Indices of the samples at which the detector alarms. */
function alarmSet(d: ResidualDetector, xs: readonly number[]): Set<number> {
  const s = new Set<number>();
  xs.forEach((x, i) => {
    if (d.update(x)) s.add(i);
  });
  return s;
}

const samples = fc.array(
  fc.oneof(
    { weight: 20, arbitrary: fc.double({ min: -6, max: 6, noNaN: true }) },
    { weight: 1, arbitrary: fc.constant(Number.NaN) },
  ),
  { minLength: 1, maxLength: 200 },
);
const pair = fc
  .tuple(fc.double({ min: 0.05, max: 10, noNaN: true }), fc.double({ min: 0.05, max: 10, noNaN: true }))
  .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

function expectSubset(higher: Set<number>, lower: Set<number>): void {
  for (const i of higher) expect(lower.has(i)).toBe(true);
}

describe("a higher threshold never raises more alarms (property)", () => {
  const cases: readonly [string, (lo: number) => DetectorConfig][] = [
    ["threshold k of n", (t) => ({ kind: "threshold", threshold: t, k: 2, n: 4 })],
    ["ewma L", (t) => ({ kind: "ewma", lambda: 0.3, L: t })],
    ["ewma L, exact limits", (t) => ({ kind: "ewma", lambda: 0.3, L: t, exactLimits: true })],
    ["cusum h", (t) => ({ kind: "cusum", k: 0.5, h: t })],
    ["cusum h, capped", (t) => ({ kind: "cusum", k: 0.5, h: t, cap: 25 })],
    ["chi-square alpha (windowed)", (t) => ({ kind: "chi_square", window: 3, alpha: Math.exp(-t) })],
  ];
  it.each(cases)("%s", (_name, config) => {
    fc.assert(
      fc.property(samples, pair, (xs, [lo, hi]) => {
        const atLow = alarmSet(createDetector(config(lo)), xs);
        const atHigh = alarmSet(createDetector(config(hi)), xs);
        expect(atHigh.size).toBeLessThanOrEqual(atLow.size);
        expectSubset(atHigh, atLow);
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it("score reaches 1 exactly when alarming, for every kind", () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const ds: ResidualDetector[] = [
          new ThresholdDetector({ threshold: 1.5, k: 2, n: 3 }),
          new EwmaDetector({ lambda: 0.4, L: 2 }),
          new CusumDetector({ h: 3 }),
          new ChiSquareDetector({ window: 2, alpha: 0.05 }),
        ];
        for (const x of xs) {
          for (const d of ds) {
            d.update(x);
            expect(d.alarm).toBe(d.statistic >= d.limit);
            if (d.samples > 0) expect(d.score >= 1).toBe(d.alarm);
          }
        }
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
