/** Test helper: the message of the ConfigError a call throws. */
import { expect } from "vitest";
import { ConfigError } from "../../src/core/errors.js";

/** The message of the ConfigError `f` throws (fails when it throws nothing or something else). */
export function configMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}
