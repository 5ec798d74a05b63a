import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import {
  type AlarmEvent,
  AlarmManager,
  resolveAlarmManagerOptions,
} from "../../src/detect/alarms/alarmManager.js";

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

  it("resolves the documented defaults; the clear and critical levels follow the raise level", () => {
    const defaults = {
      raiseLevel: 1,
      clearLevel: 0.8,
      criticalLevel: 2,
      raiseDelayS: 0,
      clearDelayS: 2,
      minHoldS: 5,
      latch: "critical",
    };
    expect(resolveAlarmManagerOptions()).toEqual(defaults);
    expect(new AlarmManager().options).toEqual(defaults);
    // 0.8 and 2 times a raise level of 2.
    expect(new AlarmManager({ raiseLevel: 2 }).options).toEqual({
      ...defaults,
      raiseLevel: 2,
      clearLevel: 1.6,
      criticalLevel: 4,
    });
    // A critical level equal to the raise level is allowed.
    expect(new AlarmManager({ criticalLevel: 1 }).options.criticalLevel).toBe(1);
  });

  it("refuses bad options and times with the field, the problem and the value", () => {
    const cases: [() => unknown, string][] = [
      [
        () => new AlarmManager({ raiseLevel: Number.NaN }),
        "alarm.raiseLevel: must be a finite number (got NaN)",
      ],
      [
        () => new AlarmManager({ clearLevel: Number.NaN }),
        "alarm.clearLevel: must be a finite number (got NaN)",
      ],
      [() => new AlarmManager({ clearLevel: 1 }), "alarm.clearLevel: must be < alarm.raiseLevel (1) (got 1)"],
      [
        () => new AlarmManager({ criticalLevel: Number.POSITIVE_INFINITY }),
        "alarm.criticalLevel: must be a finite number (got Infinity)",
      ],
      [
        () => new AlarmManager({ criticalLevel: 0.5 }),
        "alarm.criticalLevel: must be >= alarm.raiseLevel (1) (got 0.5)",
      ],
      [() => new AlarmManager({ raiseDelayS: -1 }), "alarm.raiseDelayS: must be >= 0 (got -1)"],
      [() => new AlarmManager({ clearDelayS: -1 }), "alarm.clearDelayS: must be >= 0 (got -1)"],
      [() => new AlarmManager({ minHoldS: -1 }), "alarm.minHoldS: must be >= 0 (got -1)"],
      [
        () => new AlarmManager({ latch: "sometimes" as never }),
        'alarm.latch: must be one of none, critical, all (got "sometimes")',
      ],
      [
        () => new AlarmManager().update(Number.NaN, "c", 1),
        "tS: must be a finite rig time in seconds (got NaN)",
      ],
      [
        () => new AlarmManager().acknowledge(Number.POSITIVE_INFINITY, "c"),
        "tS: must be a finite rig time in seconds (got Infinity)",
      ],
    ];
    for (const [f, message] of cases) expect(f).toThrow(message);
    // toThrow(string) matches a substring: the whole message, checked once with its class.
    expect(() => new AlarmManager({ clearLevel: 1 })).toThrowError(
      expect.objectContaining({
        name: "ConfigError",
        message: "alarm.clearLevel: must be < alarm.raiseLevel (1) (got 1)",
      }),
    );
  });

  it("sits on the level edges: raise at the raise level, critical at the critical level, not below the clear level", () => {
    const m = new AlarmManager({ latch: "none", minHoldS: 0, clearDelayS: 0 });
    expect(m.update(0, "a", 0.999)).toBeUndefined();
    expect(m.update(1, "a", 1)).toEqual({
      type: "raised",
      alarmId: 1,
      tS: 1,
      cause: "a",
      severity: "warning",
      level: 1,
      diagnosis: "",
      evidence: [],
    });
    // Exactly the clear level is not below it: the condition stays, however long.
    for (let t = 2; t <= 10; t++) expect(m.update(t, "a", 0.8)).toBeUndefined();
    // Exactly the critical level escalates.
    expect(m.update(11, "a", 2)).toEqual({
      type: "escalated",
      from: "warning",
      alarmId: 1,
      tS: 11,
      cause: "a",
      severity: "critical",
      level: 2,
      diagnosis: "",
      evidence: [],
    });
    // Below the clear level with no off-delay and no hold: cleared at once (latch none).
    expect(m.update(12, "a", 0.79)?.type).toBe("cleared");
    // Raised critical at exactly the critical level.
    expect(m.update(13, "b", 2)?.severity).toBe("critical");
  });

  it("the off-delay and the hold are counted from their starts, cleared exactly when both have run", () => {
    // Off-delay: below from 11 s, clearDelayS 2: cleared at 13 s, not at 12.5 s.
    const m = new AlarmManager({ latch: "none", minHoldS: 0, clearDelayS: 2 });
    m.update(10, "c", 1.5);
    const off = feed(m, "c", [0.5, 0.5, 0.5, 0.5, 0.5], 0.5, 11);
    expect(off.map((e) => [e.type, e.tS])).toEqual([["cleared", 13]]);
    // Hold: raised at 10 s, minHoldS 5, no off-delay: cleared at 15 s (durationS 5), not before.
    const h = new AlarmManager({ latch: "none", minHoldS: 5, clearDelayS: 0 });
    h.update(10, "c", 1.5);
    const held = feed(h, "c", new Array<number>(12).fill(0), 0.5, 10.5);
    expect(held).toEqual([
      {
        type: "cleared",
        alarmId: 1,
        tS: 15,
        cause: "c",
        severity: "warning",
        level: 0,
        diagnosis: "",
        evidence: [],
        raisedAtS: 10,
        durationS: 5,
        peakLevel: 1.5,
        acknowledged: false,
      },
    ]);
  });

  it("a level with no data restarts the off-delay of an open alarm", () => {
    // Default off-delay 2 s and hold 5 s; a warning does not latch by default.
    const m = new AlarmManager();
    m.update(0, "c", 1.5);
    expect(feed(m, "c", [0, 0, 0], 0.5, 6)).toEqual([]);
    expect(m.update(7.5, "c", Number.NaN)).toBeUndefined();
    // Below again from 8 s: cleared at 10 s (without the restart it would be at 8 s, 2 s after 6 s).
    const after = feed(m, "c", [0, 0, 0, 0, 0], 0.5, 8);
    expect(after.map((e) => [e.type, e.tS])).toEqual([["cleared", 10]]);
  });

  it("snapshots an alarm; an escalation drops the acknowledgement and its time", () => {
    const m = new AlarmManager();
    m.update(1, "p", 1.2, diag);
    expect(m.isOpen("p")).toBe(true);
    expect(m.acknowledge(2, "p")).toEqual([
      {
        type: "acknowledged",
        by: "operator",
        alarmId: 1,
        tS: 2,
        cause: "p",
        severity: "warning",
        level: 1.2,
        diagnosis: "pump degradation",
        evidence: ["flow -45 % vs pump curve"],
      },
    ]);
    const state = {
      alarmId: 1,
      cause: "p",
      severity: "warning",
      raisedAtS: 1,
      acknowledged: true,
      acknowledgedAtS: 2,
      conditionActive: true,
      level: 1.2,
      peakLevel: 1.2,
      diagnosis: "pump degradation",
      evidence: ["flow -45 % vs pump curve"],
    };
    expect(m.get("p")).toEqual(state);
    expect(m.update(3, "p", 2.5)?.type).toBe("escalated");
    expect(m.get("p")).toEqual({
      ...state,
      severity: "critical",
      acknowledged: false,
      acknowledgedAtS: Number.NaN,
      level: 2.5,
      peakLevel: 2.5,
    });
    expect(Number.isNaN(m.get("p")?.acknowledgedAtS)).toBe(true);
  });

  it("acknowledging nothing open gives nothing; acknowledgeAll goes in raise order", () => {
    const m = new AlarmManager();
    expect(m.acknowledge(0, "nobody")).toEqual([]);
    expect(m.get("nobody")).toBeUndefined();
    // "late" is seen first (below the raise level) but raised second.
    m.update(0, "late", 0.5);
    m.update(1, "early", 1.5);
    m.update(2, "late", 1.5);
    expect(m.openAlarms().map((s) => [s.cause, s.alarmId])).toEqual([
      ["early", 1],
      ["late", 2],
    ]);
    const acks = m.acknowledgeAll(3);
    expect(acks.map((e) => [e.type, e.cause, e.type === "acknowledged" ? e.by : ""])).toEqual([
      ["acknowledged", "early", "operator"],
      ["acknowledged", "late", "operator"],
    ]);
    // A warning cleared without acknowledgement (default latch) is closed: nothing to acknowledge.
    const w = new AlarmManager();
    w.update(0, "w", 1.5);
    expect(feed(w, "w", new Array<number>(12).fill(0), 0.5, 0.5).map((e) => e.type)).toEqual(["cleared"]);
    expect(w.isOpen("w")).toBe(false);
    expect(w.get("w")).toBeUndefined();
    expect(w.openAlarms()).toEqual([]);
    expect(w.acknowledge(7, "w")).toEqual([]);
    expect(w.acknowledgeAll(7)).toEqual([]);
  });

  it("a new raise after a clear is a new alarm: new id, unacknowledged, its own diagnosis, the on-delay again", () => {
    const m = new AlarmManager({ raiseDelayS: 1, latch: "all" });
    expect(m.update(0, "c", 1.5)).toBeUndefined();
    expect(m.update(1, "c", 1.5, diag)?.type).toBe("raised");
    expect(m.acknowledge(2, "c").map((e) => e.type)).toEqual(["acknowledged"]);
    // Below from 2.5 s, hold 5 s from 1 s: the condition returns at 6 s, acknowledged: cleared.
    const cleared = feed(m, "c", new Array<number>(8).fill(0), 0.5, 2.5);
    expect(cleared).toEqual([
      {
        type: "cleared",
        alarmId: 1,
        tS: 6,
        cause: "c",
        severity: "warning",
        level: 0,
        diagnosis: "pump degradation",
        evidence: ["flow -45 % vs pump curve"],
        raisedAtS: 1,
        durationS: 5,
        peakLevel: 1.5,
        acknowledged: true,
      },
    ]);
    // The on-delay starts again at 10 s.
    expect(m.update(10, "c", 1.5)).toBeUndefined();
    expect(m.update(10.5, "c", 1.5)).toBeUndefined();
    expect(m.update(11, "c", 1.2)?.type).toBe("raised");
    expect(m.get("c")).toEqual({
      alarmId: 2,
      cause: "c",
      severity: "warning",
      raisedAtS: 11,
      acknowledged: false,
      acknowledgedAtS: Number.NaN,
      conditionActive: true,
      level: 1.2,
      peakLevel: 1.2,
      diagnosis: "",
      evidence: [],
    });
  });

  it("a latched alarm's condition becomes active again at exactly the raise level", () => {
    const m = new AlarmManager({ latch: "all" });
    m.update(0, "c", 1.5);
    feed(m, "c", new Array<number>(20).fill(0), 0.5, 1);
    expect(m.get("c")?.conditionActive).toBe(false);
    expect(m.update(20, "c", 0.999)).toBeUndefined();
    expect(m.get("c")?.conditionActive).toBe(false);
    expect(m.update(21, "c", 1)).toBeUndefined();
    expect(m.get("c")?.conditionActive).toBe(true);
  });

  it("a rediagnosis event carries the old text, the new one and the alarm's state", () => {
    const m = new AlarmManager();
    m.update(0, "f", 1.5, diag);
    expect(m.update(1, "f", 1.4, { text: "flow sensor fault", evidence: ["meter only"] })).toEqual({
      type: "rediagnosed",
      from: "pump degradation",
      alarmId: 1,
      tS: 1,
      cause: "f",
      severity: "warning",
      level: 1.4,
      diagnosis: "flow sensor fault",
      evidence: ["meter only"],
    });
  });

  it("reset forgets the open alarms and their timers", () => {
    const m = new AlarmManager({ raiseDelayS: 1 });
    m.update(0, "a", 1.5);
    m.update(1, "a", 1.5);
    m.update(0.5, "b", 1.5);
    expect(m.isOpen("a")).toBe(true);
    m.reset();
    expect(m.isOpen("a")).toBe(false);
    expect(m.openAlarms()).toEqual([]);
    // b's on-delay started at 0.5 s; forgotten, it starts again at 1 s.
    expect(m.update(1.5, "b", 1.5)).toBeUndefined();
    expect(m.update(2.5, "b", 1.5)?.type).toBe("raised");
  });
});
