/**
 * The monitor (src/detect/monitor/monitor.ts) against scripted sample streams from the seeded emulated
 * rig: the plant simulator read through the host's telemetry conversion. Every run is seeded and
 * reproducible; nothing is timed.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { EmulatedRig, type SetpointStep } from "../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../src/detect/monitor/monitor.js";
import type { Monitor } from "../../src/detect/monitor/monitorTypes.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { copyRigSample, createRigSample, type RigSample } from "../../src/model/rigSample.js";
import { loopSteadyState } from "../../src/model/steadyState.js";

const NOMINAL: SetpointStep = { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

interface Run {
  readonly rig: EmulatedRig;
  readonly monitor: ResidualMonitor;
  readonly events: AlarmEvent[];
}

function start(options: { setpoints?: SetpointStep[]; faults?: string[]; seed?: number } = {}): Run {
  const rig = new EmulatedRig({
    seed: options.seed ?? 1,
    setpoints: options.setpoints ?? [NOMINAL],
    faults: options.faults ?? [],
  });
  const monitor = createMonitor();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  return { rig, monitor, events: [] };
}

/** Steps the rig and the monitor up to rig time `toS` (setpoint changes reach the monitor in time). */
function runTo(r: Run, toS: number, each?: (s: RigSample) => void): void {
  while (r.rig.nextTS <= toS + 1e-9) {
    const s = r.rig.next((sp, tS) => r.monitor.setSetpoints(sp, tS));
    each?.(s);
    for (const e of r.monitor.step(s)) r.events.push(e);
  }
}

const raised = (events: readonly AlarmEvent[]) => events.filter((e) => e.type === "raised");

describe("monitor: nominal operation", () => {
  it("raises nothing through pump, heater and fan setpoint steps, and the twin tracks the rig", () => {
    const r = start({
      setpoints: [
        NOMINAL,
        { tS: 300, pumpDuty: 130, heaterDuty: 255, fanDuty: 255 },
        { tS: 600, pumpDuty: 130, heaterDuty: 90, fanDuty: 255 },
        { tS: 900, pumpDuty: 250, heaterDuty: 90, fanDuty: 160 },
        { tS: 1200, pumpDuty: 250, heaterDuty: 200, fanDuty: 160 },
      ],
    });
    let worstT = 0;
    let worstFlow = 0;
    let worstPred = 0;
    runTo(r, 1500, (s) => {
      const o = r.monitor.output;
      if (s.tS < 3) return;
      worstT = Math.max(worstT, Math.abs(o.resTHotK), Math.abs(o.resTColdK));
      if (Number.isFinite(o.resFlowLpm)) worstFlow = Math.max(worstFlow, Math.abs(o.resFlowLpm));
      worstPred = Math.max(worstPred, Math.abs(r.monitor.output.predTHotC - r.rig.truth.tHotC));
    });
    expect(raised(r.events)).toEqual([]);
    // Residuals stay within the sensor's noise (0.05 K rms: 4.5 sigma) and one pulse of the meter.
    expect(worstT).toBeLessThan(0.25);
    expect(worstFlow).toBeLessThan(0.15);
    // The twin follows the true hot-node temperature to the alignment's precision.
    expect(worstPred).toBeLessThan(0.05);
    expect(r.monitor.output.anomaly).toBe(false);
    expect(r.monitor.output.diagnosis).toBe("");
    expect(r.monitor.output.score).toBeLessThan(1);
  });

  it("reports bands, tracked parameters near 1 and loop figures against the analytic steady state", () => {
    const r = start();
    runTo(r, 600);
    const o = r.monitor.output;
    const cfg = r.monitor.config.detectors;
    expect(o.bandTHotK).toBe(cfg.temperatureBandK);
    expect(o.bandTColdK).toBe(cfg.temperatureBandK);
    expect(o.bandFlowLpm).toBe(cfg.flowBandLpm);
    expect(Math.abs(o.uaRatio - 1)).toBeLessThan(0.05);
    expect(Math.abs(o.pumpRatio - 1)).toBeLessThan(0.03);
    expect(o.uaRatioSigma).toBeGreaterThan(0);
    const p = DEFAULT_LOOP_PARAMS;
    const op = setOperatingPointFromDuties(p, 200, 255, 255, p.T_amb, createOperatingPoint(p));
    const ss = loopSteadyState(p, op);
    if (!ss.ok) throw new Error(ss.error);
    const qTransportW = op.mDotKgS * p.cp * (ss.value.tHotC - ss.value.tColdC);
    const f = r.monitor.performance();
    // Heat carried by the fluid: m_dot cp (T_hot - T_cold); the meter's flow is exact to a pulse.
    expect(f.heatDeliveredW).toBeGreaterThan(qTransportW * 0.95);
    expect(f.heatDeliveredW).toBeLessThan(qTransportW * 1.05);
    // Radiator effectiveness (T_hot - T_cold) / (T_hot - T_sink) at the steady state.
    const eff = (ss.value.tHotC - ss.value.tColdC) / (ss.value.tHotC - p.T_sink);
    expect(f.hxEffectiveness).toBeGreaterThan(eff * 0.9);
    expect(f.hxEffectiveness).toBeLessThan(eff * 1.1);
    // Twin fit: residual RMS about the thermistor noise (0.05 K plus quantisation).
    expect(f.rmseTHotK).toBeGreaterThan(0.03);
    expect(f.rmseTHotK).toBeLessThan(0.08);
    expect(f.rmseFlowLpm).toBeLessThan(0.1);
    // The rig starts at the steady state of its setpoints and nothing changes: block means of a
    // 0.05 K sensor give a window slope far below the 0.002 K/s that separates steady.
    expect(f.stability).toBe("steady");
  });

  it("is deterministic: the same seed gives the same outputs, another seed other noise", () => {
    const run = (seed: number) => {
      const r = start({ faults: ["pump_degradation:start=60,severity=0.3"], seed });
      const score: number[] = [];
      const resTHotK: number[] = [];
      runTo(r, 90, (s) => {
        if (s.tS < 3) return; // past the 2 s alignment
        score.push(r.monitor.output.score);
        resTHotK.push(r.monitor.output.resTHotK);
      });
      return { score, resTHotK };
    };
    const a = run(9);
    expect(run(9)).toEqual(a);
    // Outputs that say something: finite, noisy, and the fault shows in the score (a 30 % weaker
    // pump leaves the flow ~1.2 L/min below the twin, four times the 0.3 L/min band).
    expect(a.score.length).toBeGreaterThan(800);
    expect([...a.score, ...a.resTHotK].every(Number.isFinite)).toBe(true);
    expect(new Set(a.resTHotK).size).toBeGreaterThan(100);
    expect(Math.max(...a.score.slice(0, 500))).toBeLessThan(1);
    expect(Math.max(...a.score.slice(-100))).toBeGreaterThan(1);
    expect(run(10).resTHotK).not.toEqual(a.resTHotK);
  });
});

