/** Test helpers: the message of the error a call throws, checked to be of the expected class. */
import { expect } from "vitest";
import { ConfigError } from "../../src/core/errors.js";

/** The message of the error of class `type` that `f` throws (fails when it throws nothing or something else). */
export function thrownMessage(f: () => unknown, type: abstract new (...args: never[]) => Error): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return (e as Error).message;
  }
  throw new Error(`expected a ${type.name}`);
}

/** The message of the ConfigError `f` throws (fails when it throws nothing or something else). */
export function configMessage(f: () => unknown): string {
  return thrownMessage(f, ConfigError);
}
