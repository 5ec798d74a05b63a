import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlarmEvent, AlarmState } from "../../src/detect/alarms/alarmManager.js";
import { createMonitorOutput } from "../../src/detect/monitor/monitorTypes.js";
import { FleetState, rigJson } from "../../src/fleet/fleetState.js";
import { alarmCell, fleetLines, shortAgo } from "../../src/fleet/fleetTable.js";
import { decodePayload } from "../../src/fleet/payloadDecode.js";
import { alarmEventPayload, openAlarmsPayload } from "../../src/fleet/payloads.js";
import { TelemetryBatch } from "../../src/fleet/telemetryBatch.js";
import { createRigSample } from "../../src/model/rigSample.js";

const P = "looptwin/v1";
const status = (rig: string, online: boolean, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    v: 1,
    rig,
    online,
    command: "dashboard",
    source: "/dev/ttyACM0",
    link: "CONNECTED",
    firmware: "looptwin 1.0",
    uid: "U1",
    sessionStart: "2026-01-01T00:00:00.000Z",
    reason: online ? "" : "stopped (q)",
    droppedMessages: 0,
    sentAtMs: 1000,
    ...extra,
  });

function telemetry(rig: string, tHotC: number, tColdC: number, flowLpm: number): string {
  const b = new TelemetryBatch(4);
  const s = createRigSample();
  Object.assign(s, { tS: 1, tHotC, tColdC, flowLpm });
  b.add(s, createMonitorOutput());
  return b.take(rig, 5000)!;
}

const open = (severity: "warning" | "critical", diagnosis: string): AlarmState => ({
  alarmId: 1,
  cause: "flow",
  severity,
  raisedAtS: 10,
  acknowledged: false,
  acknowledgedAtS: Number.NaN,
  conditionActive: true,
  level: 2,
  peakLevel: 2,
  diagnosis,
  evidence: ["flow -100 %"],
});

