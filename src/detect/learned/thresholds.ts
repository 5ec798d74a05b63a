/**
 * Alarm thresholds set from the scores of nominal training rows only.
 *
 * Default rule (`max`, margin 1): the largest score seen on the training rows. Training sets here
 * are short (SKAB: 400 rows at 1 Hz) and their window features strongly autocorrelated, so a high
 * quantile such as the 99th rests on a handful of independent excursions and underestimates the
 * nominal tail; the maximum is the least optimistic limit the training rows support. `quantile`
 * is there for long training runs, where the maximum would be set by one outlier.
 */
import { ConfigError } from "../../core/errors.js";

export const THRESHOLD_RULE_KINDS = ["max", "quantile"] as const;
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
    };

export const DEFAULT_THRESHOLD_RULE: ThresholdRule = { kind: "max", margin: 1 };

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
  const n = values.length;
  if (n === 0) throw new ConfigError("values", n, "quantile of an empty set");
  const sorted = Float64Array.from(values).sort();
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
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
    default: {
      const never: never = rule;
      throw new ConfigError("threshold.kind", (never as { kind: unknown }).kind, "unknown rule");
    }
  }
  return Math.max(base * rule.margin, 1e-12);
}
