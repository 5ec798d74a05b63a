/**
 * What the formatters refuse, and the message naming the field (found by mutation testing), and
 * the optional `hold_ms` of PWM. Expected texts written by hand from the limits of docs/protocol.md.
 */
import { describe, expect, it } from "vitest";
import { formatCommand, formatDeviceMessage } from "../../src/protocol/format.js";
import type { HelloMessage } from "../../src/protocol/messages.js";

const HELLO: HelloMessage = {
  type: "HELLO",
  major: 1,
  minor: 0,
  fwName: "looptwin-fw",
  fwVersion: "1.2.3",
  board: "uno",
  uid: "0A1B2C3D",
};

describe("formatCommand", () => {
  it("writes hold_ms only when there is one", () => {
    expect(formatCommand({ type: "PWM", id: 1, channel: "pump", duty: 128, holdMs: null })).toMatch(
      /^PWM,1,pump,128\*[0-9A-F]{4}$/,
    );
    expect(formatCommand({ type: "PWM", id: 1, channel: "pump", duty: 128, holdMs: 500 })).toMatch(
      /^PWM,1,pump,128,500\*[0-9A-F]{4}$/,
    );
  });

  it("refuses a bad channel, number or fault spec, naming the field and the allowed values", () => {
    expect(() =>
      formatCommand({ type: "PWM", id: 1, channel: "laser" as never, duty: 1, holdMs: null }),
    ).toThrow('channel: must be one of pump, heater, fan (got "laser")');
    expect(() => formatCommand({ type: "RATE", id: 1, rateHz: 0 })).toThrow(
      "hz: must be an integer 1-100 (got 0)",
    );
    expect(() => formatCommand({ type: "EMU", id: 2, faultSpec: "a*b" })).toThrow(
      'spec: must be non-empty printable ASCII without * (got "a*b")',
    );
  });
});

describe("formatDeviceMessage", () => {
  it("refuses a token with a comma, a uid that is not exactly 8 hex digits, a trailing field with *", () => {
    expect(() => formatDeviceMessage({ ...HELLO, fwName: "a,b" })).toThrow(
      'fw_name: must be one or more printable ASCII characters without , or * (got "a,b")',
    );
    for (const uid of ["0A1B2C3D9", "X0A1B2C3D", "0A1B2C3"])
      expect(() => formatDeviceMessage({ ...HELLO, uid }), uid).toThrow(
        `uid: must be 8 hex digits (got "${uid}")`,
      );
    expect(formatDeviceMessage({ ...HELLO, uid: "0a1b2c3d" })).toContain(",0a1b2c3d*");
    expect(() => formatDeviceMessage({ ...HELLO, extra: ["x*y"] })).toThrow(
      'extra: a trailing field must be printable ASCII without , or * (got "x*y")',
    );
  });
});
