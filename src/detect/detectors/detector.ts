/**
 * Residual detectors behind one interface, and the factory that builds one from a config.
 *
 * Configs come from code (a {@link DetectorConfig} literal), from JSON (a rig config,
 * {@link parseDetectorConfig}) or from the command line (`--detector cusum:h=6,sigma=0.05`,
 * {@link parseDetectorSpec}); every bad field is a ConfigError naming it and its value.
 */
import { ConfigError } from "../../core/errors.js";
import { ChiSquareDetector, type ChiSquareOptions } from "./chiSquare.js";
import { CusumDetector, type CusumOptions } from "./cusum.js";
import { EwmaDetector, type EwmaOptions } from "./ewma.js";
import { DETECTOR_KINDS, type DetectorKind } from "./residualDetector.js";
import { ThresholdDetector, type ThresholdOptions } from "./thresholdDetector.js";

export {
  DETECTOR_KINDS,
  DETECTOR_SIDES,
  type DetectorKind,
  type DetectorSide,
  type Direction,
  type ResidualDetector,
} from "./residualDetector.js";

/** A detector's kind and options (defaults documented on each options type). */
export type DetectorConfig =
  | ({ readonly kind: "threshold" } & ThresholdOptions)
  | ({ readonly kind: "ewma" } & EwmaOptions)
  | ({ readonly kind: "cusum" } & CusumOptions)
  | ({ readonly kind: "chi_square" } & ChiSquareOptions);

/** The detector class a config builds. */
export type DetectorFor<C extends DetectorConfig> = C["kind"] extends "threshold"
  ? ThresholdDetector
  : C["kind"] extends "ewma"
    ? EwmaDetector
    : C["kind"] extends "cusum"
      ? CusumDetector
      : C["kind"] extends "chi_square"
        ? ChiSquareDetector
        : never;

/** Option names accepted per kind (JSON keys and `--detector` keys alike). */
export const DETECTOR_OPTION_NAMES = {
  threshold: ["threshold", "target", "k", "n", "side"],
  ewma: ["lambda", "L", "sigma", "target", "side", "exactLimits"],
  cusum: ["target", "sigma", "k", "h", "side", "resetOnAlarm", "cap"],
  chi_square: ["dimension", "window", "alpha"],
} as const satisfies Record<DetectorKind, readonly string[]>;

const STRING_OPTIONS: ReadonlySet<string> = new Set(["side"]);
const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(["exactLimits", "resetOnAlarm"]);

/** Builds the detector a config describes; validates every option. */
export function createDetector<C extends DetectorConfig>(config: C): DetectorFor<C>;
export function createDetector(
  config: DetectorConfig,
): ThresholdDetector | EwmaDetector | CusumDetector | ChiSquareDetector {
  const kind = config.kind;
  switch (kind) {
    case "threshold":
      return new ThresholdDetector(config);
    case "ewma":
      return new EwmaDetector(config);
    case "cusum":
      return new CusumDetector(config);
    case "chi_square":
      return new ChiSquareDetector(config);
    default: {
      const never: never = kind;
      throw new ConfigError("detector.kind", never, `must be one of ${DETECTOR_KINDS.join(", ")}`);
    }
  }
}

/**
 * Checks a detector config read from JSON: an object with `kind` and the kind's options only
 * (unknown keys are errors). `field` prefixes error names, e.g. `detectors[2]`. The values are
 * checked when the detector is built ({@link createDetector}), which this also does once so that
 * every error surfaces at load time.
 */
export function parseDetectorConfig(value: unknown, field = "detector"): DetectorConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(field, value, "must be an object with a kind");
  const obj = value as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind !== "string" || !(DETECTOR_KINDS as readonly string[]).includes(kind))
    throw new ConfigError(`${field}.kind`, kind, `must be one of ${DETECTOR_KINDS.join(", ")}`);
  const allowed: readonly string[] = DETECTOR_OPTION_NAMES[kind as DetectorKind];
  for (const key of Object.keys(obj)) {
    if (key !== "kind" && !allowed.includes(key))
      throw new ConfigError(
        `${field}.${key}`,
        obj[key],
        `is not an option of ${kind} (options: ${allowed.join(", ")})`,
      );
  }
  const config = { ...obj } as unknown as DetectorConfig;
  try {
    createDetector(config);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(`${field}.${e.field}`, e.value, stripPrefix(e), { cause: e });
    throw e;
  }
  return config;
}

/**
 * Parses a detector spec `KIND[:key=value[,key=value...]]`, e.g. `cusum:k=0.5,h=6,sigma=0.05`,
 * `threshold:threshold=1.5,k=3,n=5`, `ewma:lambda=0.1,L=2.814`, `chi_square:dimension=3,alpha=1e-4`.
 * Numbers as JavaScript writes them (`Infinity` allowed for `cap`), booleans `true`/`false`,
 * `side` one of both, upper, lower.
 */
export function parseDetectorSpec(spec: string): DetectorConfig {
  const colon = spec.indexOf(":");
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  if (!(DETECTOR_KINDS as readonly string[]).includes(kind))
    throw new ConfigError("detector", kind, `must be one of ${DETECTOR_KINDS.join(", ")}`);
  const config: Record<string, unknown> = { kind };
  const rest = colon < 0 ? "" : spec.slice(colon + 1).trim();
  if (rest !== "") {
    for (const part of rest.split(",")) {
      const eq = part.indexOf("=");
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      const raw = eq < 0 ? "" : part.slice(eq + 1).trim();
      if (eq < 0 || key === "" || raw === "")
        throw new ConfigError(`${kind}`, part, "each option must be written key=value");
      if (key in config && key !== "kind") throw new ConfigError(`${kind}.${key}`, raw, "is given twice");
      config[key] = parseSpecValue(kind, key, raw);
    }
  }
  return parseDetectorConfig(config, "detector");
}

function parseSpecValue(kind: string, key: string, raw: string): unknown {
  if (STRING_OPTIONS.has(key)) return raw;
  if (BOOLEAN_OPTIONS.has(key)) {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new ConfigError(`${kind}.${key}`, raw, "must be true or false");
  }
  const v = raw === "Infinity" || raw === "inf" ? Number.POSITIVE_INFINITY : Number(raw);
  if (Number.isNaN(v)) throw new ConfigError(`${kind}.${key}`, raw, "must be a number");
  return v;
}

function stripPrefix(e: ConfigError): string {
  // ConfigError's message is `${field}: ${problem} (got ...)`; keep the problem only.
  const m = /^[^:]*: (.*) \(got .*\)$/s.exec(e.message);
  return m?.[1] ?? e.message;
}
