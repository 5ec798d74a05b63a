/**
 * The InputFileError that `f` throws, for tests that read its file, line, column and message;
 * any other error is rethrown, and no error at all fails the test.
 */
import { InputFileError } from "../../src/core/errors.js";

export function inputFileErrorOf(f: () => unknown): InputFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error("expected an InputFileError, and nothing was thrown");
}