describe("FleetState", () => {
  it("takes each rig's status, newest telemetry row and open alarms from what the publisher writes", () => {
    const f = new FleetState(P);
    expect(f.apply(`${P}/b1/status`, status("b1", true), 100)).toEqual({ rig: "b1", what: "state" });
    expect(f.apply(`${P}/b1/telemetry`, telemetry("b1", 31.5, 26.25, 3.75), 200)).toEqual({
      rig: "b1",
      what: "telemetry",
    });
    f.apply(
      `${P}/b1/alarms/open`,
      JSON.stringify(openAlarmsPayload("b1", [open("critical", "pump failure")], 1)),
      300,
    );
    expect(f.rig("b1")).toMatchObject({
      online: true,
      link: "CONNECTED",
      tHotC: 31.5,
      tColdC: 26.25,
      flowLpm: 3.75,
      lastSeenMs: 300,
    });
    expect(alarmCell(f.rig("b1")!)).toBe("CRIT pump failure");
    const line = JSON.parse(rigJson(f.rig("b1")!, 1300)) as Record<string, unknown>;
    expect(line).toMatchObject({
      rig: "b1",
      online: true,
      tHotC: 31.5,
      lastSeenAgoS: 1,
      openAlarms: [{ severity: "critical", diagnosis: "pump failure" }],
    });
  });

  it("an offline status (goodbye or Last Will) says since when; a Last Will without a time uses its arrival", () => {
    const f = new FleetState(P);
    f.apply(`${P}/b1/status`, status("b1", false, { sentAtMs: 7000 }), 9000);
    expect(f.rig("b1")).toMatchObject({
      online: false,
      offlineSinceMs: 7000,
      lastSeenMs: 7000,
      reason: "stopped (q)",
    });
    f.apply(`${P}/b2/status`, status("b2", false, { sentAtMs: null, link: "UNKNOWN" }), 9000);
    expect(f.rig("b2")?.offlineSinceMs).toBe(9000);
    expect(fleetLines(f.rows(), 9000 + 125_000, 80)[0]?.text).toMatch(/^b1\s+off 2m/);
  });

  it("orders rigs: critical alarms, warnings, online, unknown, offline (stale alarms or not); each by name", () => {
    const f = new FleetState(P);
    f.apply(`${P}/z-ok/status`, status("z-ok", true), 1);
    f.apply(`${P}/a-gone/status`, status("a-gone", false), 1);
    f.apply(`${P}/m-warn/status`, status("m-warn", true), 1);
    f.apply(
      `${P}/m-warn/alarms/open`,
      JSON.stringify(openAlarmsPayload("m-warn", [open("warning", "hx fouling")], 1)),
      1,
    );
    f.apply(
      `${P}/x-crit/alarms/open`,
      JSON.stringify(openAlarmsPayload("x-crit", [open("critical", "pump failure")], 1)),
      1,
    );
    f.apply(`${P}/b-ok/status`, status("b-ok", true), 1);
    f.apply(
      `${P}/a-gone/alarms/open`,
      JSON.stringify(openAlarmsPayload("a-gone", [open("critical", "x")], 1)),
      2,
    );
    // The gone rig's retained alarms, read later, do not make it recently seen.
    expect(f.rig("a-gone")?.lastSeenMs).toBe(1);
    f.apply(`${P}/q-new/telemetry`, telemetry("q-new", 30, 25, 3), 1);
    expect(f.rows().map((r) => r.name)).toEqual(["x-crit", "m-warn", "b-ok", "z-ok", "q-new", "a-gone"]);
    expect(fleetLines(f.rows(), 1, 80).map((l) => l.tone)).toEqual([
      "critical",
      "warning",
      "normal",
      "normal",
      "normal",
      "offline",
    ]);
  });

  it("counts and skips malformed messages, and never throws on any payload", () => {
    const f = new FleetState(P);
    expect(f.apply(`${P}/b1/status`, "not json", 1)).toBeNull();
    expect(f.apply(`${P}/b1/status`, '{"v":1,"online":"yes"}', 1)).toBeNull();
    expect(f.lastProblem).toMatch(/status: online: expected true or false/);
    expect(f.apply(`${P}/b1/commands`, "{}", 1)).toBeNull();
    expect(f.apply(`${P}/b1/telemetry`, '{"v":1,"sentAtMs":1,"fields":["tS"],"rows":[[1,2]]}', 1)).toBeNull();
    expect(f.malformed).toBe(4);
    expect(f.apply(`${P}/b1/status`, "", 1)).toBeNull(); // a retained topic being cleared
    expect(f.malformed).toBe(4);
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom(
          "status",
          "telemetry",
          "alarms",
          "alarms/open",
          "performance",
          "hil/r/s",
          "hil/r/summary",
        ),
        (payload, kind) => {
          f.apply(`${P}/fuzz/${kind}`, payload, 1);
        },
      ),
    );
    fc.assert(
      fc.property(fc.json(), fc.constantFrom("status", "telemetry", "alarms/open"), (payload, kind) => {
        f.apply(`${P}/fuzz/${kind}`, payload, 1);
      }),
    );
  });

  it("every field of an alarm event survives the round trip through its payload", () => {
    const e: AlarmEvent = {
      type: "rediagnosed",
      from: "flow fault: pump or flow meter, undecided",
      alarmId: 3,
      tS: 12.5,
      cause: "flow",
      severity: "critical",
      level: 1.5,
      diagnosis: "pump failure",
      evidence: ["flow -100 %", "T_hot - T_cold +2.1 K"],
    };
    const d = decodePayload({ kind: "alarms", rig: "b1" }, JSON.stringify(alarmEventPayload("b1", e, 99)));
    expect(d).toEqual({
      ok: true,
      value: {
        kind: "alarms",
        event: "rediagnosed",
        alarmId: 3,
        tS: 12.5,
        cause: "flow",
        severity: "critical",
        level: 1.5,
        diagnosis: "pump failure",
        evidence: ["flow -100 %", "T_hot - T_cold +2.1 K"],
        sentAtMs: 99,
        from: "flow fault: pump or flow meter, undecided",
        durationS: Number.NaN,
      },
    });
  });

  it("short ages: seconds under 100 s, then minutes, hours, days", () => {
    expect([0, 99_000, 100_000, 3_600_000, 48 * 3_600_000].map(shortAgo)).toEqual([
      "0s",
      "99s",
      "2m",
      "60m",
      "2d",
    ]);
    expect(shortAgo(Number.NaN)).toBe("--");
  });

  it("every table line fits the width", () => {
    const f = new FleetState(P);
    f.apply(`${P}/a-very-long-rig-name-indeed/status`, status("a-very-long-rig-name-indeed", true), 1);
    f.apply(
      `${P}/a-very-long-rig-name-indeed/alarms/open`,
      JSON.stringify(
        openAlarmsPayload(
          "x",
          [open("critical", "flow fault: pump or flow meter, undecided"), open("warning", "w")],
          1,
        ),
      ),
      1,
    );
    for (const w of [80, 100, 132])
      for (const l of fleetLines(f.rows(), 1, w)) expect(l.text.length).toBeLessThanOrEqual(w);
  });
});
