/**
 * Command-line argument parsing on top of `node:util` parseArgs, turning every problem into a
 * {@link ConfigError} that names the argument and the value (docs/design.md 5: one-line error,
 * exit code 2).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../core/errors.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `argv` strictly against `specs` (plus `--help`); unknown options are a ConfigError. */
export function parseCommandArgs(
  argv: readonly string[],
  specs: OptionSpecs,
  allowPositionals: boolean,
): ParsedArgs {
  const options: Record<string, OptionSpec> = { help: { type: "boolean", short: "h" }, ...specs };
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return { values, positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new ConfigError(unknown[1] ?? "option", unknown[1], "unknown option (see --help)");
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new ConfigError(missing[1] ?? "option", undefined, "needs a value");
    const ambiguous = /Option '([^']+?)(?: <value>)?' argument is ambiguous/.exec(message);
    if (ambiguous) {
      const name = (ambiguous[1] ?? "option").replace(/^-. , /, "");
      throw new ConfigError(name, undefined, `a value starting with '-' must be written ${name}=VALUE`);
    }
    const positional = /Unexpected argument '([^']+)'/.exec(message);
    if (positional)
      throw new ConfigError("argument", positional[1], "unexpected positional argument (see --help)");
    throw new ConfigError("arguments", argv.join(" "), message.split("\n")[0] ?? message);
  }
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** Minimum is exclusive (value must be > min). */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
}

/** Parses a decimal number given for `name`, checking it against `rule`. */
export function parseNumberArg(name: string, text: string, rule: NumberRule = {}): number {
  const trimmed = text.trim();
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw new ConfigError(name, text, "must be a finite number");
  if (rule.integer && !Number.isInteger(value)) throw new ConfigError(name, text, "must be a whole number");
  if (rule.min !== undefined) {
    if (rule.minExclusive ? !(value > rule.min) : !(value >= rule.min)) {
      throw new ConfigError(name, text, `must be ${rule.minExclusive ? ">" : ">="} ${rule.min}`);
    }
  }
  if (rule.max !== undefined && !(value <= rule.max))
    throw new ConfigError(name, text, `must be <= ${rule.max}`);
  return value;
}

/** The string value of an option, or `undefined`. */
export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

/** All values of a repeated string option. */
export function stringsOpt(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}

export function flagOpt(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
