/**
 * The monitor's alarm families (src/detect/monitor/familyAlarms.ts) driven directly, sample by
 * sample, with hand-picked scores and a stub diagnostician. Expected levels are worked by hand from
 * the documented severity rule (loop family: criticalLevel * raw / criticalLoopScore from
 * criticalLoopScore up; every family otherwise capped at raiseLevel + (criticalLevel - raiseLevel)
 * / 2); expected alarm timings from the alarm manager's documented lifecycle (alarmManager.ts:
 * raise at raiseLevel after raiseDelayS, condition normal once below clearLevel for clearDelayS and
 * minHoldS after the raise). The mirror of the manager's condition is also checked against the
 * manager itself at each sample.
 */
import { describe, expect, it } from "vitest";
import { type AlarmEvent, resolveAlarmManagerOptions } from "../../../src/detect/alarms/alarmManager.js";
import type { Diagnosis } from "../../../src/detect/diagnosis/isolation.js";
import type { MonitorCause, MonitorDiagnosis } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { FamilyAlarms, type FamilyDiagnostician } from "../../../src/detect/monitor/familyAlarms.js";
import { createMonitorOutput, type MonitorOutput } from "../../../src/detect/monitor/monitorTypes.js";

/** MONITOR_CAUSES order: flow 0, t_hot 1, t_cold 2, loop 3, t_amb 4. */
const ORDER: readonly MonitorCause[] = ["flow", "t_hot", "t_cold", "loop", "t_amb"];

/** Answers each family with the diagnosis set for it (default "unknown"); records every call. */
class StubDiagnostician implements FamilyDiagnostician {
  readonly calls: string[] = [];
  readonly next = new Map<MonitorCause, Diagnosis>();
  readonly returned: MonitorDiagnosis[] = [];
  diagnoseFamily(tS: number, cause: MonitorCause): MonitorDiagnosis {
    this.calls.push(`${cause}@${tS}`);
    const d = this.next.get(cause) ?? "unknown";
    const out: MonitorDiagnosis = {
      diagnosis: d,
      rule: "stub",
      text: `${d} on ${cause}`,
      evidence: [`${cause} ${tS}`],
    };
    this.returned.push(out);
    return out;
  }
}

interface Step {
  readonly score: number;
  readonly anomaly: boolean;
  readonly diagnosis: string;
  readonly events: readonly AlarmEvent[];
}

class Harness {
  readonly fa: FamilyAlarms;
  readonly doc = new StubDiagnostician();
  readonly o: MonitorOutput = createMonitorOutput();
  constructor(
    alarm: Parameters<typeof resolveAlarmManagerOptions>[0],
    refreshS = 0.5,
    criticalLoopScore = 4,
  ) {
    this.fa = new FamilyAlarms(resolveAlarmManagerOptions(alarm), refreshS, criticalLoopScore);
  }
  /** One sample: scores by family (missing: NaN, no data). */
  step(t: number, scores: Partial<Record<MonitorCause, number>>): Step {
    const o = this.o;
    o.tS = t;
    // Junk in the outputs finish must overwrite.
    o.score = 99;
    o.anomaly = !o.anomaly;
    o.diagnosis = "junk";
    this.fa.clearEvents();
    ORDER.forEach((c, i) => {
      this.fa.scores[i] = scores[c] ?? Number.NaN;
    });
    this.fa.finish(o, this.doc);
    return { score: o.score, anomaly: o.anomaly, diagnosis: o.diagnosis, events: [...this.fa.events] };
  }
  /** The manager's own "condition active" of the cause's open alarm (undefined: none open). */
  managerActive(cause: MonitorCause): boolean | undefined {
    return this.fa.manager.get(cause)?.conditionActive;
  }
}

const brief = (events: readonly AlarmEvent[]): string[] =>
  events.map((e) => `${e.type} ${e.cause} ${e.severity} ${e.level} "${e.diagnosis}"`);

// raise 1, clear 0.8, critical 3: the warning cap is 1 + (3 - 1) / 2 = 2.
const BASE = { raiseLevel: 1, clearLevel: 0.8, criticalLevel: 3, raiseDelayS: 0, latch: "none" } as const;

