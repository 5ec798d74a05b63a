/**
 * The control bodies: whatever JSON a client sends, the parsers either return a request that
 * passes the dashboard's own checks or throw a BadRequest with one line naming a field; nothing
 * else escapes (property tests), and the good bodies give the requests written out by hand.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BadRequest,
  parseAckRequest,
  parseEndInjectionRequest,
  parseInjectRequest,
  parseJsonObject,
  parseSetpointsRequest,
} from "../../src/web/controlRequests.js";

/** Runs `f`; a BadRequest is fine if its message is one line naming a field (`name: ...`). */
function onlyBadRequests(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequest);
    expect((e as Error).message).toMatch(/^[\w %.]+: [^\n]+$/);
  }
}

const fieldNames = fc.constantFrom(
  "kind",
  "connection",
  "duration_s",
  "percent",
  "spec",
  "id",
  "pump_duty",
  "heater_duty",
  "fan_duty",
  "other",
);
const values = fc.oneof(
  fc.constantFrom(
    "pump_failure",
    "pump_degradation",
    "fan_reduction",
    "emulator",
    "c1",
    "hx_fouling:severity=0.5",
  ),
  fc.string(),
  fc.double(),
  fc.integer({ min: -10, max: 300 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const bodies = fc.dictionary(fieldNames, values, { maxKeys: 5 });

describe("control request bodies", () => {
  it("any body: a request or a one-line BadRequest naming a field (property)", () => {
    fc.assert(
      fc.property(bodies, (b) => {
        onlyBadRequests(() => parseSetpointsRequest(b));
        onlyBadRequests(() => parseInjectRequest(b));
        onlyBadRequests(() => parseEndInjectionRequest(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("any text: a JSON object or a one-line BadRequest (property)", () => {
    fc.assert(fc.property(fc.string(), (t) => onlyBadRequests(() => parseJsonObject(t))));
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(() => parseJsonObject("null")).toThrow("body: expected a JSON object, got null");
  });

  it("good bodies give the dashboard's requests", () => {
    expect(parseSetpointsRequest({ pump_duty: 0, fan_duty: 255 })).toEqual({ pump: 0, fan: 255 });
    expect(parseInjectRequest({ connection: "c", kind: "pump_failure", duration_s: 30 })).toEqual({
      connection: "c",
      injection: { kind: "pump_failure", durationS: 30 },
    });
    expect(parseInjectRequest({ connection: "c", kind: "pump_degradation", percent: 30 }).injection).toEqual({
      kind: "pump_degradation",
      percent: 30,
    });
    expect(parseInjectRequest({ connection: "c", kind: "fan_reduction", percent: 50 }).injection).toEqual({
      kind: "fan_reduction",
      percent: 50,
    });
    // The spec is normalised as the dashboard's menu does (formatFaultSpec: keys in its order).
    expect(
      parseInjectRequest({ connection: "c", kind: "emulator", spec: "hx_fouling:severity=0.5,ramp=60" })
        .injection,
    ).toEqual({ kind: "emulator", spec: "hx_fouling:ramp=60,severity=0.5" });
    expect(parseEndInjectionRequest({ id: 3 })).toBe(3);
  });
});

describe("acknowledge body", () => {
  it("no cause: the newest alarm; a cause: that family's alarm; anything else a 400 naming it", () => {
    expect(parseAckRequest({})).toBeUndefined();
    expect(parseAckRequest({ cause: "flow" })).toBe("flow");
    expect(parseAckRequest({ cause: "t_amb" })).toBe("t_amb");
    expect(parseAckRequest({ cause: "learned" })).toBe("learned");
    expect(() => parseAckRequest({ cause: "pump" })).toThrow(
      'cause: "pump" is not an alarm cause (one of flow, t_hot, t_cold, loop, t_amb, learned)',
    );
    expect(() => parseAckRequest({ cause: 3 })).toThrow("cause: 3 is not an alarm cause");
    expect(() => parseAckRequest({ id: 1 })).toThrow("id: unknown field (expected cause)");
  });
});
