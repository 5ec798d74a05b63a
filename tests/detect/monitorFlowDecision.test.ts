/**
 * A flow alarm's diagnosis over time (monitor.ts, monitorDiagnosis.ts): right after a change of
 * flow the temperatures cannot have moved yet, so the alarm starts "pump or flow meter,
 * undecided" and never names the wrong one of the two; it decides within the scenario deadlines
 * (hil/scenarios: pump failure 2 s, pump degradation 10 s, flow-meter blockage 5 s). Seeded
 * emulated runs, checked at every sample.
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { DIAGNOSIS_TEXT, type Diagnosis } from "../../src/detect/diagnosis/isolation.js";
import { EmulatedRig, type SetpointStep } from "../../src/detect/evaluation/emulatedRig.js";
import { isSpecificWrong, runCase } from "../../src/detect/evaluation/monitorEvaluation.js";
import { createMonitor } from "../../src/detect/monitor/monitor.js";

const NOMINAL: SetpointStep = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };
const ONSET_S = 60;
const SEEDS = [1, 2, 3, 4, 5];

interface FlowRun {
  /** The first alarm raised at or after the onset. */
  readonly first: AlarmEvent | undefined;
  /** Every diagnosis the flow alarm had, sample by sample, with its time [s after onset]. */
  readonly timeline: readonly { readonly tS: number; readonly diagnosis: Diagnosis }[];
  /** Every diagnosis text shown (output and alarm events) after the onset. */
  readonly texts: ReadonlySet<string>;
}

function run(fault: string, seed: number, untilS: number, setpoints: SetpointStep[] = [NOMINAL]): FlowRun {
  const rig = new EmulatedRig({ seed, setpoints, faults: [fault] });
  const monitor = createMonitor();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  let first: AlarmEvent | undefined;
  const timeline: { tS: number; diagnosis: Diagnosis }[] = [];
  const texts = new Set<string>();
  while (rig.nextTS <= untilS + 1e-9) {
    const s = rig.next((sp, tS) => monitor.setSetpoints(sp, tS));
    for (const e of monitor.step(s)) {
      expect(e.tS, `${fault} seed ${seed}: alarm before the onset`).toBeGreaterThanOrEqual(ONSET_S);
      if (first === undefined && e.type === "raised") first = e;
      texts.add(e.diagnosis);
    }
    if (s.tS < ONSET_S) continue;
    texts.add(monitor.output.diagnosis);
    const d = monitor.diagnosisOf("flow");
    if (d !== undefined) timeline.push({ tS: s.tS - ONSET_S, diagnosis: d.diagnosis });
  }
  return { first, timeline, texts };
}

/** First time [s after onset] the flow alarm had `d`; NaN when never. */
function firstAt(r: FlowRun, d: Diagnosis): number {
  return r.timeline.find((x) => x.diagnosis === d)?.tS ?? Number.NaN;
}

/** Asserts the alarm starts undecided, decides `final` by `deadlineS`, and never goes back or names `never`. */
function expectDecides(
  r: FlowRun,
  why: string,
  final: Diagnosis,
  deadlineS: number,
  never: readonly Diagnosis[],
) {
  expect(r.first?.cause, why).toBe("flow");
  expect(r.first?.diagnosis, why).toBe(DIAGNOSIS_TEXT.flow_undecided);
  expect(r.first?.evidence[0], why).toMatch(
    /^waiting for the temperatures: .* within ~\d+\.\d s \(loop model\)/,
  );
  for (const d of never) {
    expect(
      r.timeline.some((x) => x.diagnosis === d),
      `${why}: showed ${d}`,
    ).toBe(false);
    expect(r.texts.has(DIAGNOSIS_TEXT[d]), `${why}: showed ${d}`).toBe(false);
  }
  const decidedS = firstAt(r, final);
  expect(decidedS, why).toBeLessThanOrEqual(deadlineS);
  // The undecided state ends: from the decision on, the alarm says the cause.
  const after = r.timeline.filter((x) => x.tS >= decidedS);
  expect(after.length, why).toBeGreaterThan(0);
  expect(
    after.every((x) => x.diagnosis === final),
    `${why}: after ${decidedS} s: ${[...new Set(after.map((x) => x.diagnosis))]}`,
  ).toBe(true);
}

