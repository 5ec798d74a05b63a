/**
 * What the monitor's twin runs on (src/detect/monitor/monitor.ts), read from twin (a)'s operating
 * point: the applied duties until the operator's setpoints are known and while followApplied is
 * on, the setpoints again once it is turned off; the ambient probe's reading only on a rig that
 * has one (without one the ambient family has no data either). Expected operating points are the
 * loop model's at those duties (actuators.ts, pumpCurve.ts).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import { heaterPowerW, radiatorUaWK } from "../../../src/model/actuators.js";
import { DEFAULT_LOOP_PARAMS } from "../../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../../src/model/pumpCurve.js";
import { createRigSample, type RigSample } from "../../../src/model/rigSample.js";

const p = DEFAULT_LOOP_PARAMS;

function sample(tS: number, duties: [number, number, number], tAmbC = 25): RigSample {
  const s = createRigSample();
  s.tS = tS;
  s.tHotC = 41;
  s.tColdC = 40;
  s.tAmbC = tAmbC;
  s.flowLpm = 3.9;
  [s.pumpDuty, s.heaterDuty, s.fanDuty] = duties;
  return s;
}

describe("monitor: the duties the twin runs on", () => {
  it("follows the applied duties until the setpoints are known, then the setpoints; again while followApplied is on", () => {
    const m = createMonitor();
    const op = () => m.generator.twin.operatingPoint;
    m.step(sample(0, [100, 50, 20]));
    expect(m.followingApplied).toBe(true);
    expect(op().qInW).toBe(heaterPowerW(p, 50));
    expect(op().mDotKgS).toBe(pumpMassFlowKgS(p, 100));
    m.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, 0.05);
    m.step(sample(0.1, [100, 50, 20]));
    expect(op().qInW).toBe(heaterPowerW(p, 255));
    expect(op().mDotKgS).toBe(pumpMassFlowKgS(p, 200));
    // The device overrides (SAFE: heater off): followed while followApplied is on.
    m.followApplied(true);
    m.step(sample(0.2, [255, 0, 255]));
    expect(op().qInW).toBe(0);
    expect(op().mDotKgS).toBe(pumpMassFlowKgS(p, 255));
    // Off again: the setpoints at once, before the next sample.
    m.followApplied(false);
    expect(m.followingApplied).toBe(false);
    expect(op().qInW).toBe(heaterPowerW(p, 255));
    expect(op().mDotKgS).toBe(pumpMassFlowKgS(p, 200));
    m.step(sample(0.3, [255, 0, 255]));
    expect(op().qInW).toBe(heaterPowerW(p, 255));
  });
});

describe("monitor: the ambient probe", () => {
  it("moves the twin's ambient to the probe's reading on a rig with a probe, not on one without", () => {
    const run = (hasAmbientProbe: boolean) => {
      const m = createMonitor({ hasAmbientProbe });
      for (let k = 0; k <= 300; k++) m.step(sample(k / 10, [200, 255, 255], 10));
      return { ambC: m.generator.twin.operatingPoint.tAmbC, ambLevel: m.familyLevel("t_amb") };
    };
    const without = run(false);
    expect(without.ambC).toBe(p.T_amb);
    expect(without.ambLevel).toBeNaN();
    const probed = run(true);
    // 30 s of a 10 C reading: the filtered ambient has left 25 C for it.
    expect(probed.ambC).toBeLessThan(20);
    expect(probed.ambC).toBeGreaterThanOrEqual(10);
    expect(Number.isFinite(probed.ambLevel)).toBe(true);
  });
});

describe("monitor: following duties equal to the setpoints", () => {
  it("gives exactly the outputs of running on those setpoints (the models are not touched while the duties stay)", () => {
    const rig = new EmulatedRig({
      seed: 2,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
      faults: [],
    });
    const following = createMonitor();
    const onSetpoints = createMonitor();
    onSetpoints.setSetpoints(rig.initialSetpoints, 0);
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < 300; k++) {
      const s = rig.next();
      following.step(s);
      onSetpoints.step(s);
      a.push(following.output.innovTHot, following.output.innovTCold, following.output.predTHotC);
      b.push(onSetpoints.output.innovTHot, onSetpoints.output.innovTCold, onSetpoints.output.predTHotC);
    }
    expect(following.followingApplied).toBe(true);
    expect(onSetpoints.followingApplied).toBe(false);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(100);
  });
});

describe("monitor: a change of one setpoint, or of the ambient, reaches the twin at once", () => {
  it("a change of the fan alone (pump and heater as they were) moves the radiator's conductance", () => {
    const m = createMonitor();
    const op = () => m.generator.twin.operatingPoint;
    m.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, 0);
    m.step(sample(0, [200, 255, 255]));
    expect(op().uaWK).toBe(radiatorUaWK(p, 255));
    m.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 0 }, 0.05);
    m.step(sample(0.1, [200, 255, 0]));
    expect(op().uaWK).toBe(radiatorUaWK(p, 0));
    expect(radiatorUaWK(p, 0)).not.toBe(radiatorUaWK(p, 255)); // the premise
  });

  it("the probe's ambient reaches the twin at the sample whose filtered value is passed on", () => {
    // 25 C for 1 s, then 55 C: the 30 s filter moves 30 (1 - e^(-0.1/30)) = 0.0998 K at the jump's
    // sample, past the 0.05 K that is passed on, so the twin runs on that value from that sample.
    const m = createMonitor({ hasAmbientProbe: true });
    for (let k = 0; k <= 10; k++) m.step(sample(k / 10, [200, 255, 255], 25));
    expect(m.generator.twin.operatingPoint.tAmbC).toBe(25);
    m.step(sample(1.1, [200, 255, 255], 55));
    expect(m.generator.twin.operatingPoint.tAmbC).toBeCloseTo(25 + 30 * -Math.expm1(-0.1 / 30), 12);
  });
});