describe("FamilyAlarms severity rule", () => {
  it("caps every family at the warning cap; the loop family scales from the critical loop score", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    // raw: flow 1.5 (kept), t_hot 8 (capped to 2), t_cold 2.5 (capped to 2), loop 4 (= critical
    // loop score: 3 * 4 / 4 = 3), t_amb 0.5 (kept).
    const s = h.step(0, { flow: 1.5, t_hot: 8, t_cold: 2.5, loop: 4, t_amb: 0.5 });
    expect(ORDER.map((c) => h.fa.levelOf(c))).toEqual([1.5, 2, 2, 3, 0.5]);
    // The score is the largest raw score, not the largest level.
    expect(s.score).toBe(8);
    expect(brief(s.events)).toEqual([
      'raised flow warning 1.5 "unknown on flow"',
      'raised t_hot warning 2 "unknown on t_hot"',
      'raised t_cold warning 2 "unknown on t_cold"',
      'raised loop critical 3 "unknown on loop"',
    ]);
    // Diagnosed: every family at or above the raise level, in order; t_amb (0.5) not.
    expect(h.doc.calls).toEqual(["flow@0", "t_hot@0", "t_cold@0", "loop@0"]);
    expect(s.anomaly).toBe(true);
    // All four open and active: the highest level (loop, 3) gives the diagnosis.
    expect(s.diagnosis).toBe("unknown on loop");
  });

  it("scales the loop family above its critical score and caps it below", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    h.step(0, { loop: 8, t_hot: 1.5, t_cold: 2, flow: -3 });
    // 3 * 8 / 4 = 6; t_hot 1.5 and t_cold 2 (at the cap) kept.
    expect(h.fa.levelOf("loop")).toBe(6);
    expect(h.fa.levelOf("t_hot")).toBe(1.5);
    expect(h.fa.levelOf("t_cold")).toBe(2);
    expect(h.fa.levelOf("flow")).toBe(-3);
    expect(h.fa.levelOf("t_amb")).toBeNaN();
    const g = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    g.step(0, { loop: 3.9 });
    // Below the critical loop score: capped like any family.
    expect(g.fa.levelOf("loop")).toBe(2);
    g.step(0.1, { loop: 1.5 });
    expect(g.fa.levelOf("loop")).toBe(1.5);
  });

  it("reads the warning cap from the alarm options (raise 2, critical 10: cap 6)", () => {
    const h = new Harness({ raiseLevel: 2, criticalLevel: 10 }, 0.5, 100);
    h.step(0, { t_hot: 7, loop: 50, flow: 5.5 });
    expect(h.fa.levelOf("t_hot")).toBe(6);
    expect(h.fa.levelOf("loop")).toBe(6);
    expect(h.fa.levelOf("flow")).toBe(5.5);
  });

  it("gives NaN for a family with no data or an unknown cause", () => {
    const h = new Harness(BASE);
    expect(h.fa.levelOf("t_hot")).toBeNaN();
    h.step(0, { t_hot: 0.5 });
    expect(h.fa.levelOf("t_hot")).toBe(0.5);
    expect(h.fa.levelOf("flow")).toBeNaN();
    expect(h.fa.levelOf("nothing" as MonitorCause)).toBeNaN();
  });
});

describe("FamilyAlarms outputs when quiet", () => {
  it("writes score 0, no anomaly and no diagnosis with no data", () => {
    const h = new Harness(BASE);
    const s = h.step(0, {});
    expect(s).toEqual({ score: 0, anomaly: false, diagnosis: "", events: [] });
    expect(h.doc.calls).toEqual([]);
  });

  it("keeps the score at +0 when every score is at or below zero", () => {
    const h = new Harness(BASE);
    const s = h.step(0, { flow: -0, t_hot: -1, t_cold: -0 });
    expect(Object.is(s.score, 0)).toBe(true);
    expect(s.anomaly).toBe(false);
  });

  it("does not consult the alarm manager for closed quiet families (even at no finite time)", () => {
    // The manager throws on a non-finite time; a closed family below the raise level twice
    // running is not fed to it.
    const h = new Harness(BASE);
    expect(() => h.step(Number.NaN, { flow: 0.5, t_hot: Number.NaN })).not.toThrow();
    expect(h.o.score).toBe(0.5);
    expect(h.fa.manager.openAlarms()).toEqual([]);
  });

  it("clearEvents empties the events of the last sample", () => {
    const h = new Harness(BASE);
    h.fa.finish(Object.assign(createMonitorOutput(), { tS: 0 }), h.doc);
    h.fa.scores[1] = 1.5;
    h.fa.finish(Object.assign(createMonitorOutput(), { tS: 1 }), h.doc);
    expect(h.fa.events.map((e) => e.type)).toEqual(["raised"]);
    const events = h.fa.events;
    h.fa.clearEvents();
    expect(events).toBe(h.fa.events);
    expect(h.fa.events).toEqual([]);
  });
});

