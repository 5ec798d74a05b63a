/**
 * Re-seating a twin that a flow fault left behind (src/detect/monitor/monitor.ts, reseat): after
 * a flow-meter fault, twin (b) (driven by the measured flow) has run on a wrong flow and misses
 * the temperatures, while twin (a) (on the intended flow) fits; once the flow has been quiet for
 * 5 s, (b) is moved onto (a). After a pump fault it is the other way round. On the seeded
 * emulated rig; twin (b)'s state is read from the monitor's parts (no public accessor).
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../../src/detect/monitor/monitor.js";
import type { MonitorTwins } from "../../../src/detect/monitor/monitorTwins.js";

const NOMINAL = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

const twinsOf = (m: ResidualMonitor): MonitorTwins => (m as unknown as { twins: MonitorTwins }).twins;

function run(fault: string, toS: number, each: (m: ResidualMonitor, tS: number) => void): ResidualMonitor {
  const rig = new EmulatedRig({ seed: 4, setpoints: [NOMINAL], faults: [fault] });
  const m = createMonitor();
  m.setSetpoints(rig.initialSetpoints, 0);
  while (rig.nextTS <= toS + 1e-9) {
    const s = rig.next();
    m.step(s);
    each(m, s.tS);
  }
  return m;
}

describe("monitor: re-seating a twin after a flow fault", () => {
  it("after a flow-meter blockage, moves twin (b) onto twin (a) once the flow is quiet", () => {
    const gap: [number, number][] = [];
    const resA: [number, number][] = [];
    const raised = new Set<string>();
    run("flow_blockage:start=30,end=45", 90, (m, tS) => {
      for (const a of m.openAlarms()) raised.add(a.cause);
      const tw = twinsOf(m);
      gap.push([tS, Math.abs(tw.twinB.tHotC - tw.generator.twin.tHotC)]);
      resA.push([tS, m.output.resTHotK]);
    });
    const at = (t: number) => gap.find(([tS]) => Math.abs(tS - t) < 1e-6)?.[1] as number;
    // The blockage drove twin (b) off; a re-seat makes the two equal at one sample.
    expect(at(45)).toBeGreaterThan(0.3);
    // Once: the smoothed residuals the test reads are (a)'s from then on, so it does not repeat
    // (the twins then part by the difference of their flows, intended and measured).
    const reseats = gap.filter(([tS, d]) => tS > 45 && d === 0).map(([tS]) => tS);
    expect(reseats).toHaveLength(1);
    expect(reseats[0]).toBeGreaterThan(50);
    expect(at(90)).toBeLessThan(0.05);
    // Only the flow family alarmed: each temperature family watched the twin that was right
    // about the flow, (a) on both thermistors.
    expect([...raised]).toEqual(["flow"]);
    // Twin (a) was not moved: it kept fitting the rig throughout.
    expect(Math.max(...resA.filter(([tS]) => tS > 10).map(([, r]) => Math.abs(r)))).toBeLessThan(0.25);
  });

  it("after a pump failure, moves twin (a) onto twin (b) once the flow is quiet", () => {
    const gap: [number, number][] = [];
    run("pump_failure:start=30,end=45", 90, (m, tS) => {
      const tw = twinsOf(m);
      gap.push([tS, Math.abs(tw.twinB.tHotC - tw.generator.twin.tHotC)]);
    });
    const at = (t: number) => gap.find(([tS]) => Math.abs(tS - t) < 1e-6)?.[1] as number;
    expect(at(45)).toBeGreaterThan(0.3);
    const reseats = gap.filter(([tS, d]) => tS > 45 && d === 0).map(([tS]) => tS);
    expect(reseats).toHaveLength(1);
    expect(reseats[0]).toBeGreaterThan(50);
    expect(at(90)).toBeLessThan(0.05);
  });
});