describe("monitor: faults", () => {
  it("a pump failure is an alarm within 2 s, diagnosed as a pump failure (critical) by 2 s", () => {
    const r = start({ faults: ["pump_failure:start=60"] });
    let diagnosedAt = Number.NaN;
    runTo(r, 80, (s) => {
      if (Number.isNaN(diagnosedAt) && r.monitor.output.diagnosis === "pump failure") diagnosedAt = s.tS;
    });
    const first = raised(r.events)[0];
    expect(first?.cause).toBe("flow");
    expect(first?.tS).toBeGreaterThanOrEqual(60);
    expect(first?.tS).toBeLessThanOrEqual(62);
    expect(diagnosedAt - 60).toBeLessThanOrEqual(2);
    const open = r.monitor.openAlarms();
    expect(open[0]?.diagnosis).toBe("pump failure");
    expect(open[0]?.severity).toBe("critical");
    expect(open[0]?.evidence.join("; ")).toMatch(/flow .*L\/min/);
    // Only the flow family alarmed: the twin on the measured flow explains the temperatures.
    expect(new Set(raised(r.events).map((e) => e.cause))).toEqual(new Set(["flow"]));
  });

  it("a flow-meter blockage is a flow sensor fault, never a pump diagnosis", () => {
    const r = start({ faults: ["flow_blockage:start=60"] });
    const shown = new Set<string>();
    runTo(r, 120, () => shown.add(r.monitor.output.diagnosis));
    expect(raised(r.events)[0]?.tS).toBeLessThanOrEqual(65);
    expect(r.monitor.output.diagnosis).toBe("flow sensor fault");
    expect(shown.has("pump failure")).toBe(false);
    expect(shown.has("pump degradation")).toBe(false);
  });

  it("HX fouling carries the estimated UA change in its evidence", () => {
    const r = start({ faults: ["hx_fouling:start=30,ramp=150,severity=0.4"] });
    runTo(r, 400);
    const a = r.monitor.openAlarms().find((x) => x.cause === "loop");
    expect(a?.diagnosis).toBe("HX fouling");
    const ua = a?.evidence.find((e) => e.startsWith("UA "));
    expect(ua).toMatch(/^UA -\d+ % \+\/- \d+ %$/);
    // The plant's UA is at 60 % of nominal: the estimate says so within its uncertainty.
    const m = /^UA -(\d+) % \+\/- (\d+) %$/.exec(ua ?? "");
    expect(Number(m?.[1])).toBeGreaterThan(25);
    expect(Number(m?.[1])).toBeLessThan(55);
  });

  it("an open thermistor from the first sample is a T_hot sensor fault; NaN flow at the start is no alarm", () => {
    const r = start({ faults: ["sensor_open:channel=hot"] });
    runTo(r, 10);
    expect(raised(r.events).map((e) => [e.cause, e.diagnosis])).toEqual([["t_hot", "T_hot sensor fault"]]);
    expect(r.monitor.openAlarms()[0]?.evidence[0]).toBe("T_hot thermistor reads open (rail high)");
    expect(raised(r.events)[0]?.tS).toBeLessThan(0.5);
  });

  it("a stuck thermistor at a steady state is found by its frozen reading", () => {
    const r = start({ faults: ["sensor_stuck:start=30,channel=cold"] });
    runTo(r, 60);
    const a = raised(r.events);
    expect(a.map((e) => e.cause)).toEqual(["t_cold"]);
    expect(a[0]?.tS).toBeLessThan(30 + 6);
    expect(r.monitor.openAlarms()[0]?.evidence.join("; ")).toMatch(
      /T_cold reading unchanged at .* \(stuck\)/,
    );
  });
});

