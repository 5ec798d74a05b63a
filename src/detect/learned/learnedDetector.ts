/**
 * The learned (unsupervised) detector: trained on nominal rows only, then scored online sample by
 * sample over any set of numeric channels: rig sensors, an external data set's channels, or the
 * twin's residuals (the detector only sees an array of numbers per sample).
 *
 * Pipeline per sample: standardise each channel by its training mean and standard deviation ->
 * window feature per channel (`mean`, or `slope` for channels the drift screen finds drifting,
 * see driftScreen.ts) -> detector score (PCA combined T2/Q index, pcaDetector.ts, or Isolation
 * Forest, isolationForest.ts) -> optional
 * moving mean -> divide by the threshold set on the training rows (thresholds.ts), so a score
 * above 1 is an exceedance -> persistence (alarm after `persistenceRows` consecutive
 * exceedances).
 *
 * Training isolation: {@link fitLearnedDetector} reads rows [0, trainRows) and nothing else, so no
 * later row can influence the model or its threshold.
 *
 * Defaults and why (SKAB rows are about 1 s apart; faults there and on the rig last minutes):
 * - `windowRows` 5: long enough to cut sample noise by about 2, short enough that the features'
 *   training variance is not dominated by slow wander (averaging shrinks noise but not drift, so
 *   long windows make nominal drift look large next to the narrow training spread).
 * - `driftCutoff` 0.5: see driftScreen.ts.
 * - PCA retaining 90 % of the variance; the remaining directions are watched by Q.
 * - threshold: the training maximum of the score (see thresholds.ts).
 * - `smoothingRows` 1 (none) and `persistenceRows` 5: an alarm needs 5 consecutive rows above
 *   the threshold, which removes isolated excursions and delays detection by 4 rows; `holdRows` 0:
 *   the alarm ends on the first row that breaks the run.
 * - `calibrationBlocks` 1, `scaleBlocks` 1, `baselineRows` 0: in-sample threshold scores, the
 *   training standard deviation, the training level; the defaults of models saved before these
 *   options existed. The setting chosen for SKAB by a stated procedure (out-of-block calibration,
 *   a POT threshold at a stated rate, the block scale, a followed baseline) is in
 *   ../evaluation/settingSelection.ts and the README.
 */
import { ConfigError } from "../../core/errors.js";
import { screenDriftingChannels } from "./driftScreen.js";
import {
  DEFAULT_ISOLATION_FOREST_OPTIONS,
  fitIsolationForest,
  type IsolationForestModel,
  type IsolationForestOptions,
  IsolationForestScorer,
  validateIsolationForestOptions,
} from "./isolationForest.js";
import {
  DEFAULT_PCA_OPTIONS,
  fitPca,
  type PcaModel,
  type PcaOptions,
  PcaScorer,
  validatePcaOptions,
} from "./pcaDetector.js";
import { MovingMean, Persistence } from "./scoreSmoothing.js";
import {
  DEFAULT_THRESHOLD_RULE,
  type ThresholdRule,
  thresholdFromTraining,
  validateThresholdRule,
} from "./thresholds.js";
import { type ChannelFeature, WindowFeatureExtractor, type WindowFeatureLayout } from "./windowFeatures.js";

/** Names accepted by `--detector`. */
export const LEARNED_DETECTORS = ["pca", "iforest"] as const;
export type LearnedDetectorName = (typeof LEARNED_DETECTORS)[number];

/** The fitted scoring stage, by kind. */
export type FeatureModel = PcaModel | IsolationForestModel;

export interface LearnedDetectorOptions {
  /** Which scoring stage. @default "pca" */
  readonly detector: LearnedDetectorName;
  /** Window length of the features, rows. @default 5 */
  readonly windowRows: number;
  /** Slow-variance fraction above which a channel is watched by its slope, not its level; >= 1 disables. @default 0.5 */
  readonly driftCutoff: number;
  /** PCA settings (detector "pca"). @default { varianceFraction: 0.9 } */
  readonly pca: PcaOptions;
  /** Isolation Forest settings (detector "iforest"). @default { trees: 100, sampleRows: 256, seed: 1 } */
  readonly iforest: IsolationForestOptions;
  /** How the threshold is set from the training scores. @default { kind: "max", margin: 1 } */
  readonly threshold: ThresholdRule;
  /** Moving mean of the score over this many rows before thresholding. @default 1 */
  readonly smoothingRows: number;
  /** Consecutive exceedances needed for an alarm. @default 5 */
  readonly persistenceRows: number;
  /**
   * Rows an alarm stays on after the persistence condition last held (off-delay, see
   * scoreSmoothing.ts), so a fault whose score dips under the threshold stays one alarm. @default 0
   */
  readonly holdRows: number;
  /**
   * Where the threshold's scores come from: 1 = the training rows scored by the model fitted on
   * them; K >= 2 = the training rows cut into K consecutive blocks, each scored by a model
   * fitted without it (out-of-sample scores, see calibrationScores). @default 1
   */
  readonly calibrationBlocks: number;
  /**
   * How each channel's scale is set: 1 = its training standard deviation; K >= 2 = its
   * leave-block-out spread over K consecutive blocks (channelSpread), which counts slow wander
   * across the training rows. @default 1
   */
  readonly scaleBlocks: number;
  /**
   * Level channels are read against a baseline that follows the level slowly (exponential moving
   * mean, time constant this many rows) on every row that does not exceed the threshold, and holds
   * still on rows that do, so slow wander after training is followed while a fault is not; 0 keeps
   * the training level for good. @default 0
   */
  readonly baselineRows: number;
}

