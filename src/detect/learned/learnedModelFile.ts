/**
 * Learned-detector model files: JSON, versioned, validated field by field on load so that a bad
 * file fails with the path of the field at fault (e.g. `model.components[1][3]`), never later
 * inside the scorer. Numbers are written with JavaScript's shortest round-trip representation, so
 * a saved and reloaded model scores bit for bit like the original.
 *
 * Format `looptwin-learned-detector`, version 1:
 * `{ format, version, trainRows, channelNames, features: { windowRows, channelFeatures, centre,
 * scale }, slowFractions, model: { kind: "pca", featureMean, components, eigenvalues, t2Limit,
 * qLimit } | { kind: "iforest", featureCount, sampleRows, roots, feature, split, left, right,
 * leafSize }, thresholdRule: { kind: "max", margin } | { kind: "quantile", q, margin }, threshold,
 * smoothingRows, persistenceRows }`.
 *
 * Version 2 adds `calibrationBlocks` (where the threshold's scores came from), `baselineRows` (the
 * followed level baseline's time constant, 0 or absent = the training level) and the threshold
 * rules `{ kind: "conformal", alpha, margin }` and `{ kind: "pot", alpha, initialQuantile, margin }`.
 * Version 1 files still load (calibrationBlocks 1); files are written as version 2. `holdRows` (the
 * alarm's off-delay) came later within version 2: absent, it is 0, the behaviour of files before it.
 */
import { ConfigError } from "../../core/errors.js";
import type { IsolationForestModel } from "./isolationForest.js";
import type { FeatureModel, LearnedModel } from "./learnedDetector.js";
import type { PcaModel } from "./pcaDetector.js";
import { THRESHOLD_RULE_KINDS, type ThresholdRule, validateThresholdRule } from "./thresholds.js";
import { CHANNEL_FEATURES, type ChannelFeature, validateWindowFeatureLayout } from "./windowFeatures.js";

export const LEARNED_MODEL_FORMAT = "looptwin-learned-detector";
export const LEARNED_MODEL_VERSION = 2;
/** Versions this build reads. */
export const LEARNED_MODEL_VERSIONS_READ = [1, 2] as const;

