import { describe, expect, it } from "vitest";
import { EmulatedRig, type SetpointStep } from "../../src/detect/evaluation/emulatedRig.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { TLM_FLAGS } from "../../src/model/rigSample.js";
import { loopSteadyStateAtDuties } from "../../src/model/steadyState.js";

const NOMINAL: SetpointStep = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

describe("EmulatedRig's checks", () => {
  it("refuses a rate outside (0, 1000] Hz, no setpoints, and a schedule going back in time, naming them", () => {
    for (const [rate, shown] of [
      [0, "0"],
      [-1, "-1"],
      [1001, "1001"],
      [Number.NaN, "NaN"],
    ] as const)
      expect(() => new EmulatedRig({ rateHz: rate, setpoints: [NOMINAL] })).toThrow(
        `rateHz: must be in (0, 1000] (got ${shown})`,
      );
    expect(new EmulatedRig({ rateHz: 1000, setpoints: [NOMINAL] }).rateHz).toBe(1000);
    expect(() => new EmulatedRig({ setpoints: [] })).toThrow(
      "setpoints: needs at least the initial setpoints (got [])",
    );
    expect(
      () =>
        new EmulatedRig({
          setpoints: [NOMINAL, { ...NOMINAL, tS: 10 }, { ...NOMINAL, tS: 5 }],
        }),
    ).toThrow("setpoints[2].tS: must not go back in time (got 5)");
    // Two steps at the same time are in order.
    expect(
      () => new EmulatedRig({ setpoints: [NOMINAL, { ...NOMINAL, tS: 10 }, { ...NOMINAL, tS: 10 }] }),
    ).not.toThrow();
  });
});

describe("EmulatedRig's samples", () => {
  it("a setpoint step at a sample's time is applied at that sample and reported first", () => {
    const rig = new EmulatedRig({ setpoints: [NOMINAL, { ...NOMINAL, tS: 1, pumpDuty: 150 }] });
    const seen: number[] = [];
    let duty = 0;
    while (rig.nextTS <= 1 + 1e-9) duty = rig.next((sp, tS) => seen.push(tS, sp.pumpDuty)).pumpDuty;
    expect(seen).toEqual([1, 150]);
    expect(duty).toBe(150);
  });

  it("a step between samples reaches the plant at its own time", () => {
    const at = (stepS: number): number => {
      const rig = new EmulatedRig({ setpoints: [NOMINAL, { ...NOMINAL, tS: stepS, heaterDuty: 0 }] });
      while (rig.nextTS <= 1 + 1e-9) rig.next();
      return rig.truth.tHotC;
    };
    // Heater off at 0.55 s instead of 0.5 s: 0.05 s more heating, a warmer hot node at 1 s; the
    // same between two samples (0.59 s against 0.51 s, both applied at the 0.6 s sample).
    expect(at(0.55)).toBeGreaterThan(at(0.5));
    expect(at(0.59)).toBeGreaterThan(at(0.51));
  });

  it("starts at the first setpoints' steady state unless told not to", () => {
    const ss = loopSteadyStateAtDuties(DEFAULT_LOOP_PARAMS, 200, 255, 255);
    if (!ss.ok) throw new Error("no steady state");
    const steady = new EmulatedRig({ setpoints: [NOMINAL] });
    steady.next();
    expect(steady.truth.tHotC).toBeCloseTo(ss.value.tHotC, 6);
    const cold = new EmulatedRig({ setpoints: [NOMINAL], steady: false });
    cold.next();
    expect(Math.abs(cold.truth.tHotC - ss.value.tHotC)).toBeGreaterThan(1);
    // Without a steady state (no flow, no losses) it starts at the parameters' initial state.
    const params = { ...DEFAULT_LOOP_PARAMS, UA_loss: 0 };
    expect(loopSteadyStateAtDuties(params, 0, 255, 255).ok).toBe(false);
    const stalled = new EmulatedRig({
      params,
      setpoints: [{ tS: 0, pumpDuty: 0, heaterDuty: 255, fanDuty: 255 }],
    });
    stalled.next();
    expect(stalled.truth.tHotC).toBeCloseTo(params.T_hot0, 9);
  });

  it("the seed (1 by default) sets the noise; the noise level and the ambient probe are passed on", () => {
    const reading = (o: { seed?: number; noiseKRms?: number }): number[] => {
      const rig = new EmulatedRig({ setpoints: [NOMINAL], ...o });
      return Array.from({ length: 20 }, () => rig.next().adcHot);
    };
    expect(reading({})).toEqual(reading({ seed: 1 }));
    expect(reading({ seed: 2 })).not.toEqual(reading({ seed: 1 }));
    expect(new Set(reading({ noiseKRms: 0 })).size).toBe(1);
    expect(new Set(reading({ noiseKRms: 1 })).size).toBeGreaterThan(1);
    const noProbe = new EmulatedRig({ setpoints: [NOMINAL], hasAmbientProbe: false });
    expect(noProbe.next().adcAmb).toBe(-1);
    const probe = new EmulatedRig({ setpoints: [NOMINAL], hasAmbientProbe: true });
    expect(probe.next().adcAmb).toBeGreaterThan(0);
  });

  it("flags a hot or cold reading out of range, and its TLM line counts the sequence", () => {
    const flags = (fault: string): number => {
      const rig = new EmulatedRig({ setpoints: [NOMINAL], faults: [fault] });
      rig.next();
      return rig.next().flags;
    };
    expect(flags("sensor_open:start=0,channel=hot")).toBe(TLM_FLAGS.sensorOutOfRange);
    expect(flags("sensor_open:start=0,channel=cold")).toBe(TLM_FLAGS.sensorOutOfRange);
    expect(flags("sensor_bias:start=0,value=1,channel=hot")).toBe(0);
    const rig = new EmulatedRig({ setpoints: [NOMINAL] });
    rig.next();
    rig.next();
    expect(rig.tlmLine()).toMatch(/^\$?TLM,2,100,/);
  });
});
