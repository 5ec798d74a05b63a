import { describe, expect, it } from "vitest";
import { isOperationalError, OperationalError } from "../../src/core/errors.js";
import { SerialSource } from "../../src/rig/hardware/serialSource.js";
import {
  AbortedError,
  CommandTimeoutError,
  HandshakeTimeoutError,
  isAbortedError,
  isCommandTimeoutError,
  isHandshakeTimeoutError,
  isLinkDownError,
  isNakError,
  isWrongUnitError,
  LinkDownError,
  NakError,
  WrongUnitError,
} from "../../src/rig/source/rigErrors.js";

describe("the rig layer's errors", () => {
  const all = [
    { e: new NakError(7, "range:duty", "PWM"), guard: isNakError, name: "NakError" },
    {
      e: new CommandTimeoutError(8, "PING", 3, 250),
      guard: isCommandTimeoutError,
      name: "CommandTimeoutError",
    },
    { e: new LinkDownError("send PWM", "RECONNECTING"), guard: isLinkDownError, name: "LinkDownError" },
    {
      e: new WrongUnitError("/dev/ttyACM0", "BBBB0002", "AAAA0001"),
      guard: isWrongUnitError,
      name: "WrongUnitError",
    },
    {
      e: new HandshakeTimeoutError("/dev/ttyACM0", 3000),
      guard: isHandshakeTimeoutError,
      name: "HandshakeTimeoutError",
    },
    { e: new AbortedError("sleep"), guard: isAbortedError, name: "AbortedError" },
  ];

  it("are operational errors with their own name, each recognised by its guard and by no other", () => {
    for (const { e, guard, name } of all) {
      expect(e).toBeInstanceOf(OperationalError);
      expect(isOperationalError(e)).toBe(true);
      expect(e.name).toBe(name);
      for (const other of all)
        expect(other.guard(e), `${other.name} guard on ${name}`).toBe(other.guard === guard);
    }
    expect(isNakError(new Error("NAK range:duty"))).toBe(false);
  });

  it("keep their context as fields", () => {
    const nak = new NakError(7, "range:duty", "PWM");
    expect([nak.id, nak.reason, nak.command]).toEqual([7, "range:duty", "PWM"]);
    expect(nak.message).toBe("device refused PWM (id 7): NAK range:duty");
    const down = new LinkDownError("send PWM", "RECONNECTING");
    expect(down.state).toBe("RECONNECTING");
    expect(down.context).toEqual({ state: "RECONNECTING" });
  });

  it("a LinkDownError carries the error that took the link down as its cause", () => {
    const os = Object.assign(new Error("Error: No such file or directory, cannot open /dev/ttyACM9"), {
      code: "ENOENT",
    });
    const e = new LinkDownError("open /dev/ttyACM9", "DISCONNECTED", { cause: os });
    expect(e.cause).toBe(os);
    expect(new LinkDownError("send PING", "DISCONNECTED").cause).toBeUndefined();
  });

  it("an AbortedError carries the signal's reason", () => {
    const reason = new Error("scenario timeout");
    expect(new AbortedError("scenario run", { cause: reason }).cause).toBe(reason);
  });

  it("a serial port that cannot be opened rejects with a LinkDownError whose cause is the port's error", async () => {
    const osError = Object.assign(new Error("No such file or directory: /dev/ttyNONE"), { code: "ENOENT" });
    const binding = {
      list: async () => [],
      open: () => Promise.reject(osError),
    };
    const source = new SerialSource({ path: "/dev/ttyNONE", binding });
    try {
      const err = await source.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLinkDownError(err)).toBe(true);
      expect((err as LinkDownError).message).toContain("/dev/ttyNONE");
      expect((err as LinkDownError).cause).toBe(osError);
    } finally {
      await source.close();
    }
  });
});
