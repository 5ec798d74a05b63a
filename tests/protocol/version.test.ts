import { describe, expect, it } from "vitest";
import { OperationalError } from "../../src/core/errors.js";
import type { HelloMessage } from "../../src/protocol/messages.js";
import { parseDeviceLine } from "../../src/protocol/parse.js";
import {
  checkProtocolVersion,
  isCompatibleVersion,
  isProtocolVersionError,
  PROTOCOL_VERSION,
  ProtocolVersionError,
} from "../../src/protocol/version.js";

const hello = (major: number, minor: number): HelloMessage => ({
  type: "HELLO",
  major,
  minor,
  fwName: "looptwin-fw",
  fwVersion: "3.1.4",
  board: "uno",
  uid: "0A1B2C3D",
});

describe("protocol version check", () => {
  it("is 1.0", () => expect(PROTOCOL_VERSION).toEqual({ major: 1, minor: 0 }));

  it("accepts any minor version of major 1", () => {
    for (const minor of [0, 1, 7, 255]) expect(() => checkProtocolVersion(hello(1, minor))).not.toThrow();
    expect(isCompatibleVersion({ major: 1 })).toBe(true);
  });

  it("refuses another major version with a clear operational error and context", () => {
    for (const major of [0, 2, 255]) {
      let caught: unknown;
      try {
        checkProtocolVersion(hello(major, 3));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ProtocolVersionError);
      expect(caught).toBeInstanceOf(OperationalError);
      expect(isProtocolVersionError(caught)).toBe(true);
      const e = caught as ProtocolVersionError;
      expect(e.name).toBe("ProtocolVersionError");
      expect(e.message).toContain(`speaks protocol ${major}.3`);
      expect(e.message).toContain("this host speaks 1.x");
      expect(e.message).toContain("looptwin-fw 3.1.4");
      expect(e.context).toEqual({
        deviceVersion: `${major}.3`,
        hostVersion: "1.0",
        fwName: "looptwin-fw",
        fwVersion: "3.1.4",
      });
    }
  });

  it("applies to a parsed HELLO", () => {
    const r = parseDeviceLine("HELLO,2.0,looptwin-fw,2.0.0,uno,0A1B2C3D*BD4D");
    expect(r.ok && r.value.type === "HELLO").toBe(true);
    if (r.ok && r.value.type === "HELLO")
      expect(() => checkProtocolVersion(r.value as HelloMessage)).toThrow(ProtocolVersionError);
  });
});
