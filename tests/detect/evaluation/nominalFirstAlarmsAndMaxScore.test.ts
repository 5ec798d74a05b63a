import { expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { nominalSchedule, runNominal } from "../../../src/detect/evaluation/monitorEvaluation.js";
import { createMonitor, type MonitorConfig } from "../../../src/detect/monitor/monitor.js";

it("runNominal lists the first five raised alarms of many, in order, and counts them all", () => {
  // Alarms raised at a level of 0.18 and cleared below 0.17 at once, none latched: the nominal
  // score (about 0.1 to 0.3) crosses them again and again.
  const config: MonitorConfig = {
    alarm: { raiseLevel: 0.18, clearLevel: 0.17, clearDelayS: 0, minHoldS: 0, latch: "none" },
  };
  const durationS = 30;
  // The same run stepped here: every raised alarm's line.
  const rig = new EmulatedRig({ seed: 1, setpoints: nominalSchedule(durationS, 1) });
  const monitor = createMonitor(config);
  monitor.setSetpoints(rig.initialSetpoints, 0);
  const lines: string[] = [];
  while (rig.nextTS <= durationS + 1e-9)
    for (const e of monitor.step(rig.next((sp, tS) => monitor.setSetpoints(sp, tS))))
      if (e.type === "raised")
        lines.push(`${e.cause} at ${e.tS.toFixed(1)} s: ${e.diagnosis}; ${e.evidence.join("; ")}`);
  expect(lines.length).toBeGreaterThan(6); // the premise
  const r = runNominal(durationS, 1, { monitor: config });
  expect(r.alarms).toBe(lines.length);
  expect(r.firstAlarms).toEqual(lines.slice(0, 5));
});

it("a run that ends at 5 s has no score after 5 s: largest 0, at no time", () => {
  // The premise below: the nominal score is above 0 at 5 s and somewhere before it, so only the
  // cut (samples strictly after 5 s) leaves none.
  const rig = new EmulatedRig({ seed: 1, setpoints: nominalSchedule(5, 1) });
  const monitor = createMonitor();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  let scoreAt5 = 0;
  let before = 0;
  while (rig.nextTS <= 5 + 1e-9) {
    const s = rig.next();
    monitor.step(s);
    if (s.tS === 5) scoreAt5 = monitor.output.score;
    else before = Math.max(before, monitor.output.score);
  }
  expect([scoreAt5 > 0, before > 0]).toEqual([true, true]);
  const r = runNominal(5, 1);
  expect(r.samples).toBe(51);
  expect(r.maxScore).toBe(0);
  expect(r.maxScoreAtS).toBeNaN();
});

it("a run whose score stays 0 after 5 s has its largest score 0 at no time", () => {
  // A 1 Hz rig against a monitor told 10 Hz whose twins start again after gaps over 0.5 s: every
  // 1 s spacing is such a gap, so the twins start again at every sample and never leave their
  // 2 s alignment, in which nothing is scored.
  const r = runNominal(20, 1, { rateHz: 1, monitor: { rateHz: 10, detectors: { realignAfterGapS: 0.5 } } });
  expect(r.samples).toBe(21);
  expect(r.alarms).toBe(0);
  expect(r.maxScore).toBe(0);
  expect(r.maxScoreAtS).toBeNaN();
});
