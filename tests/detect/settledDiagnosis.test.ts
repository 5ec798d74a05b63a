/**
 * A latched alarm's diagnosis settles (src/detect/diagnosis/settledDiagnosis.ts and its use in
 * familyAlarms.ts): once decided it stays until acknowledged unless new evidence contradicts it.
 * Seeded emulated-rig runs through the monitor, and the rule on hand-written diagnoses.
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { type Diagnosis, diagnosisResult } from "../../src/detect/diagnosis/isolation.js";
import type { MonitorDiagnosis } from "../../src/detect/diagnosis/monitorDiagnosis.js";
import { settledDiagnosis } from "../../src/detect/diagnosis/settledDiagnosis.js";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../src/detect/monitor/monitor.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

/** Runs the monitor on a seeded rig with `faults` to `toS`; the events and the open alarm's diagnosis at each sample. */
function run(faults: string[], seed: number, toS: number, ackAtS = Number.POSITIVE_INFINITY) {
  const rig = new EmulatedRig({ seed, setpoints: [NOMINAL], faults });
  const monitor = createMonitor();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  const events: AlarmEvent[] = [];
  const shown: { tS: number; diagnosis: string }[] = [];
  let acked = false;
  while (rig.nextTS <= toS + 1e-9) {
    const s = rig.next((sp, tS) => monitor.setSetpoints(sp, tS));
    events.push(...monitor.step(s));
    if (!acked && s.tS >= ackAtS) {
      acked = true;
      events.push(...monitor.acknowledge(s.tS));
    }
    shown.push({ tS: s.tS, diagnosis: monitor.openAlarms()[0]?.diagnosis ?? "" });
  }
  return { events, shown };
}

describe("a latched pump failure whose pump restarts", () => {
  it.each([1, 2, 3])("says pump failure from its decision until acknowledged (seed %i)", (seed) => {
    // Stopped from 30 s to 45 s, running normally after; acknowledged at 120 s.
    const { events, shown } = run(["pump_failure:start=30,end=45"], seed, 130, 120);
    const decidedAt = shown.find((x) => x.diagnosis === "pump failure")?.tS ?? Number.NaN;
    expect(decidedAt).toBeGreaterThanOrEqual(30);
    expect(decidedAt).toBeLessThan(33);
    const afterDecision = shown.filter((x) => x.tS >= decidedAt && x.tS < 120).map((x) => x.diagnosis);
    expect(new Set(afterDecision)).toEqual(new Set(["pump failure"]));
    const flow = events.filter((e) => e.cause === "flow").map((e) => `${e.type}:${e.diagnosis}`);
    expect(flow).toEqual([
      "raised:flow fault: pump or flow meter, undecided",
      "rediagnosed:pump failure",
      "acknowledged:pump failure",
      // Latched with the pump running again: the acknowledgement clears it.
      "cleared:pump failure",
    ]);
    expect(shown.filter((x) => x.tS > 120).every((x) => x.diagnosis === "")).toBe(true);
  });

  it("a degraded pump that then stops is rediagnosed a failure (the same pump, worse)", () => {
    const { events } = run(["pump_degradation:start=30,severity=0.5", "pump_failure:start=60"], 1, 90);
    const diagnoses = events.filter((e) => e.cause === "flow").map((e) => e.diagnosis);
    expect(diagnoses).toEqual([
      "flow fault: pump or flow meter, undecided",
      "pump degradation",
      "pump failure",
    ]);
  });
});

describe("settledDiagnosis", () => {
  const d = (diagnosis: Diagnosis, evidence = "e"): MonitorDiagnosis =>
    diagnosisResult(diagnosis, [evidence], "r");
  // held, fresh, shown: written by hand from the rule in the module comment.
  it.each<[Diagnosis | undefined, Diagnosis, Diagnosis]>([
    [undefined, "flow_undecided", "flow_undecided"],
    ["flow_undecided", "pump_failure", "pump_failure"],
    ["unknown", "hx_fouling", "hx_fouling"],
    ["pump_failure", "unknown", "pump_failure"],
    ["pump_failure", "flow_undecided", "pump_failure"],
    ["pump_failure", "pump_degradation", "pump_failure"],
    ["pump_degradation", "pump_failure", "pump_failure"],
    ["pump_degradation", "unknown", "pump_degradation"],
    ["pump_failure", "flow_sensor", "flow_sensor"],
    ["flow_sensor", "pump_degradation", "pump_degradation"],
    ["hx_fouling", "heater_fault", "heater_fault"],
    ["t_hot_sensor", "unknown", "t_hot_sensor"],
  ])("held %s, fresh %s: shows %s", (held, fresh, shown) => {
    expect(settledDiagnosis(held === undefined ? undefined : d(held), d(fresh)).diagnosis).toBe(shown);
  });

  it("the same cause again carries the fresh evidence", () => {
    const fresh = d("pump_failure", "newer");
    expect(settledDiagnosis(d("pump_failure", "older"), fresh)).toBe(fresh);
  });
});