describe("monitor: gaps, device overrides, acknowledgement", () => {
  it("a gap is predicted through and raises nothing, even when the device went SAFE during it", () => {
    const r = start();
    runTo(r, 120);
    // The link drops for 8 s; after 3 s the device goes SAFE (heater off, pump and fan full).
    const plant = r.rig.plant;
    const gapFrom = r.rig.nextTS;
    let t = gapFrom;
    while (r.rig.nextTS < gapFrom + 8) {
      t = r.rig.nextTS;
      if (Math.abs(t - (gapFrom + 3)) < 1e-9) plant.setInputs(255, 0, 255, DEFAULT_LOOP_PARAMS.T_amb);
      r.rig.next();
    }
    r.monitor.markGap(gapFrom, r.rig.nextTS);
    // Back: the source reports the override, the monitor follows the applied duties.
    r.monitor.followApplied(true);
    runTo(r, 160);
    // The operator sends the setpoints again.
    plant.setInputs(200, 255, 255, DEFAULT_LOOP_PARAMS.T_amb);
    r.monitor.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, r.rig.nextTS - 0.1);
    runTo(r, 300);
    expect(raised(r.events)).toEqual([]);
    expect(r.monitor.observer.resyncs).toBe(1);
    expect(t).toBeGreaterThan(gapFrom);
  });

  it("followApplied: a device override is not an anomaly when followed, and is one when not", () => {
    const override = (follow: boolean): AlarmEvent[] => {
      const r = start({ seed: 4 });
      runTo(r, 60);
      // The device drops the pump to 100 on its own (e.g. an expired hold reverting a duty).
      r.rig.plant.setDuty("pump", 100);
      if (follow) r.monitor.followApplied(true);
      runTo(r, 120);
      return raised(r.events);
    };
    expect(override(true)).toEqual([]);
    const unfollowed = override(false);
    expect(unfollowed[0]?.cause).toBe("flow");
  });

  it("a pump restarting on a hot loop (the interlock's SAFE) is no sensor alarm", () => {
    const r = start({ seed: 8 });
    runTo(r, 30);
    // The pump stops (an injection the twin does not see) and the hot side climbs for 5 minutes.
    r.rig.plant.setDuty("pump", 0);
    runTo(r, 330);
    // The device trips: heater off, pump and fan full; temperatures move by K per second.
    r.rig.plant.setInputs(255, 0, 255, DEFAULT_LOOP_PARAMS.T_amb);
    r.monitor.followApplied(true);
    let fastest = 0;
    let last = Number.NaN;
    runTo(r, 420, (s) => {
      if (Number.isFinite(last)) fastest = Math.max(fastest, Math.abs(s.tHotC - last));
      last = s.tHotC;
    });
    expect(fastest).toBeGreaterThan(0.3);
    expect(raised(r.events).map((e) => e.cause)).toEqual(["flow"]);
  });

  it("setSetpoints ends following; the twin takes the setpoint from its rig time", () => {
    const r = start();
    runTo(r, 30);
    r.monitor.followApplied(true);
    expect(r.monitor.followingApplied).toBe(true);
    r.monitor.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, 30);
    expect(r.monitor.followingApplied).toBe(false);
    expect(() => r.monitor.setSetpoints({ pumpDuty: 300, heaterDuty: 0, fanDuty: 0 }, 31)).toThrow(
      /setpoints.pumpDuty/,
    );
  });

  it("a pump failure latches until acknowledged; acknowledge then clears it", () => {
    const r = start({ faults: ["pump_failure:start=30,end=45"] });
    runTo(r, 80);
    const open = r.monitor.openAlarms();
    expect(open).toHaveLength(1);
    expect(open[0]?.conditionActive).toBe(false);
    expect(r.monitor.output.anomaly).toBe(false);
    // Latched with its condition gone: the acknowledgement clears it, and both events come back
    // (the cleared one is recorded and published like any other).
    const ack = r.monitor.acknowledge(80.05);
    expect(ack.map((e) => `${e.type} ${e.cause} ${e.tS}`)).toEqual([
      "acknowledged flow 80.05",
      "cleared flow 80.05",
    ]);
    expect(r.monitor.openAlarms()).toEqual([]);
    expect(r.monitor.acknowledge(80.1)).toEqual([]);
    // The twin was re-seated on the measured-flow twin once the flow was back: no loop alarm after.
    expect(raised(r.events).map((e) => e.cause)).toEqual(["flow"]);
  });

  it("a warning clears by itself once the condition is gone (a sensor bias removed)", () => {
    const r = start({ faults: ["sensor_bias:start=30,end=60,value=1.5,channel=hot"] });
    runTo(r, 90);
    const types = r.events.map((e) => `${e.type}:${e.cause}`);
    expect(types).toEqual(["raised:t_hot", "cleared:t_hot"]);
    expect(r.events[0]?.severity).toBe("warning");
  });

  it("skips samples without a finite rig time and counts them", () => {
    const m = createMonitor();
    const s = createRigSample();
    s.tS = Number.NaN;
    expect(m.step(s)).toEqual([]);
    expect(m.badSamples).toBe(1);
  });

  it("implements the contract the dashboard and the HIL runner code against", () => {
    const m: Monitor = createMonitor();
    const r = start();
    const s = createRigSample();
    for (let i = 0; i < 30; i++) {
      copyRigSample(r.rig.next(), s);
      const events = m.step(s);
      expect(Array.isArray(events)).toBe(true);
    }
    expect(m.output.tS).toBeCloseTo(2.9, 9);
    expect(m.openAlarms()).toEqual([]);
    expect(m.acknowledge(3)).toEqual([]);
    expect(Object.keys(m.performance()).sort()).toEqual(
      [
        "heatDeliveredW",
        "heatRejectedW",
        "hxEffectiveness",
        "thermalResistanceKPerW",
        "timeConstantS",
        "stability",
        "rmseTHotK",
        "rmseTColdK",
        "rmseFlowLpm",
      ].sort(),
    );
  });
});