export const DEFAULT_LEARNED_DETECTOR_OPTIONS: LearnedDetectorOptions = {
  detector: "pca",
  windowRows: 5,
  driftCutoff: 0.5,
  pca: DEFAULT_PCA_OPTIONS,
  iforest: DEFAULT_ISOLATION_FOREST_OPTIONS,
  threshold: DEFAULT_THRESHOLD_RULE,
  smoothingRows: 1,
  persistenceRows: 5,
  holdRows: 0,
  calibrationBlocks: 1,
  scaleBlocks: 1,
  baselineRows: 0,
};

/** A fitted learned detector: plain data (saved and loaded by learnedModelFile.ts). */
export interface LearnedModel {
  /** Number of leading rows it was trained on. */
  readonly trainRows: number;
  /** The channels it scores, in the order a sample must give them. */
  readonly channelNames: readonly string[];
  /** Standardisation, window length and per-channel feature. */
  readonly features: WindowFeatureLayout;
  /** The drift screen's slow-variance fraction per channel (for reports). */
  readonly slowFractions: readonly number[];
  readonly model: FeatureModel;
  readonly thresholdRule: ThresholdRule;
  /** The score (after smoothing) that maps to 1. */
  readonly threshold: number;
  readonly smoothingRows: number;
  readonly persistenceRows: number;
  /** Off-delay of the alarm, rows (see LearnedDetectorOptions); 0 in files without it. */
  readonly holdRows: number;
  /** How the threshold's scores were obtained (see LearnedDetectorOptions); 1 in files before version 2. */
  readonly calibrationBlocks: number;
  /** Time constant of the followed level baseline, rows; 0 = the training level (see LearnedDetectorOptions). */
  readonly baselineRows: number;
}

function checkWholeAtLeast(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(field, value, `must be a whole number >= ${min}`);
}

/** Fills defaults into partial options and validates them, naming the field at fault. */
export function resolveLearnedDetectorOptions(
  partial: Partial<LearnedDetectorOptions> = {},
): LearnedDetectorOptions {
  const o: LearnedDetectorOptions = { ...DEFAULT_LEARNED_DETECTOR_OPTIONS, ...partial };
  if (!(LEARNED_DETECTORS as readonly string[]).includes(o.detector))
    throw new ConfigError("detector", o.detector, `must be one of ${LEARNED_DETECTORS.join(", ")}`);
  checkWholeAtLeast("windowRows", o.windowRows, 1);
  if (!(Number.isFinite(o.driftCutoff) && o.driftCutoff >= 0))
    throw new ConfigError("driftCutoff", o.driftCutoff, "must be a number >= 0");
  validatePcaOptions(o.pca);
  validateIsolationForestOptions(o.iforest);
  validateThresholdRule(o.threshold);
  checkWholeAtLeast("smoothingRows", o.smoothingRows, 1);
  checkWholeAtLeast("persistenceRows", o.persistenceRows, 1);
  checkWholeAtLeast("holdRows", o.holdRows, 0);
  checkWholeAtLeast("calibrationBlocks", o.calibrationBlocks, 1);
  checkWholeAtLeast("scaleBlocks", o.scaleBlocks, 1);
  checkWholeAtLeast("baselineRows", o.baselineRows, 0);
  return o;
}

/** Rows at the start of a run whose score uses a partly filled window; they never alarm. */
export function warmUpRows(model: Pick<LearnedModel, "features" | "smoothingRows">): number {
  return model.features.windowRows - 1 + model.smoothingRows - 1;
}

/**
 * Trains a learned detector on rows [0, trainRows) of `channels` (one array per channel, all at
 * least trainRows long). Rows from trainRows on are never read.
 */
