/**
 * The project's error hierarchy (docs/design.md 8).
 *
 * 1. {@link ConfigError}: misuse or bad configuration, thrown at once, naming the field and value.
 * 2. Bad data from the wire is never thrown: it is a {@link Result} (see result.ts).
 * 3. {@link OperationalError} and its subclasses: disconnects, timeouts, version mismatches,
 *    integration failures, scenario failures; each carries context and an optional `cause`.
 */

/** Formats a value for an error message: strings quoted, numbers as written, objects as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A bad argument, parameter, config field or input file: names the field and the offending value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError" as const;
  /** The field, parameter or argument at fault, e.g. `UA` or `--dt`. */
  readonly field: string;
  /** The offending value as given. */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string, options?: { cause?: unknown }) {
    super(
      value === undefined ? `${field}: ${problem}` : `${field}: ${problem} (got ${showValue(value)})`,
      options,
    );
    this.field = field;
    this.value = value;
  }
}

/** An input file that cannot be used: names the file, and the line and column where known. */
export class InputFileError extends Error {
  override readonly name = "InputFileError" as const;
  readonly file: string;
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(
    file: string,
    problem: string,
    where: { line?: number; column?: string } = {},
    options?: { cause?: unknown },
  ) {
    const at = [
      where.line !== undefined ? `line ${where.line}` : "",
      where.column !== undefined ? `column ${where.column}` : "",
    ]
      .filter((s) => s !== "")
      .join(", ");
    super(`${file}${at ? ` (${at})` : ""}: ${problem}`, options);
    this.file = file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** Something that went wrong while running: a disconnect, a timeout, a failed integration. */
export class OperationalError extends Error {
  override readonly name: string = "OperationalError";
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** The ODE integrator could not meet its tolerance or met a non-finite state; says the simulation time. */
export class IntegrationError extends OperationalError {
  override readonly name = "IntegrationError";
  readonly tS: number;

  constructor(tS: number, problem: string, options?: { cause?: unknown }) {
    super(`integration failed at t=${tS} s: ${problem}`, { tS }, options);
    this.tS = tS;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}

export function isInputFileError(e: unknown): e is InputFileError {
  return e instanceof InputFileError;
}

export function isOperationalError(e: unknown): e is OperationalError {
  return e instanceof OperationalError;
}