describe("monitor: a flow alarm's diagnosis while the temperatures cannot tell pump from meter", () => {
  it("a pump failure never shows 'flow sensor fault'; critical at once, pump failure within 2 s", () => {
    for (const seed of SEEDS) {
      const why = `pump failure seed ${seed}`;
      const r = run(`pump_failure:start=${ONSET_S}`, seed, ONSET_S + 30);
      // The flow has stopped: whatever the cause, the first alarm is critical.
      expect(r.first?.severity, why).toBe("critical");
      expectDecides(r, why, "pump_failure", 2, ["flow_sensor", "pump_degradation"]);
    }
  });

  it("a 30 % pump degradation never shows 'flow sensor fault'; pump degradation within 10 s", () => {
    for (const seed of SEEDS) {
      const why = `pump degradation seed ${seed}`;
      const r = run(`pump_degradation:start=${ONSET_S},severity=0.3`, seed, ONSET_S + 30);
      expect(r.first?.severity, why).toBe("warning");
      expectDecides(r, why, "pump_degradation", 10, ["flow_sensor", "pump_failure"]);
    }
  });

  it.each([
    ["jammed", `flow_blockage:start=${ONSET_S}`],
    ["half blocked", `flow_blockage:start=${ONSET_S},severity=0.5`],
  ])("a flow-meter blockage (%s) never shows a pump diagnosis; flow sensor fault within 5 s", (_n, fault) => {
    for (const seed of SEEDS) {
      const why = `${fault} seed ${seed}`;
      const r = run(fault, seed, ONSET_S + 30);
      expectDecides(r, why, "flow_sensor", 5, ["pump_failure", "pump_degradation"]);
    }
  });

  it("with no heat input the temperatures cannot tell: a pump failure stays undecided, never a meter fault", () => {
    // Both twins predict the same temperatures without heat, so no evidence can build; the
    // likelihood ratio must not walk to a decision on model error (it did, within half an hour).
    const off: SetpointStep[] = [{ tS: 0, pumpDuty: 200, heaterDuty: 0, fanDuty: 255 }];
    for (const seed of [1, 2, 3]) {
      const why = `heater off, pump failure seed ${seed}`;
      const r = run(`pump_failure:start=${ONSET_S}`, seed, ONSET_S + 1800, off);
      expect(r.first?.diagnosis, why).toBe(DIAGNOSIS_TEXT.flow_undecided);
      expect(r.first?.severity, why).toBe("critical");
      expect(r.first?.evidence[0], why).toMatch(/^the temperatures cannot tell pump from flow meter: at 0 W/);
      expect(new Set(r.timeline.map((x) => x.diagnosis)), why).toEqual(new Set(["flow_undecided"]));
    }
  });
});

describe("evaluation: wrong first diagnoses", () => {
  it("counts a specific wrong cause, not the undecided or unknown one", () => {
    expect(isSpecificWrong(DIAGNOSIS_TEXT.flow_sensor, "pump_failure")).toBe(true);
    expect(isSpecificWrong(DIAGNOSIS_TEXT.pump_failure, "pump_failure")).toBe(false);
    expect(isSpecificWrong(DIAGNOSIS_TEXT.flow_undecided, "pump_failure")).toBe(false);
    expect(isSpecificWrong(DIAGNOSIS_TEXT.unknown, "flow_sensor")).toBe(false);
    expect(isSpecificWrong("", "flow_sensor")).toBe(false);
  });

  it("a pump failure's run: no wrong diagnosis at any time, the right one by its deadline", () => {
    const r = runCase(
      {
        name: "pump_failure",
        fault: "pump_failure:start=60",
        durationS: 100,
        targetS: 2,
        diagnosisTargetS: 2,
      },
      1,
    );
    expect(r.firstDiagnosis).toBe(DIAGNOSIS_TEXT.flow_undecided);
    expect(r.firstWrong).toBe(false);
    expect(r.shownWrong).toBe(false);
    expect(r.metDiagnosisTarget).toBe(true);
    expect(r.correctAfterS).toBeLessThanOrEqual(2);
  });
});
