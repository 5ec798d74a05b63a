/**
 * Alarm thresholds set from the scores of nominal training rows only.
 *
 * Rules:
 * - `max` (the default of a model without a stated rate): the largest training score. The least
 *   optimistic limit the rows support, but its false-alarm rate is whatever the sample gives.
 * - `quantile`: an empirical quantile, for long training runs.
 * - `conformal` and `pot`: a threshold at a stated exceedance probability `alpha` per row, by the
 *   split-conformal quantile or by peaks over threshold with a generalised Pareto tail
 *   (extremeValue.ts). With out-of-block calibration scores (learnedDetector.ts, `calibration`)
 *   these state what a nominal row the model has not seen exceeds, which in-sample scores
 *   understate.
 */
import { ConfigError } from "../../core/errors.js";
import { conformalQuantile, potThreshold, sortedQuantile } from "./extremeValue.js";

export const THRESHOLD_RULE_KINDS = ["max", "quantile", "conformal", "pot"] as const;
export type ThresholdRuleKind = (typeof THRESHOLD_RULE_KINDS)[number];

export type ThresholdRule =
  | {
      readonly kind: "max";
      /** Multiplier on the training maximum. @default 1 */
      readonly margin: number;
    }
  | {
      readonly kind: "quantile";
      /** Quantile of the training scores, in (0, 1]. */
      readonly q: number;
      /** Multiplier on the quantile. @default 1 */
      readonly margin: number;
    }
  | {
      readonly kind: "conformal";
      /** Stated exceedance probability per nominal row, in (0, 1). */
      readonly alpha: number;
      /** Multiplier on the conformal quantile. @default 1 */
      readonly margin: number;
    }
  | {
      readonly kind: "pot";
      /** Stated exceedance probability per nominal row, in (0, 1). */
      readonly alpha: number;
      /** Quantile of the scores whose excesses get the Pareto fit, in (0, 1). @default 0.9 */
      readonly initialQuantile: number;
      /** Multiplier on the threshold. @default 1 */
      readonly margin: number;
    };

export const DEFAULT_THRESHOLD_RULE: ThresholdRule = { kind: "max", margin: 1 };

function checkOpenUnit(field: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0 && v < 1)) throw new ConfigError(field, v, "must be in (0, 1)");
}

/** Checks a rule, naming the field at fault. */
export function validateThresholdRule(rule: ThresholdRule, field = "threshold"): void {
  if (!(Number.isFinite(rule.margin) && rule.margin > 0))
    throw new ConfigError(`${field}.margin`, rule.margin, "must be finite and > 0");
  switch (rule.kind) {
    case "max":
      return;
    case "quantile":
      if (!(Number.isFinite(rule.q) && rule.q > 0 && rule.q <= 1))
        throw new ConfigError(`${field}.q`, rule.q, "must be in (0, 1]");
      return;
    case "conformal":
      checkOpenUnit(`${field}.alpha`, rule.alpha);
      return;
    case "pot":
      checkOpenUnit(`${field}.alpha`, rule.alpha);
      checkOpenUnit(`${field}.initialQuantile`, rule.initialQuantile);
      return;
    default: {
      const never: never = rule;
      throw new ConfigError(
        `${field}.kind`,
        (never as { kind: unknown }).kind,
        `must be one of ${THRESHOLD_RULE_KINDS.join(", ")}`,
      );
    }
  }
}

/**
 * Empirical quantile of `values` by linear interpolation between order statistics (type 7, the
 * default of R and numpy). `values` is not modified.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new ConfigError("values", 0, "quantile of an empty set");
  return sortedQuantile(Float64Array.from(values).sort(), q);
}

/** The threshold `rule` gives on the training `scores` (a positive number; a floor of 1e-12 keeps it so). */
export function thresholdFromTraining(scores: ArrayLike<number>, rule: ThresholdRule): number {
  validateThresholdRule(rule);
  if (scores.length === 0)
    throw new ConfigError("training scores", 0, "no training score to set a threshold from");
  let base: number;
  switch (rule.kind) {
    case "max": {
      base = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < scores.length; i++) base = Math.max(base, scores[i] as number);
      break;
    }
    case "quantile":
      base = quantile(scores, rule.q);
      break;
    case "conformal":
      base = conformalQuantile(scores, rule.alpha);
      // n scores cannot vouch for alpha < 1 / (n + 1): the largest is the most they support.
      if (base === Number.POSITIVE_INFINITY) base = quantile(scores, 1);
      break;
    case "pot":
      base = potThreshold(scores, rule);
      break;
    default: {
      const never: never = rule;
      throw new ConfigError("threshold.kind", (never as { kind: unknown }).kind, "unknown rule");
    }
  }
  return Math.max(base * rule.margin, 1e-12);
}
