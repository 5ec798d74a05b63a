/**
 * Drift screening: decides, from the training rows alone, which channels have a level that the
 * training rows can describe and which drift too slowly for that.
 *
 * Why: a detector trained on a few hundred rows learns each channel's level from those rows. A
 * channel whose training variance is mostly slow drift (a temperature still warming up) will
 * leave that range later for no fault at all, and a level feature would then alarm for as long as
 * the run lasts. Its rate of change, by contrast, stays in its training range.
 *
 * Statistic: the slow-variance fraction, var(means of consecutive blocks) / var(all rows), over
 * the training rows cut into {@link DRIFT_SCREEN_BLOCKS} equal blocks. By the law of total
 * variance it lies in [0, 1]; white noise gives about 1/blockRows, a ramp or a random walk close
 * to 1. Rule: a channel whose fraction exceeds the cutoff (default 0.5, "most of its training
 * variance is slower than a block") gets the `slope` feature; every other channel gets `mean`.
 */
import type { ChannelFeature } from "./windowFeatures.js";

/** Number of blocks the training rows are cut into. */
export const DRIFT_SCREEN_BLOCKS = 8;

/**
 * Fraction of the variance of `values[0, rows)` carried by the means of `blocks` consecutive
 * equal blocks (the tail that does not fill a block is left out). 0 for a constant series.
 */
export function slowVarianceFraction(
  values: ArrayLike<number>,
  rows: number,
  blocks = DRIFT_SCREEN_BLOCKS,
): number {
  const blockRows = Math.floor(rows / blocks);
  if (blockRows < 2) return 0;
  const used = blockRows * blocks;
  let mean = 0;
  for (let i = 0; i < used; i++) mean += values[i] as number;
  mean /= used;
  let total = 0;
  for (let i = 0; i < used; i++) {
    const d = (values[i] as number) - mean;
    total += d * d;
  }
  if (total === 0) return 0;
  let between = 0;
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = b * blockRows; i < (b + 1) * blockRows; i++) s += values[i] as number;
    const d = s / blockRows - mean;
    between += blockRows * d * d;
  }
  return Math.min(1, between / total);
}

/**
 * The feature of each channel: `slope` when its slow-variance fraction over the first `trainRows`
 * rows exceeds `cutoff`, else `mean`. A cutoff >= 1 keeps every channel on `mean`.
 */
export function screenDriftingChannels(
  channels: readonly ArrayLike<number>[],
  trainRows: number,
  cutoff: number,
): { readonly features: ChannelFeature[]; readonly slowFractions: number[] } {
  const slowFractions = channels.map((ch) => slowVarianceFraction(ch, trainRows));
  const features = slowFractions.map((f): ChannelFeature => (f > cutoff ? "slope" : "mean"));
  return { features, slowFractions };
}
