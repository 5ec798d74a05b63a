/**
 * The HIL layer's errors (docs/design.md 8, rule 3). A scenario's own mistakes (a bad file, a
 * bad field) are ConfigError/InputFileError from the loader; these are what goes wrong while a
 * scenario runs.
 */
import { OperationalError } from "../core/errors.js";

/** A step could not be carried out: no connection, no answer in time. Its message is the step's failure detail. */
export class StepFailure extends OperationalError {
  override readonly name = "StepFailure";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, {}, options);
  }
}

/** The run cannot go on: the link stayed down, the rig did not warm up. */
export class RunAbandoned extends OperationalError {
  override readonly name = "RunAbandoned";

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
  }
}

export function isStepFailure(e: unknown): e is StepFailure {
  return e instanceof StepFailure;
}

/**
 * One line for a report: the message alone for a plain Error and for this layer's errors (their
 * message is written for the report), otherwise `Name: message` so the kind is not lost.
 */
export function errorText(e: unknown): string {
  if (e instanceof Error)
    return e.name === "Error" || e instanceof StepFailure || e instanceof RunAbandoned
      ? e.message
      : `${e.name}: ${e.message}`;
  return String(e);
}
