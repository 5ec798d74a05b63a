import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { eventFields, formatCommand, formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import type { TlmMessage } from "../../src/protocol/messages.js";

const TLM: TlmMessage = {
  type: "TLM",
  seq: 42,
  tMs: 123456,
  adcHot: 1523,
  adcCold: 1987,
  adcAmb: -1,
  pulses: 90210,
  pumpDuty: 200,
  heaterDuty: 128,
  fanDuty: 255,
  flags: 0x1d,
};

function configErrorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("formatting", () => {
  it("writes canonical lines: decimal without leading zeros, flags in uppercase hex, empty adc_amb", () => {
    expect(formatDeviceMessage(TLM)).toBe("TLM,42,123456,1523,1987,,90210,200,128,255,1D*A0DD");
    expect(formatCommand({ type: "PWM", id: 7, channel: "heater", duty: 0, holdMs: 30000 })).toBe(
      withCrc("PWM,7,heater,0,30000"),
    );
    expect(formatCommand({ type: "RATE", id: 8, rateHz: 50 })).toBe("RATE,8,50*7450");
  });

  it("writes each event's code and detail", () => {
    expect(eventFields({ code: "SENSOR", channel: "amb", state: "short" })).toEqual(["SENSOR", "amb:short"]);
    expect(eventFields({ code: "WDT" })).toEqual(["WDT", "0"]);
    expect(formatDeviceMessage({ type: "EVT", event: { code: "HB_LOST", sinceCommandMs: 3004 } })).toBe(
      withCrc("EVT,HB_LOST,3004"),
    );
  });

  it("refuses values outside the protocol, naming the wire field and the value", () => {
    const cases: [() => unknown, string, unknown][] = [
      [() => formatDeviceMessage({ ...TLM, adcHot: 4096 }), "adc_hot", 4096],
      [() => formatDeviceMessage({ ...TLM, seq: 2 ** 32 }), "seq", 2 ** 32],
      [() => formatDeviceMessage({ ...TLM, tMs: 1.5 }), "t_ms", 1.5],
      [() => formatDeviceMessage({ ...TLM, pumpDuty: -1 }), "pump_duty", -1],
      [() => formatDeviceMessage({ ...TLM, extra: ["a,b"] }), "extra", "a,b"],
      [() => formatDeviceMessage({ type: "ACK", id: 0 }), "id", 0],
      [() => formatDeviceMessage({ type: "NAK", id: 1, reason: "no way" }), "reason", "no way"],
      [
        () =>
          formatDeviceMessage({
            type: "HELLO",
            major: 1,
            minor: 0,
            fwName: "fw",
            fwVersion: "1",
            board: "b",
            uid: "XYZ",
          }),
        "uid",
        "XYZ",
      ],
      [
        () => formatCommand({ type: "PWM", id: 1, channel: "valve" as "pump", duty: 1, holdMs: null }),
        "channel",
        "valve",
      ],
      [() => formatCommand({ type: "PWM", id: 1, channel: "pump", duty: 256, holdMs: null }), "duty", 256],
      [() => formatCommand({ type: "PWM", id: 1, channel: "pump", duty: 1, holdMs: 0 }), "hold_ms", 0],
      [() => formatCommand({ type: "RATE", id: 1, rateHz: 101 }), "hz", 101],
      [() => formatCommand({ type: "PING", id: 65536 }), "id", 65536],
      [() => formatCommand({ type: "EMU", id: 1, faultSpec: "a*b" }), "spec", "a*b"],
    ];
    for (const [f, field, value] of cases) {
      const e = configErrorOf(f);
      expect(e.field).toBe(field);
      expect(e.value).toBe(value);
    }
  });

  it("refuses a line over the 160-byte cap", () => {
    const e = configErrorOf(() => formatCommand({ type: "EMU", id: 1, faultSpec: "x".repeat(150) }));
    expect(e.field).toBe("line");
    expect(e.message).toContain("at most 159");
  });
});