export function fitLearnedDetector(
  channelNames: readonly string[],
  channels: readonly ArrayLike<number>[],
  trainRows: number,
  options: Partial<LearnedDetectorOptions> = {},
): LearnedModel {
  const o = resolveLearnedDetectorOptions(options);
  const n = channels.length;
  if (n === 0) throw new ConfigError("channels", n, "need at least one channel");
  if (channelNames.length !== n)
    throw new ConfigError("channelNames", channelNames.length, `must name all ${n} channels`);
  checkWholeAtLeast("trainRows", trainRows, 1);
  channels.forEach((ch, c) => {
    if (ch.length < trainRows)
      throw new ConfigError("trainRows", trainRows, `channel ${channelNames[c]} has only ${ch.length} rows`);
  });
  const windowRows = o.windowRows;
  const { features: channelFeatures, slowFractions } = screenDriftingChannels(
    channels,
    trainRows,
    o.driftCutoff,
  );
  // A slope needs two rows; a 1-row window falls back to levels only.
  const usableFeatures = windowRows < 2 ? channelFeatures.map(() => "mean" as const) : channelFeatures;
  const needed = windowRows - 1 + n + 1 + o.smoothingRows - 1;
  if (trainRows < needed)
    throw new ConfigError(
      "trainRows",
      trainRows,
      `too few for ${n} channels with a ${windowRows}-row window (need at least ${needed})`,
    );
  checkCalibrationBlocks(o.calibrationBlocks, trainRows, windowRows, needed - (windowRows - 1));
  const fitOn = (isExcluded: (row: number) => boolean): LearnedModel => {
    const stage = fitStage(o, channels, usableFeatures, trainRows, isExcluded);
    return {
      trainRows,
      channelNames: [...channelNames],
      features: stage.features,
      slowFractions,
      model: stage.model,
      thresholdRule: o.threshold,
      threshold: 1,
      smoothingRows: o.smoothingRows,
      persistenceRows: o.persistenceRows,
      holdRows: o.holdRows,
      calibrationBlocks: o.calibrationBlocks,
      // The threshold is set on scores against the training level: a followed baseline would
      // need the threshold it is being used to find.
      baselineRows: 0,
    };
  };
  const provisional = fitOn(() => false);
  const scores = calibrationScores(provisional, channels, trainRows, o.calibrationBlocks, fitOn);
  return {
    ...provisional,
    threshold: thresholdFromTraining(scores, o.threshold),
    baselineRows: o.baselineRows,
  };
}

/**
 * Standardisation and scoring stage fitted on rows [0, trainRows) except the excluded ones:
 * centre and scale from the included rows, feature rows from windows holding no excluded row.
 */
function fitStage(
  o: LearnedDetectorOptions,
  channels: readonly ArrayLike<number>[],
  channelFeatures: readonly ChannelFeature[],
  trainRows: number,
  isExcluded: (row: number) => boolean,
): { readonly features: WindowFeatureLayout; readonly model: FeatureModel } {
  const n = channels.length;
  const centre: number[] = [];
  const scale: number[] = [];
  for (const ch of channels) {
    centre.push(meanOf(ch, 0, trainRows, isExcluded));
    const spread = channelSpread(ch, trainRows, o.scaleBlocks, isExcluded);
    // A channel constant in training keeps its own units: any later movement is then large.
    scale.push(spread > 0 ? spread : 1);
  }
  const features: WindowFeatureLayout = { windowRows: o.windowRows, channelFeatures, centre, scale };
  const extractor = new WindowFeatureExtractor(features);
  const sample = new Float64Array(n);
  const featureRows: Float64Array[] = [];
  let cleanRun = 0;
  for (let i = 0; i < trainRows; i++) {
    for (let c = 0; c < n; c++) sample[c] = channels[c]?.[i] as number;
    const out = new Float64Array(n);
    extractor.push(sample, out);
    cleanRun = isExcluded(i) ? 0 : cleanRun + 1;
    if (extractor.full && cleanRun >= o.windowRows) featureRows.push(out);
  }
  return { features, model: fitFeatureModel(o, featureRows) };
}