describe("FamilyAlarms raise and the on-delay", () => {
  it("raises at the raise level exactly, diagnosed, on its first sample", () => {
    const h = new Harness(BASE);
    h.doc.next.set("t_cold", "t_cold_sensor");
    const s = h.step(0, { t_cold: 1, t_hot: 0.999 });
    expect(brief(s.events)).toEqual(['raised t_cold warning 1 "t_cold_sensor on t_cold"']);
    expect(h.doc.calls).toEqual(["t_cold@0"]);
    expect(h.fa.isOpen(2)).toBe(true);
    expect(h.fa.isOpen(1)).toBe(false);
    expect(h.fa.diagnosisOf("t_cold")).toBe(h.doc.returned[0]);
  });

  it("restarts the on-delay when the level drops below the raise level between samples", () => {
    // raiseDelayS 1: above at 0 (at the raise level exactly), below at 0.5, above again from 1:
    // the delay counts from 1, so the raise is at 2, not at 1.
    const h = new Harness({ ...BASE, raiseDelayS: 1 });
    expect(h.step(0, { flow: 1 }).events).toEqual([]);
    expect(h.step(0.5, { flow: 0.5 }).events).toEqual([]);
    expect(h.step(1, { flow: 1 }).events).toEqual([]);
    expect(h.step(1.5, { flow: 1 }).events).toEqual([]);
    expect(brief(h.step(2, { flow: 1 }).events)).toEqual(['raised flow warning 1 "unknown on flow"']);
  });

  it("restarts the on-delay when a family has no data between samples", () => {
    const h = new Harness({ ...BASE, raiseDelayS: 1 });
    expect(h.step(0, { t_amb: 1.5 }).events).toEqual([]);
    expect(h.step(0.5, {}).events).toEqual([]);
    expect(h.step(1, { t_amb: 1.5 }).events).toEqual([]);
    expect(brief(h.step(2, { t_amb: 1.5 }).events)).toEqual(['raised t_amb warning 1.5 "unknown on t_amb"']);
  });

  it("before the raise, a fresh diagnosis replaces the last one (not settled)", () => {
    // On-delay 0.5: diagnosed at 0 (pump degradation), then at 0.5 (unknown) with the raise: an
    // alarm not yet open takes the fresh diagnosis even when it names no cause.
    const h = new Harness({ ...BASE, raiseDelayS: 0.5 });
    h.doc.next.set("flow", "pump_degradation");
    expect(h.step(0, { flow: 1.5 }).events).toEqual([]);
    h.doc.next.set("flow", "unknown");
    const s = h.step(0.5, { flow: 1.5 });
    expect(brief(s.events)).toEqual(['raised flow warning 1.5 "unknown on flow"']);
    expect(s.diagnosis).toBe("unknown on flow");
    expect(h.doc.calls).toEqual(["flow@0", "flow@0.5"]);
  });
});

describe("FamilyAlarms diagnosis refresh", () => {
  it("rediagnoses an alarm every diagnosisRefreshS while its level is at the raise level", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    for (const t of [1, 1.25, 1.5, 1.75, 2]) h.step(t, { t_hot: 1.5 });
    expect(h.doc.calls).toEqual(["t_hot@1", "t_hot@1.5", "t_hot@2"]);
    // Below the raise level: no diagnosis, however long.
    h.step(3, { t_hot: 0.9 });
    expect(h.doc.calls).toHaveLength(3);
    h.step(3.25, { t_hot: 1 });
    expect(h.doc.calls).toEqual(["t_hot@1", "t_hot@1.5", "t_hot@2", "t_hot@3.25"]);
  });

  it("refreshDiagnoses makes every family rediagnose at its next sample", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    h.step(0, { flow: 1.5, t_amb: 1.5 });
    h.step(0.25, { flow: 1.5, t_amb: 1.5 });
    expect(h.doc.calls).toEqual(["flow@0", "t_amb@0"]);
    h.fa.refreshDiagnoses();
    h.step(0.375, { flow: 1.5, t_amb: 1.5 });
    expect(h.doc.calls).toEqual(["flow@0", "t_amb@0", "flow@0.375", "t_amb@0.375"]);
  });

  it("an open alarm keeps a decided cause against an undecided one, and takes a contradicting one", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5 });
    h.doc.next.set("flow", "pump_failure");
    expect(h.step(0, { flow: 1.5 }).diagnosis).toBe("pump_failure on flow");
    h.doc.next.set("flow", "unknown");
    const kept = h.step(0.5, { flow: 1.5 });
    expect(kept.diagnosis).toBe("pump_failure on flow");
    expect(kept.events).toEqual([]);
    expect(h.fa.diagnosisOf("flow")).toBe(h.doc.returned[0]);
    h.doc.next.set("flow", "flow_sensor");
    const changed = h.step(1, { flow: 1.5 });
    expect(changed.diagnosis).toBe("flow_sensor on flow");
    expect(brief(changed.events)).toEqual(['rediagnosed flow warning 1.5 "flow_sensor on flow"']);
    expect(h.doc.calls).toEqual(["flow@0", "flow@0.5", "flow@1"]);
  });
});

