/**
 * Named, documented, validated model parameters. Each model (loop, seed) lists its parameters as
 * data ({@link ParamSpec}); `--set`, `--config` files and programmatic construction all go through
 * {@link buildParams}, so every bad value is reported the same way: the parameter's name, the value
 * and what was expected (docs/design.md 8, rule 1).
 */
import { ConfigError } from "../core/errors.js";
import { KELVIN_OFFSET } from "../core/units.js";

/** One model parameter: its name (as written after `--set` and in config files), unit, default and range. */
export interface ParamSpec<N extends string = string> {
  /** The parameter's name, e.g. `UA`. */
  readonly name: N;
  /** Unit as shown in help text, e.g. `W/K`, `C`, `1`. */
  readonly unit: string;
  /** Default value. */
  readonly default: number;
  /** One line: what the parameter is and why the default is what it is. */
  readonly doc: string;
  /** Smallest allowed value; temperatures in C use absolute zero. */
  readonly min: number;
  /** Whether `min` itself is excluded (e.g. a heat capacity must be > 0). */
  readonly minExclusive?: boolean;
  /** Largest allowed value. @default Infinity */
  readonly max?: number;
  /** The value must be a whole number (a PWM duty). @default false */
  readonly integer?: boolean;
}

/** The lowest temperature a parameter in degrees Celsius may take (exclusive). */
export const ABSOLUTE_ZERO_C = -KELVIN_OFFSET;

/** A full, validated parameter set keyed by parameter name. */
export type ParamValues<N extends string> = { readonly [K in N]: number };

function describeRange(spec: ParamSpec): string {
  const lo = spec.min === ABSOLUTE_ZERO_C ? "above absolute zero (-273.15 C)" : undefined;
  const parts: string[] = [];
  if (lo) parts.push(`must be ${lo}`);
  else
    parts.push(
      `must be ${spec.minExclusive ? ">" : ">="} ${spec.min}${spec.unit === "1" ? "" : ` ${spec.unit}`}`,
    );
  if (spec.max !== undefined && Number.isFinite(spec.max)) parts.push(`<= ${spec.max}`);
  return parts.join(" and ");
}

/**
 * Checks one value against its spec; throws a {@link ConfigError} whose field is `prefix + name`.
 * Non-numbers, non-finite numbers and values out of range (negative physical quantities, duties
 * above 255, fractions above 1) are rejected.
 */
export function checkParam(spec: ParamSpec, value: unknown, prefix = ""): number {
  const field = `${prefix}${spec.name}`;
  if (value === undefined || value === null) throw new ConfigError(field, value, "missing");
  if (typeof value !== "number") throw new ConfigError(field, value, `must be a number (${spec.unit})`);
  if (!Number.isFinite(value)) throw new ConfigError(field, value, "must be a finite number");
  const belowMin = spec.minExclusive ? !(value > spec.min) : !(value >= spec.min);
  const aboveMax = spec.max !== undefined && value > spec.max;
  if (belowMin || aboveMax) {
    const negative = value < 0 && spec.min >= 0 ? "must not be negative; " : "";
    throw new ConfigError(field, value, `${negative}${describeRange(spec)}`);
  }
  if (spec.integer && !Number.isInteger(value)) throw new ConfigError(field, value, "must be a whole number");
  return value;
}

/**
 * Builds a full parameter set: defaults, overridden by `overrides`. Unknown names are an error
 * (listing the known ones), as is any bad value. `prefix` goes in front of the parameter name in
 * messages (e.g. `--set ` or `rig.json: `).
 */
export function buildParams<N extends string>(
  specs: readonly ParamSpec<N>[],
  overrides: Readonly<Record<string, unknown>>,
  prefix = "",
  modelName = "the model",
): ParamValues<N> {
  const known = new Set<string>(specs.map((s) => s.name));
  for (const [name, value] of Object.entries(overrides)) {
    if (!known.has(name)) {
      throw new ConfigError(
        `${prefix}${name}`,
        value,
        `unknown parameter of ${modelName} (known: ${specs.map((s) => s.name).join(", ")})`,
      );
    }
  }
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const given = Object.hasOwn(overrides, spec.name) ? overrides[spec.name] : spec.default;
    out[spec.name] = checkParam(spec, given, prefix);
  }
  return Object.freeze(out) as ParamValues<N>;
}

/**
 * Validates a complete parameter set (every parameter present, none unknown, all in range).
 * Use on objects built by hand; {@link buildParams} is the way to start from defaults.
 */
export function validateParams<N extends string>(
  specs: readonly ParamSpec<N>[],
  values: Readonly<Record<string, unknown>>,
  prefix = "",
  modelName = "the model",
): ParamValues<N> {
  for (const spec of specs) {
    if (!Object.hasOwn(values, spec.name))
      throw new ConfigError(`${prefix}${spec.name}`, undefined, "missing");
  }
  return buildParams(specs, values, prefix, modelName);
}

/** The default values of a spec list. */
export function defaultParams<N extends string>(specs: readonly ParamSpec<N>[]): ParamValues<N> {
  return buildParams(specs, {});
}

/** Help text: one line per parameter, `name [unit] default: doc`. */
export function describeParams(specs: readonly ParamSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length));
  return specs
    .map(
      (s) =>
        `  ${s.name.padEnd(width)}  ${`[${s.unit}]`.padEnd(9)} ${String(s.default).padStart(8)}  ${s.doc}`,
    )
    .join("\n");
}
