import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { type AlarmEvent, AlarmManager } from "../../src/detect/alarms/alarmManager.js";

/** Feeds `levels` at `dtS` spacing from `t0S`; returns every event. */
function feed(m: AlarmManager, cause: string, levels: readonly number[], dtS = 0.5, t0S = 0): AlarmEvent[] {
  const events: AlarmEvent[] = [];
  levels.forEach((level, i) => {
    const e = m.update(t0S + i * dtS, cause, level);
    if (e) events.push(e);
  });
  return events;
}

const diag = { text: "pump degradation", evidence: ["flow -45 % vs pump curve"] };

describe("alarm manager", () => {
  it("does not chatter on a residual dithering around its threshold", () => {
    const rng = new SeededRng(1);
    // 5 minutes at 10 Hz of a score dithering around 1 (threshold), then back to normal.
    const levels: number[] = [];
    for (let i = 0; i < 3000; i++) levels.push(1 + 0.1 * Math.sin(i / 3) + 0.1 * rng.normal());
    for (let i = 0; i < 100; i++) levels.push(0.3 + 0.05 * rng.normal());
    const events = feed(new AlarmManager(), "t_hot", levels, 0.1);
    expect(events.map((e) => e.type)).toEqual(["raised", "cleared"]);
    const cleared = events[1]!;
    // Cleared clearDelayS (2 s) after the level last stayed below the clear level.
    expect(cleared.tS).toBeGreaterThanOrEqual(300 + 2 - 1e-9);
    expect(cleared.tS).toBeLessThan(300 + 2.2);

    // The same signal with no deadband, no off-delay and no hold chatters: the test would notice.
    const naive = feed(
      new AlarmManager({ clearLevel: 0.999999, clearDelayS: 0, minHoldS: 0 }),
      "t_hot",
      levels,
      0.1,
    );
    expect(naive.length).toBeGreaterThan(100);
  });

  it("holds an alarm at least minHoldS after raising", () => {
    const m = new AlarmManager({ minHoldS: 5, clearDelayS: 2 });
    const events = feed(m, "flow", [1.5, ...new Array<number>(20).fill(0)], 0.5);
    expect(events.map((e) => [e.type, e.tS])).toEqual([
      ["raised", 0],
      ["cleared", 5],
    ]);
    const cleared = events[1]!;
    expect(cleared.type === "cleared" && cleared.durationS).toBe(5);
    expect(cleared.type === "cleared" && cleared.peakLevel).toBe(1.5);
  });

  it("on-delay: the level must stay above the raise level; a gap restarts the timer", () => {
    const m = new AlarmManager({ raiseDelayS: 1 });
    expect(feed(m, "x", [1.2, 1.2, 0.5, 1.2, 1.2], 0.5)).toEqual([]);
    expect(m.update(9.5, "x", 0.2)).toBeUndefined();
    expect(m.update(10, "x", 1.2)).toBeUndefined();
    expect(m.update(10.5, "x", Number.NaN)).toBeUndefined();
    expect(m.update(11, "x", 1.2)).toBeUndefined();
    expect(m.update(11.5, "x", 1.2)).toBeUndefined();
    expect(m.update(12, "x", 1.2)?.type).toBe("raised");
  });

  it("one open alarm per cause; causes are independent", () => {
    const m = new AlarmManager();
    const a = feed(m, "t_hot", [1.5, 1.6, 1.7, 1.5]);
    const b = feed(m, "t_cold", [1.1]);
    expect(a.map((e) => e.type)).toEqual(["raised"]);
    expect(b.map((e) => [e.type, e.alarmId])).toEqual([["raised", 2]]);
    expect(m.openAlarms().map((s) => s.cause)).toEqual(["t_hot", "t_cold"]);
    expect(m.get("t_hot")?.peakLevel).toBe(1.7);
    expect(m.isOpen("flow")).toBe(false);
  });

  it("escalates a warning to critical, which needs a new acknowledgement and latches", () => {
    const m = new AlarmManager();
    expect(m.update(0, "pump", 1.2, diag)?.severity).toBe("warning");
    expect(m.acknowledge(1, "pump").map((e) => e.type)).toEqual(["acknowledged"]);
    const esc = m.update(2, "pump", 2.5);
    expect(esc?.type).toBe("escalated");
    expect(esc?.severity).toBe("critical");
    expect(esc?.diagnosis).toBe("pump degradation");
    expect(m.get("pump")?.acknowledged).toBe(false);
    // Severity does not fall back; a critical alarm latches until acknowledged.
    expect(feed(m, "pump", new Array<number>(40).fill(0), 0.5, 3)).toEqual([]);
    expect(m.get("pump")?.severity).toBe("critical");
    expect(m.get("pump")?.conditionActive).toBe(false);
    const ack = m.acknowledge(30, "pump", "alice");
    expect(ack.map((e) => e.type)).toEqual(["acknowledged", "cleared"]);
    expect(ack[0]?.type === "acknowledged" && ack[0].by).toBe("alice");
    expect(m.isOpen("pump")).toBe(false);
  });

  it("a diagnosis can ask for critical severity", () => {
    const m = new AlarmManager();
    expect(m.update(0, "d", 1.1, { ...diag, severity: "critical" })?.severity).toBe("critical");
    const n = new AlarmManager();
    n.update(0, "d", 1.1, diag);
    expect(n.update(0.5, "d", 1.1, { text: "pump failure", evidence: [], severity: "critical" })?.type).toBe(
      "escalated",
    );
  });

  it("a new diagnosis of an open alarm is an event of its own, once per change", () => {
    const m = new AlarmManager();
    const undecided = {
      text: "flow fault: pump or flow meter, undecided",
      evidence: [],
      severity: "critical" as const,
    };
    expect(m.update(0, "flow", 2, undecided)?.type).toBe("raised");
    expect(m.update(0.5, "flow", 2, undecided)).toBeUndefined();
    const e = m.update(1, "flow", 2, {
      text: "pump failure",
      evidence: ["flow stopped"],
      severity: "critical",
    });
    expect(e?.type).toBe("rediagnosed");
    expect(e?.type === "rediagnosed" && e.from).toBe(undecided.text);
    expect(e?.diagnosis).toBe("pump failure");
    expect(e?.evidence).toEqual(["flow stopped"]);
    // The same diagnosis again, or no diagnosis given: nothing new.
    expect(
      m.update(1.5, "flow", 2, { text: "pump failure", evidence: [], severity: "critical" }),
    ).toBeUndefined();
    expect(m.update(2, "flow", 2)).toBeUndefined();
    // An escalation that brings a new diagnosis is one event, the escalation.
    const n = new AlarmManager();
    n.update(0, "d", 1.1, diag);
    expect(n.update(0.5, "d", 1.1, { text: "pump failure", evidence: [], severity: "critical" })?.type).toBe(
      "escalated",
    );
  });

  it("acknowledging while active keeps the alarm until the condition clears", () => {
    const m = new AlarmManager();
    m.update(0, "c", 3);
    expect(m.acknowledge(1, "c").map((e) => e.type)).toEqual(["acknowledged"]);
    expect(m.acknowledge(1.5, "c")).toEqual([]);
    const events = feed(m, "c", new Array<number>(20).fill(0), 0.5, 2);
    expect(events.map((e) => [e.type, e.tS])).toEqual([["cleared", 5]]);
    const c = events[0]!;
    expect(c.type === "cleared" && c.acknowledged).toBe(true);
  });

  it("latch modes", () => {
    const none = new AlarmManager({ latch: "none" });
    none.update(0, "c", 3);
    expect(feed(none, "c", new Array<number>(20).fill(0), 0.5, 1).map((e) => e.type)).toEqual(["cleared"]);
    const all = new AlarmManager({ latch: "all" });
    all.update(0, "w", 1.1);
    expect(feed(all, "w", new Array<number>(20).fill(0), 0.5, 1)).toEqual([]);
    expect(all.acknowledgeAll(20).map((e) => e.type)).toEqual(["acknowledged", "cleared"]);
  });

  it("a latched alarm whose condition returns is reactivated, not raised again", () => {
    const m = new AlarmManager({ latch: "all" });
    m.update(0, "c", 1.5);
    feed(m, "c", new Array<number>(20).fill(0), 0.5, 1);
    expect(m.get("c")?.conditionActive).toBe(false);
    expect(m.update(20, "c", 1.5)).toBeUndefined();
    expect(m.get("c")?.conditionActive).toBe(true);
    expect(m.acknowledge(21, "c").map((e) => e.type)).toEqual(["acknowledged"]);
  });

  it("events are plain JSON with rig time, cause, diagnosis and evidence", () => {
    const m = new AlarmManager();
    const e = m.update(12.5, "t_hot", 1.4, diag)!;
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      type: "raised",
      alarmId: 1,
      tS: 12.5,
      cause: "t_hot",
      severity: "warning",
      level: 1.4,
      diagnosis: "pump degradation",
      evidence: ["flow -45 % vs pump curve"],
    });
  });

  it("validates options naming them", () => {
    expect(() => new AlarmManager({ clearLevel: 1 })).toThrow(/alarm\.clearLevel.*got 1/);
    expect(() => new AlarmManager({ criticalLevel: 0.5 })).toThrow(/alarm\.criticalLevel/);
    expect(() => new AlarmManager({ minHoldS: -1 })).toThrow(/alarm\.minHoldS/);
    expect(() => new AlarmManager({ latch: "sometimes" as never })).toThrow(/alarm\.latch/);
    expect(() => new AlarmManager().update(Number.NaN, "c", 1)).toThrow(/tS/);
  });
});