describe("FamilyAlarms mirror of the alarm condition", () => {
  it("follows the manager through minHoldS, the clear level, re-activation and clearDelayS (latched)", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5, latch: "all" });
    const anomalyAt = (t: number, level: number): boolean => {
      const s = h.step(t, { t_hot: level });
      // The mirror agrees with the manager at every sample.
      expect(s.anomaly, `t=${t}`).toBe(h.managerActive("t_hot"));
      // The open alarm's diagnosis shows whether or not its condition is active.
      expect(s.diagnosis, `t=${t}`).toBe("unknown on t_hot");
      return s.anomaly;
    };
    expect(anomalyAt(0, 1.5)).toBe(true);
    // Below the clear level from 1: the off-delay ends at 3, but the minimum hold at 5.
    for (const t of [1, 2, 3, 4, 4.75]) expect(anomalyAt(t, 0.5), `t=${t}`).toBe(true);
    expect(anomalyAt(5, 0.5)).toBe(false);
    expect(h.fa.isOpen(1)).toBe(true);
    // Between the clear and raise levels: stays normal; at the raise level: active again.
    expect(anomalyAt(6, 0.9)).toBe(false);
    expect(anomalyAt(7, 1)).toBe(true);
    // At the clear level exactly the level is not below it: no off-delay runs.
    for (const t of [8, 12, 20]) expect(anomalyAt(t, 0.8), `t=${t}`).toBe(true);
    // Below from 21: normal at 23 (2 s), not at 22.75.
    expect(anomalyAt(21, 0.79)).toBe(true);
    expect(anomalyAt(22.75, 0.79)).toBe(true);
    expect(anomalyAt(23, 0.79)).toBe(false);
  });

  it("a re-raised alarm's off-delay starts afresh (unlatched)", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 0 });
    expect(h.step(0, { t_hot: 1.5 }).anomaly).toBe(true);
    expect(h.step(1, { t_hot: 0.5 }).anomaly).toBe(true);
    const cleared = h.step(3, { t_hot: 0.5 });
    expect(cleared.events.map((e) => e.type)).toEqual(["cleared"]);
    expect(cleared).toMatchObject({ anomaly: false, diagnosis: "" });
    expect(h.fa.isOpen(1)).toBe(false);
    expect(h.fa.diagnosisOf("t_hot")).toBeUndefined();
    expect(h.step(4, { t_hot: 1.5 }).events.map((e) => e.type)).toEqual(["raised"]);
    // Below from 5: the manager's off-delay starts at 5, not at 1.
    const s = h.step(5, { t_hot: 0.5 });
    expect(s.anomaly).toBe(true);
    expect(h.managerActive("t_hot")).toBe(true);
    expect(h.step(6.75, { t_hot: 0.5 }).anomaly).toBe(true);
    expect(h.step(7, { t_hot: 0.5 }).events.map((e) => e.type)).toEqual(["cleared"]);
  });

  it("a sample with no data does not count towards the off-delay (latched)", () => {
    // Manager: a non-finite level restarts the off-delay. Raise at 0, no data at 1 and 2, below
    // the clear level from 3: normal at 5 (not at 3).
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 0, latch: "all" });
    h.step(0, { t_hot: 1.5 });
    for (const t of [1, 2]) expect(h.step(t, {}).anomaly).toBe(true);
    for (const t of [3, 4.75]) {
      expect(h.step(t, { t_hot: 0.5 }).anomaly, `t=${t}`).toBe(true);
      expect(h.managerActive("t_hot")).toBe(true);
    }
    expect(h.step(5, { t_hot: 0.5 }).anomaly).toBe(false);
    expect(h.managerActive("t_hot")).toBe(false);
  });

  it("a sample with no data restarts an off-delay already running, as in the manager (latched)", () => {
    // Manager: below the clear level from 1, no data at 2 (the off-delay restarts), below again
    // from 3: normal at 5, not at 3 (when 2 s from 1 would have run).
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 0, latch: "all" });
    h.step(0, { t_hot: 1.5 });
    const rows: string[] = [];
    for (const [t, level] of [
      [1, 0.5],
      [2, Number.NaN],
      [3, 0.5],
      [4.75, 0.5],
      [5, 0.5],
    ] as const) {
      const s = h.step(t, { t_hot: level });
      rows.push(`${t} ${s.anomaly} ${h.managerActive("t_hot")}`);
    }
    expect(rows).toEqual(["1 true true", "2 true true", "3 true true", "4.75 true true", "5 false false"]);
  });

  it("counts the minimum hold from the raise time (raised at 10, held to 15)", () => {
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 5, latch: "all" });
    h.step(9, { loop: 0.5 });
    expect(h.step(10, { loop: 1.5 }).anomaly).toBe(true);
    for (const t of [11, 14.75]) expect(h.step(t, { loop: 0.5 }).anomaly, `t=${t}`).toBe(true);
    expect(h.step(15, { loop: 0.5 }).anomaly).toBe(false);
    expect(h.managerActive("loop")).toBe(false);
  });

  it("a second sample at the raise time is mirrored like any other (latched)", () => {
    // No off-delay and no hold: the manager's condition is normal at once below the clear level,
    // even at the time of the raise.
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 0, latch: "all" });
    expect(h.step(0, { t_hot: 1.5 }).anomaly).toBe(true);
    expect(h.step(0, { t_hot: 0.5 }).anomaly).toBe(false);
    expect(h.managerActive("t_hot")).toBe(false);
  });

  it("rediagnoses a re-raised alarm at once, whatever the last diagnosis's time", () => {
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 0 });
    h.doc.next.set("t_cold", "t_cold_sensor");
    h.step(0, { t_cold: 1.5 });
    expect(h.step(0.125, { t_cold: 0.5 }).events.map((e) => e.type)).toEqual(["cleared"]);
    const s = h.step(0.25, { t_cold: 1.5 });
    expect(brief(s.events)).toEqual(['raised t_cold warning 1.5 "t_cold_sensor on t_cold"']);
    expect(h.doc.calls).toEqual(["t_cold@0", "t_cold@0.25"]);
  });
});

