import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../../src/detect/alarms/alarmRecordFields.js";

const base = {
  alarmId: 1,
  tS: 12.5,
  cause: "flow",
  severity: "critical",
  level: 2.4,
  diagnosis: "pump failure",
  evidence: ["flow -3.80 L/min", "twin on measured flow fits"],
  raisedAtS: 12.5,
  peakLevel: 2.4,
  acknowledged: false,
} as const;

describe("an alarm event as a recording's alarm record", () => {
  it("a raised alarm: its cause, score, diagnosis and evidence", () => {
    expect(alarmRecordFields({ ...base, type: "raised" } as AlarmEvent)).toEqual({
      tS: 12.5,
      source: "flow",
      state: "raised",
      diagnosis: "pump failure",
      score: 2.4,
      message: "raised critical: flow -3.80 L/min; twin on measured flow fits",
    });
  });

  it("an escalation and a new diagnosis are the alarm still raised", () => {
    const esc = alarmRecordFields({ ...base, type: "escalated", from: "warning" } as AlarmEvent);
    expect([esc.state, esc.message.startsWith("escalated critical")]).toEqual(["raised", true]);
    const re = alarmRecordFields({ ...base, type: "rediagnosed", from: "flow fault" } as AlarmEvent);
    expect(re.state).toBe("raised");
  });

  it("no diagnosis field for an empty diagnosis, no colon without evidence", () => {
    const r = alarmRecordFields({
      ...base,
      type: "acknowledged",
      by: "operator",
      diagnosis: "",
      evidence: [],
    } as AlarmEvent);
    expect(r).toEqual({
      tS: 12.5,
      source: "flow",
      state: "acknowledged",
      score: 2.4,
      message: "acknowledged critical",
    });
  });
});