function meanOf(
  ch: ArrayLike<number>,
  from: number,
  to: number,
  isExcluded: (row: number) => boolean,
  skipFrom = 0,
  skipTo = 0,
): number {
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    if (isExcluded(i) || (i >= skipFrom && i < skipTo)) continue;
    sum += ch[i] as number;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * A channel's nominal spread over the included rows of [0, trainRows). One block: the standard
 * deviation. K blocks: the root-mean-square distance of each row from the mean of the rows in the
 * other blocks, i.e. how far a level the fit has not seen lies from the one it learnt; slow wander
 * across the training rows widens it, where the standard deviation only sees the wander inside.
 */
export function channelSpread(
  ch: ArrayLike<number>,
  trainRows: number,
  blocks: number,
  isExcluded: (row: number) => boolean = () => false,
): number {
  const blockRows = Math.floor(trainRows / blocks);
  let ss = 0;
  let count = 0;
  for (let b = 0; b < blocks; b++) {
    const from = b * blockRows;
    const to = b === blocks - 1 ? trainRows : from + blockRows;
    const centre =
      blocks === 1 ? meanOf(ch, 0, trainRows, isExcluded) : meanOf(ch, 0, trainRows, isExcluded, from, to);
    if (Number.isNaN(centre)) continue;
    for (let i = from; i < to; i++) {
      if (isExcluded(i)) continue;
      const d = (ch[i] as number) - centre;
      ss += d * d;
      count++;
    }
  }
  return count > 0 ? Math.sqrt(ss / count) : 0;
}

/**
 * Each out-of-block fit (calibrationScores) learns from the windows that hold no row of its block:
 * the rows before the block and the rows after it are two runs, each `windowRows - 1` rows short
 * of whole windows. Refuses K blocks when a fit would have fewer than `windowsNeeded` windows (a
 * middle block loses twice what an end block does).
 */
function checkCalibrationBlocks(
  blocks: number,
  trainRows: number,
  windowRows: number,
  windowsNeeded: number,
): void {
  if (blocks === 1) return;
  const blockRows = Math.floor(trainRows / blocks);
  for (let b = 0; b < blocks; b++) {
    const from = b * blockRows;
    const to = b === blocks - 1 ? trainRows : from + blockRows;
    const windows = Math.max(0, from - windowRows + 1) + Math.max(0, trainRows - to - windowRows + 1);
    if (windows < windowsNeeded)
      throw new ConfigError(
        "calibrationBlocks",
        blocks,
        `too many for ${trainRows} training rows: the fit without block ${b + 1} (rows ${from} to ${to - 1}) has ${windows} of the ${windowsNeeded} windows of ${windowRows} rows it needs`,
      );
  }
}

/**
 * The scores the threshold is set from. One block: the fitted model's own scores of its training
 * rows (after warm-up). K blocks: the training rows cut into K consecutive blocks; each block
 * scored by a model fitted without it (blocked cross-fitting), so the scores are those of rows
 * the model has not seen, drift between blocks included.
 */
function calibrationScores(
  model: LearnedModel,
  channels: readonly ArrayLike<number>[],
  trainRows: number,
  blocks: number,
  fitOn: (isExcluded: (row: number) => boolean) => LearnedModel,
): Float64Array {
  const n = channels.length;
  const sample = new Float64Array(n);
  const warmUp = warmUpRows(model);
  const scores: number[] = [];
  const blockRows = Math.floor(trainRows / blocks);
  for (let b = 0; b < blocks; b++) {
    const from = blocks === 1 ? 0 : b * blockRows;
    const to = blocks === 1 || b === blocks - 1 ? trainRows : (b + 1) * blockRows;
    const m = blocks === 1 ? model : fitOn((row) => row >= from && row < to);
    const scorer = new LearnedScorer(m);
    for (let i = 0; i < to; i++) {
      for (let c = 0; c < n; c++) sample[c] = channels[c]?.[i] as number;
      scorer.step(sample);
      if (i >= from && i >= warmUp) scores.push(scorer.lastScore);
    }
  }
  return Float64Array.from(scores);
}

function fitFeatureModel(o: LearnedDetectorOptions, rows: readonly Float64Array[]): FeatureModel {
  switch (o.detector) {
    case "pca":
      return fitPca(rows, o.pca);
    case "iforest":
      return fitIsolationForest(rows, o.iforest);
    default: {
      const never: never = o.detector;
      throw new ConfigError("detector", never, `must be one of ${LEARNED_DETECTORS.join(", ")}`);
    }
  }
}

/** A fitted scoring stage: `score` sets `lastScore` (no return value, see PcaScorer.score). */
interface FeatureScorer {
  score(features: ArrayLike<number>): void;
  readonly lastScore: number;
}

function featureScorer(model: FeatureModel): FeatureScorer {
  switch (model.kind) {
    case "pca":
      return new PcaScorer(model);
    case "iforest":
      return new IsolationForestScorer(model);
    default: {
      const never: never = model;
      throw new ConfigError("model.kind", (never as { kind: unknown }).kind, "unknown detector model");
    }
  }
}

/**
 * Online scorer of a fitted {@link LearnedModel}: call {@link step} once per sample, in time
 * order. Allocation-free per sample (checked with --trace-gc: no scavenge grows with the number
 * of samples scored).
 */
export class LearnedScorer {
  /** Normalised score of the last sample: > 1 means above the training threshold. */
  lastScore = 0;
  /** Alarm decision of the last sample (after persistence; never during warm-up). */
  lastAnomaly = false;
  private readonly extractor: WindowFeatureExtractor;
  private readonly scorer: FeatureScorer;
  private readonly smoother: MovingMean;
  private readonly persistence: Persistence;
  private readonly featureBuffer: Float64Array;
  private readonly invThreshold: number;
  private readonly warmUp: number;
  /** 1 / baselineRows, or 0 when the baseline is the training level. */
  private readonly followRate: number;
  private seen = 0;

  constructor(readonly model: LearnedModel) {
    this.extractor = new WindowFeatureExtractor(model.features);
    this.scorer = featureScorer(model.model);
    this.smoother = new MovingMean(model.smoothingRows);
    this.persistence = new Persistence(model.persistenceRows, model.holdRows);
    this.featureBuffer = new Float64Array(this.extractor.featureCount);
    if (!(Number.isFinite(model.threshold) && model.threshold > 0))
      throw new ConfigError("threshold", model.threshold, "must be finite and > 0");
    this.invThreshold = 1 / model.threshold;
    this.warmUp = warmUpRows(model);
    this.followRate = model.baselineRows > 0 ? 1 / model.baselineRows : 0;
  }

  /** Number of channels a sample must carry. */
  get channelCount(): number {
    return this.extractor.featureCount;
  }

  /** Forgets all history (start of a new run). */
  reset(): void {
    this.extractor.reset();
    this.smoother.reset();
    this.persistence.reset();
    this.seen = 0;
    this.lastScore = 0;
    this.lastAnomaly = false;
  }

  /**
   * Scores one sample (one value per channel, in `model.channelNames` order) into
   * {@link lastScore} and {@link lastAnomaly}. Returns nothing so that nothing is allocated: V8
   * boxes a double returned from a call it does not inline.
   */
  step(sample: ArrayLike<number>): void {
    this.extractor.push(sample, this.featureBuffer);
    this.scorer.score(this.featureBuffer);
    const raw = this.scorer.lastScore;
    // A 1-row moving mean is the score itself; not calling it keeps the double unboxed.
    const score = (this.smoother.rows === 1 ? raw : this.smoother.push(raw)) * this.invThreshold;
    const ready = this.seen >= this.warmUp;
    if (!ready) this.seen++;
    this.lastScore = score;
    this.lastAnomaly = this.persistence.push(ready && score > 1);
    if (this.followRate > 0 && ready && !(score > 1))
      this.extractor.followLevels(this.featureBuffer, this.followRate);
  }
}

/**
 * The alarm decisions a {@link LearnedScorer} makes from its normalised scores `score` (one per
 * row from a fresh state): persistence and hold over the exceedances, none in warm-up. The scores
 * do not depend on `persistenceRows` or `holdRows`, so one run of scores serves every pair of them.
 */
export function alarmsFromScores(
  model: Pick<LearnedModel, "features" | "smoothingRows" | "persistenceRows" | "holdRows">,
  score: ArrayLike<number>,
): Uint8Array {
  const persistence = new Persistence(model.persistenceRows, model.holdRows);
  const warmUp = warmUpRows(model);
  return Uint8Array.from(score, (s, i) => (persistence.push(i >= warmUp && s > 1) ? 1 : 0));
}

/** Scores rows [0, rowCount) of `channels` (in model channel order) from a fresh state. */
export function scoreChannels(
  model: LearnedModel,
  channels: readonly ArrayLike<number>[],
  rowCount: number,
): { readonly score: Float64Array; readonly anomaly: Uint8Array } {
  const n = model.channelNames.length;
  if (channels.length !== n)
    throw new ConfigError("channels", channels.length, `model expects ${n} channels`);
  const scorer = new LearnedScorer(model);
  const sample = new Float64Array(n);
  const score = new Float64Array(rowCount);
  const anomaly = new Uint8Array(rowCount);
  for (let i = 0; i < rowCount; i++) {
    for (let c = 0; c < n; c++) sample[c] = channels[c]?.[i] as number;
    scorer.step(sample);
    score[i] = scorer.lastScore;
    anomaly[i] = scorer.lastAnomaly ? 1 : 0;
  }
  return { score, anomaly };
}