describe("FamilyAlarms choice of the diagnosis shown", () => {
  it("prefers an active condition, then the higher level, then the first family; counts no data as 0", () => {
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 0, latch: "all" });
    h.doc.next.set("flow", "flow_sensor");
    h.doc.next.set("t_hot", "t_hot_sensor");
    h.step(0, { flow: 1.5 });
    // Below the clear level with no off-delay: normal at once, still open (latched).
    expect(h.step(1, { flow: 0.5 })).toMatchObject({ anomaly: false, diagnosis: "flow_sensor on flow" });
    expect(h.step(2, { flow: 0.5, t_hot: 1.2 }).diagnosis).toBe("t_hot_sensor on t_hot");
    // Active t_hot at 0.85 beats normal flow at 0.95.
    expect(h.step(3, { flow: 0.95, t_hot: 0.85 })).toMatchObject({
      anomaly: true,
      diagnosis: "t_hot_sensor on t_hot",
    });
    // Both active: the higher level.
    expect(h.step(4, { flow: 1.2, t_hot: 0.85 }).diagnosis).toBe("flow_sensor on flow");
    expect(h.step(5, { flow: 0.9, t_hot: 1.3 }).diagnosis).toBe("t_hot_sensor on t_hot");
    // A tie: the first family in MONITOR_CAUSES order.
    expect(h.step(6, { flow: 1.1, t_hot: 1.1 }).diagnosis).toBe("flow_sensor on flow");
    // flow active with no data (key 0 above the normal ones) beats t_hot gone normal at 0.5.
    expect(h.step(7, { t_hot: 0.5 })).toMatchObject({ anomaly: true, diagnosis: "flow_sensor on flow" });
    expect(h.managerActive("flow")).toBe(true);
    expect(h.managerActive("t_hot")).toBe(false);
  });
});

