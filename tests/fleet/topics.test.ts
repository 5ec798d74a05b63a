import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isConfigError } from "../../src/core/errors.js";
import { checkTopicPrefix, parseTopic, rigTopics, topicLevel } from "../../src/fleet/topics.js";

describe("rig topics", () => {
  it("are the documented names under the prefix", () => {
    const t = rigTopics("looptwin/v1", "bench-1");
    expect([t.status, t.telemetry, t.alarms, t.alarmsOpen, t.performance]).toEqual([
      "looptwin/v1/bench-1/status",
      "looptwin/v1/bench-1/telemetry",
      "looptwin/v1/bench-1/alarms",
      "looptwin/v1/bench-1/alarms/open",
      "looptwin/v1/bench-1/performance",
    ]);
    expect(t.hilVerdict("run-7", "pump-failure")).toBe("looptwin/v1/bench-1/hil/run-7/pump-failure");
    expect(t.hilSummary("run-7")).toBe("looptwin/v1/bench-1/hil/run-7/summary");
  });

  it("turn /, + and # in a name into _ so a name is one level and never a wildcard", () => {
    expect(topicLevel("rig", "a/b+c#d")).toBe("a_b_c_d");
    expect(() => topicLevel("--rig-name", "  ")).toThrow(/--rig-name: must not be empty/);
  });

  it("parse back to what built them, for any rig, run and scenario name", () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== "");
    fc.assert(
      fc.property(name, name, name, (rig, run, scenario) => {
        const t = rigTopics("looptwin/v1", rig);
        const level = topicLevel("rig", rig);
        expect(parseTopic("looptwin/v1", t.status)).toEqual({
          ok: true,
          value: { kind: "status", rig: level },
        });
        expect(parseTopic("looptwin/v1", t.alarmsOpen)).toEqual({
          ok: true,
          value: { kind: "alarms/open", rig: level },
        });
        const v = parseTopic("looptwin/v1", t.hilVerdict(run, scenario));
        if (topicLevel("s", scenario) === "summary") expect(v.ok && v.value.kind).toBe("hil_summary");
        else
          expect(v).toEqual({
            ok: true,
            value: {
              kind: "hil_verdict",
              rig: level,
              runId: topicLevel("r", run),
              scenario: topicLevel("s", scenario),
            },
          });
      }),
    );
  });

  it("refuse topics that are not documented", () => {
    for (const topic of [
      "other/v1/bench/status",
      "looptwin/v1/bench",
      "looptwin/v1/bench/telemetry/extra",
      "looptwin/v1/bench/commands",
      "looptwin/v1/bench/hil/run",
      "looptwin/v1/bench/alarms/closed",
    ])
      expect(parseTopic("looptwin/v1", topic).ok, topic).toBe(false);
  });

  it("a prefix with a wildcard or an empty level is refused naming --prefix", () => {
    for (const p of ["", "a/#", "a/+/b", "a//b", "/a"]) {
      let e: unknown;
      try {
        checkTopicPrefix(p);
      } catch (x) {
        e = x;
      }
      expect(isConfigError(e) && e.field, p).toBe("--prefix");
    }
    expect(checkTopicPrefix("lab/looptwin/v1")).toBe("lab/looptwin/v1");
  });
});
