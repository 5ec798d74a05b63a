/**
 * LearnedBesideMonitor.step returns the residual monitor's own events unchanged (the same array)
 * when the learned detector has no event, and the monitor's events followed by the learned one
 * when both have events on one sample. A stub monitor gives its events on chosen samples; the
 * learned model is one by hand (1-row window, identity PCA, limits 1: the score is the sum of
 * the squared residuals, an alarm above 1 with persistence 1).
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { LEARNED_CAUSE, LearnedBesideMonitor } from "../../src/detect/learned/learnedBesideMonitor.js";
import {
  createMonitorOutput,
  type LoopPerformanceFigures,
  type Monitor,
} from "../../src/detect/monitor/monitorTypes.js";
import { createRigSample } from "../../src/model/rigSample.js";
import { handModel } from "./learnedHandModel.js";

const NAMES = ["res_t_hot_k", "res_t_cold_k", "res_flow_lpm"];

function monitorEvent(alarmId: number, cause: string, tS: number): AlarmEvent {
  return {
    type: "raised",
    alarmId,
    tS,
    cause,
    severity: "critical",
    level: 3,
    diagnosis: `${cause} stub`,
    evidence: [],
  };
}

describe("the learned event joins the monitor's events of the same sample", () => {
  it("after the monitor's own events, in their order; without a learned event the monitor's array itself", () => {
    const model = handModel(NAMES, [0, 0, 0], [1, 1, 1]);
    const output = createMonitorOutput();
    // Sample i at i / 10 s. The monitor raises two alarms at 4.9 s and two more at 5.0 s; the
    // flow residual is 3 (score 9) from 5.0 s, the first sample after the 5 s settling.
    const ownEvents = new Map<number, AlarmEvent[]>([
      [49, [monitorEvent(1, "flow", 4.9), monitorEvent(2, "t_hot", 4.9)]],
      [50, [monitorEvent(3, "t_cold", 5), monitorEvent(4, "ambient", 5)]],
    ]);
    let i = 0;
    const monitor: Monitor = {
      output,
      setSetpoints: () => {},
      markGap: () => {},
      followApplied: () => {},
      step: () => {
        output.resTHotK = 0;
        output.resTColdK = 0;
        output.resFlowLpm = i >= 50 ? 3 : 0;
        return ownEvents.get(i++) ?? [];
      },
      acknowledge: () => [],
      openAlarms: () => [],
      performance: () => ({}) as unknown as LoopPerformanceFigures,
    };
    const beside = new LearnedBesideMonitor(monitor, model);
    const sample = createRigSample();
    const returned: (readonly AlarmEvent[])[] = [];
    for (let k = 0; k <= 51; k++) {
      sample.tS = k / 10;
      returned.push(beside.step(sample));
    }
    // 4.9 s: the monitor's two events, its own array.
    expect(returned[49]).toBe(ownEvents.get(49));
    // 5.0 s: the monitor's two, then the learned raise under its own id.
    expect(returned[50]?.map((e) => [e.type, e.alarmId, e.cause, e.tS])).toEqual([
      ["raised", 3, "t_cold", 5],
      ["raised", 4, "ambient", 5],
      ["raised", 1_000_001, LEARNED_CAUSE, 5],
    ]);
    expect(returned[50]?.[0]).toBe(ownEvents.get(50)?.[0]);
    expect(returned[50]?.[1]).toBe(ownEvents.get(50)?.[1]);
    // Every other sample: nothing.
    expect(returned.flatMap((events, k) => (k === 49 || k === 50 ? [] : events))).toEqual([]);
  });
});