describe("monitor: configuration", () => {
  it("validates every field, naming it", () => {
    const field = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        if (e instanceof ConfigError) return e.field;
        throw e;
      }
      return undefined;
    };
    expect(field(() => createMonitor({ detectors: { flowBandLpm: -1 } }))).toBe("detectors.flowBandLpm");
    expect(field(() => createMonitor({ params: { UA: -1 } }))).toBe("params.UA");
    expect(field(() => createMonitor({ alarm: { clearLevel: 2 } }))).toBe("alarm.clearLevel");
    expect(field(() => createMonitor({ rateHz: 0 }))).toBe("rateHz");
    expect(field(() => createMonitor({ detectors: { outOfRangeK: 9, outOfRangeN: 5 } }))).toBe(
      "detectors.outOfRangeK",
    );
    expect(field(() => createMonitor({ detectors: { primary: { kind: "cusum", h: 0 } } }))).toBe(
      "detectors.primary.cusum.h",
    );
    expect(field(() => createMonitor({ bogus: 1 } as never))).toBe("bogus");
    expect(field(() => createMonitor({ detectors: { bogus: 1 } as never }))).toBe("detectors.bogus");
  });

  it("takes the HIL runner's factory context and a rig config's parameters", () => {
    const m = createMonitor({
      params: { ...DEFAULT_LOOP_PARAMS, UA: 12 },
      hasAmbientProbe: false,
      rateHz: 20,
      seed: 3,
    });
    expect(m.config.params.UA).toBe(12);
    expect(m.config.rateHz).toBe(20);
  });

  it("runs with any primary detector kind (a CUSUM here) and still finds a pump failure", () => {
    const rig = new EmulatedRig({ seed: 2, setpoints: [NOMINAL], faults: ["pump_failure:start=40"] });
    const m = createMonitor({ detectors: { primary: { kind: "cusum", k: 0.5, h: 5, sigma: 0.2 } } });
    m.setSetpoints(rig.initialSetpoints, 0);
    const events: AlarmEvent[] = [];
    while (rig.nextTS <= 50) for (const e of m.step(rig.next())) events.push(e);
    expect(raised(events)[0]?.cause).toBe("flow");
    expect(raised(events)[0]?.tS).toBeGreaterThanOrEqual(40);
  });
});