/** Serialises a model to JSON text (pretty-printed, newline-terminated). */
export function learnedModelToJson(model: LearnedModel): string {
  const doc = {
    format: LEARNED_MODEL_FORMAT,
    version: LEARNED_MODEL_VERSION,
    trainRows: model.trainRows,
    channelNames: model.channelNames,
    features: {
      windowRows: model.features.windowRows,
      channelFeatures: model.features.channelFeatures,
      centre: model.features.centre,
      scale: model.features.scale,
    },
    slowFractions: model.slowFractions,
    model: model.model,
    thresholdRule: model.thresholdRule,
    threshold: model.threshold,
    smoothingRows: model.smoothingRows,
    persistenceRows: model.persistenceRows,
    holdRows: model.holdRows,
    calibrationBlocks: model.calibrationBlocks,
    baselineRows: model.baselineRows,
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

type Obj = Record<string, unknown>;

function obj(v: unknown, field: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ConfigError(field, v, "must be an object");
  return v as Obj;
}

function num(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new ConfigError(field, v, "must be a finite number");
  return v;
}

function positive(v: unknown, field: string): number {
  const n = num(v, field);
  if (!(n > 0)) throw new ConfigError(field, v, "must be > 0");
  return n;
}

function whole(v: unknown, field: string, min: number): number {
  const n = num(v, field);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(field, v, `must be a whole number >= ${min}`);
  return n;
}

function arr(v: unknown, field: string, length?: number): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(field, v, "must be an array");
  if (length !== undefined && v.length !== length)
    throw new ConfigError(field, `${v.length} entries`, `must have ${length} entries`);
  return v;
}

function numbers(v: unknown, field: string, length?: number): number[] {
  return arr(v, field, length).map((x, i) => num(x, `${field}[${i}]`));
}

function pcaModel(v: Obj, field: string, featureCount: number): PcaModel {
  const featureMean = numbers(v.featureMean, `${field}.featureMean`, featureCount);
  const components = arr(v.components, `${field}.components`).map((row, j) =>
    numbers(row, `${field}.components[${j}]`, featureCount),
  );
  if (components.length > featureCount)
    throw new ConfigError(
      `${field}.components`,
      `${components.length} rows`,
      `must have at most ${featureCount} rows`,
    );
  const eigenvalues = numbers(v.eigenvalues, `${field}.eigenvalues`, components.length).map((e, j) =>
    positive(e, `${field}.eigenvalues[${j}]`),
  );
  return {
    kind: "pca",
    featureMean,
    components,
    eigenvalues,
    t2Limit: positive(v.t2Limit, `${field}.t2Limit`),
    qLimit: positive(v.qLimit, `${field}.qLimit`),
  };
}

function iforestModel(v: Obj, field: string, featureCount: number): IsolationForestModel {
  if (v.featureCount !== featureCount)
    throw new ConfigError(
      `${field}.featureCount`,
      v.featureCount,
      `must be ${featureCount} (one feature per channel)`,
    );
  const sampleRows = whole(v.sampleRows, `${field}.sampleRows`, 2);
  const feature = numbers(v.feature, `${field}.feature`);
  const nodes = feature.length;
  const split = numbers(v.split, `${field}.split`, nodes);
  const left = numbers(v.left, `${field}.left`, nodes);
  const right = numbers(v.right, `${field}.right`, nodes);
  const leafSize = numbers(v.leafSize, `${field}.leafSize`, nodes);
  const roots = numbers(v.roots, `${field}.roots`);
  if (roots.length === 0) throw new ConfigError(`${field}.roots`, roots, "must hold at least one tree");
  roots.forEach((r, t) => {
    if (!Number.isInteger(r) || r < 0 || r >= nodes)
      throw new ConfigError(`${field}.roots[${t}]`, r, `must be a node index in 0..${nodes - 1}`);
  });
  for (let i = 0; i < nodes; i++) {
    const f = feature[i] as number;
    if (!Number.isInteger(f) || f < -1 || f >= featureCount)
      throw new ConfigError(
        `${field}.feature[${i}]`,
        f,
        `must be -1 (leaf) or a feature index below ${featureCount}`,
      );
    whole(leafSize[i], `${field}.leafSize[${i}]`, 0);
    if (f < 0) continue;
    // Children come after their parent, so every path ends at a leaf.
    for (const [name, child] of [
      ["left", left[i]],
      ["right", right[i]],
    ] as const) {
      if (!Number.isInteger(child) || (child as number) <= i || (child as number) >= nodes)
        throw new ConfigError(
          `${field}.${name}[${i}]`,
          child,
          `must be a node index in ${i + 1}..${nodes - 1}`,
        );
    }
  }
  return { kind: "iforest", featureCount, sampleRows, roots, feature, split, left, right, leafSize };
}

function featureModel(v: unknown, field: string, featureCount: number): FeatureModel {
  const o = obj(v, field);
  switch (o.kind) {
    case "pca":
      return pcaModel(o, field, featureCount);
    case "iforest":
      return iforestModel(o, field, featureCount);
    default:
      throw new ConfigError(`${field}.kind`, o.kind, `must be "pca" or "iforest"`);
  }
}

function thresholdRule(v: unknown, field: string): ThresholdRule {
  const o = obj(v, field);
  let rule: ThresholdRule;
  switch (o.kind) {
    case "max":
      rule = { kind: "max", margin: num(o.margin, `${field}.margin`) };
      break;
    case "quantile":
      rule = { kind: "quantile", q: num(o.q, `${field}.q`), margin: num(o.margin, `${field}.margin`) };
      break;
    case "conformal":
      rule = {
        kind: "conformal",
        alpha: num(o.alpha, `${field}.alpha`),
        margin: num(o.margin, `${field}.margin`),
      };
      break;
    case "pot":
      rule = {
        kind: "pot",
        alpha: num(o.alpha, `${field}.alpha`),
        initialQuantile: num(o.initialQuantile, `${field}.initialQuantile`),
        margin: num(o.margin, `${field}.margin`),
      };
      break;
    default:
      throw new ConfigError(`${field}.kind`, o.kind, `must be one of ${THRESHOLD_RULE_KINDS.join(", ")}`);
  }
  validateThresholdRule(rule, field);
  return rule;
}

/**
 * Parses and validates model JSON. Throws a {@link ConfigError} naming the field (a dotted path)
 * and the value on any problem, including an unknown format or version.
 */
export function learnedModelFromJson(text: string): LearnedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError("model file", text.slice(0, 40), `is not JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const doc = obj(raw, "model file");
  if (doc.format !== LEARNED_MODEL_FORMAT)
    throw new ConfigError("format", doc.format, `must be "${LEARNED_MODEL_FORMAT}"`);
  if (!(LEARNED_MODEL_VERSIONS_READ as readonly unknown[]).includes(doc.version))
    throw new ConfigError(
      "version",
      doc.version,
      `unsupported version (this build reads ${LEARNED_MODEL_VERSIONS_READ.join(" and ")})`,
    );
  const channelNames = arr(doc.channelNames, "channelNames").map((n, i) => {
    if (typeof n !== "string" || n === "")
      throw new ConfigError(`channelNames[${i}]`, n, "must be a non-empty string");
    return n;
  });
  const channelCount = channelNames.length;
  if (channelCount === 0)
    throw new ConfigError("channelNames", channelNames, "must name at least one channel");
  const f = obj(doc.features, "features");
  const channelFeatures = arr(f.channelFeatures, "features.channelFeatures", channelCount).map((x, i) => {
    if (!(CHANNEL_FEATURES as readonly unknown[]).includes(x))
      throw new ConfigError(
        `features.channelFeatures[${i}]`,
        x,
        `must be one of ${CHANNEL_FEATURES.join(", ")}`,
      );
    return x as ChannelFeature;
  });
  const features = {
    windowRows: whole(f.windowRows, "features.windowRows", 1),
    channelFeatures,
    centre: numbers(f.centre, "features.centre", channelCount),
    scale: numbers(f.scale, "features.scale", channelCount),
  };
  validateWindowFeatureLayout(features, "features");
  return {
    trainRows: whole(doc.trainRows, "trainRows", 1),
    channelNames,
    features,
    slowFractions: numbers(doc.slowFractions, "slowFractions", channelCount),
    model: featureModel(doc.model, "model", channelCount),
    thresholdRule: thresholdRule(doc.thresholdRule, "thresholdRule"),
    threshold: positive(doc.threshold, "threshold"),
    smoothingRows: whole(doc.smoothingRows, "smoothingRows", 1),
    persistenceRows: whole(doc.persistenceRows, "persistenceRows", 1),
    holdRows: doc.holdRows === undefined ? 0 : whole(doc.holdRows, "holdRows", 0),
    calibrationBlocks: doc.version === 1 ? 1 : whole(doc.calibrationBlocks, "calibrationBlocks", 1),
    baselineRows: doc.baselineRows === undefined ? 0 : whole(doc.baselineRows, "baselineRows", 0),
  };
}
