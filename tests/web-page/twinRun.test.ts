import { describe, expect, it } from "vitest";
import { PageStore } from "../../web/src/pageStore.js";
import { DEFAULT_RUN, parseRunUrl } from "../../web/src/runUrl.js";
import { faultFromNow, PAGE_RATE_HZ, TwinRun } from "../../web/src/twinRun.js";

function lastOf(store: PageStore, column: Parameters<PageStore["columnOf"]>[0]): number {
  const r = store.rangeOf(0, store.latestTS);
  return store.columnOf(column, r)[r.length - 1] as number;
}

describe("TwinRun", () => {
  it("the issue's URL raises a critical 'pump failure' after the onset, none before", () => {
    const store = new PageStore();
    const run = new TwinRun(parseRunUrl("?fault=pump_failure:start=30&speed=50&seed=3&set=UA=9").run, store);
    run.step(29 * PAGE_RATE_HZ);
    expect(store.alarmLog).toEqual([]);
    run.step(31 * PAGE_RATE_HZ);
    const raised = store.alarmLog.filter((e) => e.type === "raised");
    expect(raised.length).toBeGreaterThan(0);
    expect(raised.every((e) => e.tS >= 30)).toBe(true);
    expect(store.openAlarms[0]?.diagnosis).toBe("pump failure");
    expect(store.openAlarms[0]?.severity).toBe("critical");
    expect(lastOf(store, "flowLpm")).toBeLessThan(0.1);
    expect(store.labels).toEqual([{ tS: 30, action: "start", text: "pump_failure:start=30" }]);
  });

  it("a UA change moves the twin to the loop model's steady state T_cold = T_sink + Q_in/UA", () => {
    const store = new PageStore();
    const run = new TwinRun({ ...DEFAULT_RUN, set: { UA_loss: 0 } }, store);
    run.step(10 * PAGE_RATE_HZ);
    // Default rig at full heater (150 W) and fan: T_cold = 25 + 150/10 = 40 C.
    expect(lastOf(store, "twinTColdC")).toBeCloseTo(40, 0);
    run.setParam("UA", 5);
    // Ten of the loop's time constants (~530 s) later: 25 + 150/5 = 55 C.
    run.step(5000 * PAGE_RATE_HZ);
    expect(lastOf(store, "twinTColdC")).toBeGreaterThan(54.5);
    expect(lastOf(store, "twinTColdC")).toBeLessThan(55.5);
    expect(lastOf(store, "tColdC")).toBeCloseTo(55, 0);
    // Page time ran on through the change.
    expect(run.tS).toBeCloseTo(5010 - 0.1, 6);
    expect(() => run.setParam("UA", -1)).toThrow(/set UA/);
  });

  it("ends every fault with x: the flow comes back", () => {
    const store = new PageStore();
    const run = new TwinRun(DEFAULT_RUN, store);
    run.step(20 * PAGE_RATE_HZ);
    run.inject(faultFromNow("pump_failure", run.tS));
    run.step(10 * PAGE_RATE_HZ);
    expect(lastOf(store, "flowLpm")).toBeLessThan(0.1);
    expect(store.injections).toEqual(["pump_failure:start=19.9"]);
    run.endFaults();
    expect(store.injections).toEqual([]);
    run.step(10 * PAGE_RATE_HZ);
    expect(lastOf(store, "flowLpm")).toBeGreaterThan(3.5);
    expect(store.labels.map((l) => l.action)).toEqual(["start", "end"]);
  });

  it("a setpoint change reaches the plant and the twin", () => {
    const store = new PageStore();
    const run = new TwinRun(DEFAULT_RUN, store);
    run.step(PAGE_RATE_HZ);
    run.setSetpoints({ pumpDuty: 100, heaterDuty: 0, fanDuty: 255 });
    run.step(PAGE_RATE_HZ);
    expect(lastOf(store, "pumpApplied")).toBe(100);
    expect(lastOf(store, "heaterSetpoint")).toBe(0);
    expect(store.setpoints.pumpDuty).toBe(100);
  });
});

describe("faultFromNow", () => {
  it("counts start and end from now", () => {
    const f = faultFromNow("pump_degradation:start=5,end=20,severity=0.3", 100);
    expect([f.startS, f.endS, f.severity]).toEqual([105, 120, 0.3]);
  });
  it("refuses link faults with a line naming the kind", () => {
    expect(() => faultFromNow("link_drop:value=0.1", 0)).toThrow(
      /fault: needs a serial link .* \(got "link_drop"\)/,
    );
  });
});
