import { describe, expect, it } from "vitest";
import { type ConfigError, isConfigError } from "../../src/core/errors.js";
import { brokerConfig } from "../../src/fleet/brokerConfig.js";
import { backoffMs, classifyConnectFailure } from "../../src/fleet/connectPolicy.js";

function refusal(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (isConfigError(e)) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("brokerConfig", () => {
  it("takes mqtt:// and mqtts:// with their default ports and a user name from the URL", () => {
    expect(brokerConfig({ option: "--mqtt", url: "mqtt://lab-broker" })).toMatchObject({
      scheme: "mqtt",
      host: "lab-broker",
      port: 1883,
      username: undefined,
      keepaliveS: 10,
      displayUrl: "mqtt://lab-broker:1883",
    });
    expect(
      brokerConfig({ option: "--mqtt", url: "mqtts://bench@10.0.0.5:8884", password: "pw", caPem: "PEM" }),
    ).toMatchObject({
      scheme: "mqtts",
      host: "10.0.0.5",
      port: 8884,
      username: "bench",
      password: "pw",
      caPem: "PEM",
    });
  });

  it("refuses each bad URL in one line naming the option", () => {
    const cases: [string, RegExp][] = [
      ["not a url", /^--mqtt: not a URL/],
      ["http://broker:1883", /^--mqtt: unknown scheme "http:\/\/"/],
      ["ws://broker", /unknown scheme "ws:\/\/"/],
      ["mqtt://user:secret@broker", /no password in the URL/],
      ["mqtt://broker/looptwin", /has no path/],
    ];
    for (const [url, re] of cases) {
      const e = refusal(() => brokerConfig({ option: "--mqtt", url }));
      expect(e.message, url).toMatch(re);
      expect(e.message).not.toContain("\n");
      expect(e.message).not.toContain("secret");
    }
  });

  it("refuses --mqtt-ca on mqtt://, a second user name, and a keep-alive out of range", () => {
    expect(refusal(() => brokerConfig({ option: "--mqtt", url: "mqtt://b", caPem: "x" })).field).toBe(
      "--mqtt-ca",
    );
    expect(refusal(() => brokerConfig({ option: "--mqtt", url: "mqtt://a@b", username: "c" })).field).toBe(
      "--mqtt-user",
    );
    expect(refusal(() => brokerConfig({ option: "--mqtt", url: "mqtt://b", keepaliveS: 0 })).field).toBe(
      "--mqtt-keepalive",
    );
  });
});

describe("connect policy", () => {
  it("names a refused password under MQTT 5 and 3.1.1 reason codes", () => {
    expect(classifyConnectFailure(0x86, 5, "")).toEqual({
      kind: "credentials",
      text: "bad user name or password",
    });
    expect(classifyConnectFailure(0x87, 5, "")).toEqual({ kind: "credentials", text: "not authorized" });
    expect(classifyConnectFailure(4, 4, "")).toEqual({
      kind: "credentials",
      text: "bad user name or password",
    });
    expect(classifyConnectFailure(5, 4, "")).toEqual({ kind: "credentials", text: "not authorized" });
  });

  it("falls back to 3.1.1 only on an unsupported-protocol refusal", () => {
    expect(classifyConnectFailure(0x84, 5, "")).toEqual({ kind: "protocol" });
    expect(classifyConnectFailure(1, 4, "")).toEqual({ kind: "protocol" });
    expect(classifyConnectFailure(1, 5, "x").kind).toBe("other");
    expect(classifyConnectFailure("ECONNREFUSED", 5, "connect ECONNREFUSED")).toEqual({
      kind: "other",
      text: "connect ECONNREFUSED",
    });
  });

  it("backs off 0.5, 1, 2, 4, 8 s then stays at the 10 s cap; jitter takes off at most 20 %", () => {
    expect([0, 1, 2, 3, 4, 5, 9, 60].map((a) => backoffMs(a, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
    expect(backoffMs(2, 1)).toBe(1600);
    expect(backoffMs(0, 0, { firstMs: 100, maxMs: 150 })).toBe(100);
    expect(backoffMs(5, 0, { firstMs: 100, maxMs: 150 })).toBe(150);
  });
});
