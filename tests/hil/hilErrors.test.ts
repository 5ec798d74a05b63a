import { describe, expect, it } from "vitest";
import { ConfigError, OperationalError } from "../../src/core/errors.js";
import { errorText, isStepFailure, RunAbandoned, StepFailure } from "../../src/hil/hilErrors.js";
import { NakError } from "../../src/rig/source/rigErrors.js";

describe("the HIL layer's errors", () => {
  it("a step failure and an abandoned run are operational errors with context and cause", () => {
    const cause = new Error("EIO");
    const f = new StepFailure("no answer within 15 s of wall time", { cause });
    expect(f).toBeInstanceOf(OperationalError);
    expect(f.name).toBe("StepFailure");
    expect(f.cause).toBe(cause);
    expect(isStepFailure(f)).toBe(true);
    expect(isStepFailure(new Error("no answer"))).toBe(false);
    const r = new RunAbandoned("the link has been RECONNECTING since 3.0 s", { state: "RECONNECTING" });
    expect(r).toBeInstanceOf(OperationalError);
    expect(r.context).toEqual({ state: "RECONNECTING" });
  });

  it("a report line shows this layer's messages as written and names any other kind", () => {
    expect(errorText(new StepFailure("no connection"))).toBe("no connection");
    expect(errorText(new RunAbandoned("warm-up: not steady after 600 s"))).toBe(
      "warm-up: not steady after 600 s",
    );
    expect(errorText(new Error("plain"))).toBe("plain");
    expect(errorText(new NakError(3, "interlock", "PWM"))).toBe(
      "NakError: device refused PWM (id 3): NAK interlock",
    );
    expect(errorText(new ConfigError("--speed", "0", "must be > 0"))).toBe(
      'ConfigError: --speed: must be > 0 (got "0")',
    );
    expect(errorText("a string")).toBe("a string");
  });
});
