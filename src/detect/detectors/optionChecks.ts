/**
 * Option validation shared by the detectors, the alarm manager and the loop-performance
 * analyser: each check throws a {@link ConfigError} naming the option and the value, and returns
 * the value typed. Used at construction time only.
 */
import { ConfigError } from "../../core/errors.js";

/** A finite number. */
export function checkFinite(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ConfigError(field, value, "must be a finite number");
  return value;
}

/** A finite number > 0. */
export function checkPositive(field: string, value: unknown): number {
  const v = checkFinite(field, value);
  if (!(v > 0)) throw new ConfigError(field, value, "must be > 0");
  return v;
}

/** A finite number >= 0. */
export function checkNonNegative(field: string, value: unknown): number {
  const v = checkFinite(field, value);
  if (!(v >= 0)) throw new ConfigError(field, value, "must be >= 0");
  return v;
}

/** A number in an interval; `open` says which ends are excluded. */
export function checkInterval(
  field: string,
  value: unknown,
  lo: number,
  hi: number,
  open: { lo?: boolean; hi?: boolean } = {},
): number {
  const v = checkFinite(field, value);
  const okLo = open.lo ? v > lo : v >= lo;
  const okHi = open.hi ? v < hi : v <= hi;
  if (!okLo || !okHi)
    throw new ConfigError(
      field,
      value,
      `must be in ${open.lo ? "(" : "["}${lo}, ${hi}${open.hi ? ")" : "]"}`,
    );
  return v;
}

/** An integer in [lo, hi]. */
export function checkInteger(field: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < lo || value > hi)
    throw new ConfigError(field, value, `must be an integer in [${lo}, ${hi}]`);
  return value;
}

/** A positive number or +Infinity ("no limit"). */
export function checkPositiveOrInfinity(field: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return checkPositive(field, value);
}

/** A boolean. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(field, value, "must be true or false");
  return value;
}

/** One of a fixed list of strings. */
export function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value))
    throw new ConfigError(field, value, `must be one of ${allowed.join(", ")}`);
  return value as T;
}
