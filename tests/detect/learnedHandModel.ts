/** A learned model written by hand, shared by the tests of the learned detector beside the monitor. */
import type { LearnedModel } from "../../src/detect/learned/learnedDetector.js";

/**
 * A hand-made model over `names`: 1-row window, features (x - centre) / scale, PCA with the
 * identity as its components and unit eigenvalues and limits, so a sample's score is the sum of
 * its squared standardised values; threshold 1, an alarm on the first row above it.
 */
export function handModel(
  names: readonly string[],
  centre: readonly number[],
  scale: readonly number[],
): LearnedModel {
  return {
    trainRows: 100,
    channelNames: [...names],
    features: {
      windowRows: 1,
      channelFeatures: names.map(() => "mean" as const),
      centre: [...centre],
      scale: [...scale],
    },
    slowFractions: names.map(() => 0),
    model: {
      kind: "pca",
      featureMean: names.map(() => 0),
      components: names.map((_, j) => names.map((_, m) => (m === j ? 1 : 0))),
      eigenvalues: names.map(() => 1),
      t2Limit: 1,
      qLimit: 1,
    },
    thresholdRule: { kind: "max", margin: 1 },
    threshold: 1,
    smoothingRows: 1,
    persistenceRows: 1,
    holdRows: 0,
    calibrationBlocks: 1,
    baselineRows: 0,
  };
}
