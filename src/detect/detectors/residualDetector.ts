/**
 * The capability every residual detector offers (docs/design.md 3: an interface per capability). The
 * factory that builds one from a config lives in detector.ts; this file holds only the types, so
 * that each detector can implement it without importing the factory.
 */

/** Detector kinds, as written in configs and `--detector` specs. */
export const DETECTOR_KINDS = ["threshold", "ewma", "cusum", "chi_square"] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/** Which side of the target a detector watches. */
export const DETECTOR_SIDES = ["both", "upper", "lower"] as const;
export type DetectorSide = (typeof DETECTOR_SIDES)[number];

/** The side a deviation is on: +1 above the target, -1 below, 0 none or undirected. */
export type Direction = -1 | 0 | 1;

/**
 * An online detector on one residual (one sample at a time, O(1), no allocation per sample,
 * deterministic).
 *
 * Decision rule, the same for every kind: `alarm` is `statistic >= limit`, so `score`
 * (`statistic / limit`) reaches 1 exactly when the detector alarms. `statistic` is there every
 * sample for plotting, whether or not it alarms.
 *
 * Gaps: a non-finite sample (NaN for a missing or out-of-range reading) is ignored and leaves the
 * state as it was; the detector resumes with the next finite sample.
 */
export interface ResidualDetector {
  readonly kind: DetectorKind;
  /** Feeds one sample; returns {@link alarm}. */
  update(x: number): boolean;
  /** The detector's own statistic after the last sample (documented per kind), >= 0. */
  readonly statistic: number;
  /** The value `statistic` is compared with (may vary with the sample count, e.g. exact EWMA limits). */
  readonly limit: number;
  /** `statistic / limit`: >= 1 exactly when alarming; what the alarm manager and plots consume. */
  readonly score: number;
  /** Side of the current deviation (0 for undirected statistics such as chi-square). */
  readonly direction: Direction;
  /** `statistic >= limit` after the last sample. */
  readonly alarm: boolean;
  /** Finite samples consumed since construction or the last {@link reset}. */
  readonly samples: number;
  /** Back to the state at construction. */
  reset(): void;
}