describe("FamilyAlarms acknowledge", () => {
  it("acknowledges the newest unacknowledged alarm when no cause is given", () => {
    const h = new Harness({ ...BASE, clearDelayS: 2, minHoldS: 5, latch: "all" });
    h.step(0, { t_hot: 1.5 });
    h.step(1, { t_hot: 1.5, flow: 1.5 });
    const ackBrief = (events: readonly AlarmEvent[]): string[] =>
      events.map((e) => `${e.type} ${e.cause} ${e.tS}`);
    expect(ackBrief(h.fa.acknowledge(2))).toEqual(["acknowledged flow 2"]);
    expect(ackBrief(h.fa.acknowledge(3))).toEqual(["acknowledged t_hot 3"]);
    expect(h.fa.acknowledge(4)).toEqual([]);
    expect(h.fa.acknowledge(5, "flow")).toEqual([]);
    // Acknowledged, condition active: both still open.
    expect([h.fa.isOpen(0), h.fa.isOpen(1)]).toEqual([true, true]);
  });

  it("follows the clear that an acknowledgement of a normal latched alarm brings", () => {
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 0, latch: "all" });
    h.doc.next.set("t_cold", "t_cold_sensor");
    h.step(0, { t_cold: 1.5, t_hot: 1.5 });
    h.step(1, { t_cold: 0.5, t_hot: 1.5 });
    expect(h.fa.diagnosisOf("t_cold")).toBe(h.doc.returned[1]);
    const events = h.fa.acknowledge(1.5, "t_cold");
    expect(events.map((e) => `${e.type} ${e.cause}`)).toEqual(["acknowledged t_cold", "cleared t_cold"]);
    expect(h.fa.isOpen(2)).toBe(false);
    expect(h.fa.isOpen(1)).toBe(true);
    expect(h.fa.diagnosisOf("t_cold")).toBeUndefined();
    expect(h.fa.diagnosisOf("t_hot")).toBeDefined();
    // The t_cold family is closed: its low level is not fed, t_hot's alarm shows.
    expect(h.step(2, { t_cold: 0.5, t_hot: 1.5 })).toMatchObject({
      anomaly: true,
      diagnosis: "unknown on t_hot",
      events: [],
    });
  });

  it("acknowledges an alarm the manager holds for a cause that is no family, leaving the families be", () => {
    const h = new Harness({ ...BASE, clearDelayS: 0, minHoldS: 0, latch: "all" });
    h.step(0, { t_hot: 1.5 });
    h.fa.manager.update(1, "learned", 2);
    h.fa.manager.update(1.5, "learned", 0);
    expect(h.fa.acknowledge(2, "learned").map((e) => `${e.type} ${e.cause}`)).toEqual([
      "acknowledged learned",
      "cleared learned",
    ]);
    expect(h.fa.isOpen(1)).toBe(true);
    expect(h.step(3, { t_hot: 1.5 }).anomaly).toBe(true);
  });

  it("returns no events with nothing open to acknowledge, whatever the time", () => {
    const h = new Harness(BASE);
    expect(h.fa.acknowledge(Number.NaN)).toEqual([]);
    expect(h.fa.acknowledge(0)).toEqual([]);
    expect(h.fa.diagnosisOf("nothing" as MonitorCause)).toBeUndefined();
  });
});

describe("FamilyAlarms.acknowledge", () => {
  it("acknowledges the cause it is given, not the newest unacknowledged alarm; without one, the newest", () => {
    const h = new Harness(BASE);
    // flow raised at 0, t_hot at 1: both open and unacknowledged, t_hot the newer.
    h.step(0, { flow: 1.5 });
    h.step(1, { flow: 1.5, t_hot: 1.5 });
    const named = h.fa.acknowledge(2, "flow");
    expect(named.map((e) => `${e.type} ${e.cause}`)).toEqual(["acknowledged flow"]);
    expect(h.fa.manager.get("flow")?.acknowledged).toBe(true);
    expect(h.fa.manager.get("t_hot")?.acknowledged).toBe(false);
    // With no cause, the newest unacknowledged: t_hot.
    expect(h.fa.acknowledge(3).map((e) => `${e.type} ${e.cause}`)).toEqual(["acknowledged t_hot"]);
    // Nothing left to acknowledge.
    expect(h.fa.acknowledge(4)).toEqual([]);
  });
});
