/**
 * The ambient probe's alarm (the monitor's `t_amb` family, src/detect/monitor/ambientProbeChecks.ts):
 * out of range, stuck and erratic readings of the probe, on hand-fed readings and on the seeded
 * emulated rig with the fault injected on `channel=amb`; a rig without the probe raises nothing.
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";
import { AmbientProbeChecks } from "../../src/detect/monitor/ambientProbeChecks.js";
import { createMonitor } from "../../src/detect/monitor/monitor.js";
import { resolveMonitorConfig } from "../../src/detect/monitor/monitorConfig.js";
import { SampleValues } from "../../src/detect/monitor/sampleValues.js";
import { DEFAULT_THERMISTOR } from "../../src/model/thermistor.js";

const NOISE_K = 0.05;

/** The checks with the default detector options, and a way to feed them one reading. */
class Probe {
  readonly v = new SampleValues();
  readonly c = new AmbientProbeChecks(
    resolveMonitorConfig({}).detectors,
    NOISE_K,
    DEFAULT_THERMISTOR,
    this.v,
  );

  update(tS: number, tempC: number, adcCounts: number): void {
    this.v.tS = tS;
    this.v.tAmbC = tempC;
    this.v.adcAmb = adcCounts;
    this.c.update();
  }

  private readonly out = new Float64Array(1);

  get score(): number {
    this.c.scoreInto(this.out, 0);
    return this.out[0] as number;
  }

  get rangeClass(): string {
    return this.c.rangeClass;
  }
}

/** Default options: flatline 5 s, out of range 3 of the last 5 samples, erratic window 20. */
function checks(): Probe {
  return new Probe();
}

/** A reading near 25 C with seeded noise of NOISE_K (Box-Muller on a linear congruential stream). */
function noisyReadings(n: number, seed: number, sigmaK = NOISE_K): number[] {
  let x = seed >>> 0;
  const u = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x + 0.5) / 4294967296;
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push(25 + sigmaK * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  return out;
}

/** Feeds readings at 10 Hz from t0S with live counts. */
function feed(c: Probe, readings: readonly number[], t0S = 0): void {
  for (let i = 0; i < readings.length; i++) c.update(t0S + i / 10, readings[i] as number, 2000);
}

describe("AmbientProbeChecks on hand-fed readings (10 Hz)", () => {
  it("a live, noisy reading scores below 1", () => {
    const c = checks();
    feed(c, noisyReadings(3000, 7));
    expect(c.score).toBeLessThan(1);
  });

  it("stuck: a reading unchanged for 5 s reaches 1 exactly then (flatlineS)", () => {
    const c = checks();
    for (let i = 0; i <= 40; i++) c.update(i / 10, 24.5, 2000);
    expect(c.score).toBeCloseTo(4 / 5, 12);
    for (let i = 41; i <= 50; i++) c.update(i / 10, 24.5, 2000);
    expect(c.score).toBeCloseTo(1, 12);
  });

  it("out of range: open counts on 3 of the last 5 samples (outOfRangeK of outOfRangeN)", () => {
    const c = checks();
    feed(c, noisyReadings(10, 3));
    c.update(1.0, Number.NaN, 4095);
    c.update(1.1, Number.NaN, 4095);
    expect(c.score).toBeLessThan(1);
    c.update(1.2, Number.NaN, 4095);
    expect(c.score).toBeGreaterThanOrEqual(1);
    expect(c.rangeClass).toBe("open");
  });

  it("erratic: noise of 10x the sensor's within the 20-sample window", () => {
    const c = checks();
    feed(c, noisyReadings(200, 5));
    expect(c.score).toBeLessThan(1);
    feed(c, noisyReadings(20, 9, 10 * NOISE_K), 20);
    expect(c.score).toBeGreaterThanOrEqual(1);
  });

  it("no counts (no probe: TLM's empty adc_amb is -1; a file without the column is NaN) is no data", () => {
    const c = checks();
    for (let i = 0; i < 100; i++) c.update(i / 10, Number.NaN, i % 2 === 0 ? -1 : Number.NaN);
    expect(c.score).toBe(0);
  });
});

describe("the monitor's t_amb family on the emulated rig", () => {
  function run(faults: string[], seed: number, toS: number, hasAmbientProbe = true): AlarmEvent[] {
    const rig = new EmulatedRig({
      seed,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
      faults,
      hasAmbientProbe,
    });
    const monitor = createMonitor({ hasAmbientProbe });
    monitor.setSetpoints(rig.initialSetpoints, 0);
    const events: AlarmEvent[] = [];
    while (rig.nextTS <= toS + 1e-9)
      events.push(...monitor.step(rig.next((sp, t) => monitor.setSetpoints(sp, t))));
    return events;
  }

  it.each([
    ["sensor_stuck", 5.5, /T_amb reading unchanged at .* for 5\.\d s \(stuck\)/],
    ["sensor_open", 0.5, /T_amb thermistor reads open/],
    ["sensor_short", 0.5, /T_amb thermistor reads short/],
    ["sensor_noise:value=0.5", 2.1, /T_amb erratic: sample-to-sample noise/],
  ])(
    "%s on the probe: an ambient probe fault (warning) within %s s, and nothing else",
    (fault, withinS, evidence) => {
      for (const seed of [1, 2]) {
        const events = run([`${fault}${fault.includes(":") ? "," : ":"}channel=amb,start=60`], seed, 120);
        const raised = events.filter((e) => e.type === "raised");
        expect(raised.map((e) => e.cause)).toEqual(["t_amb"]);
        const e = raised[0] as AlarmEvent;
        expect(e.tS).toBeGreaterThanOrEqual(60);
        expect(e.tS - 60).toBeLessThanOrEqual(withinS);
        expect(e.severity).toBe("warning");
        expect(e.diagnosis).toBe("ambient probe fault");
        const last = events.filter((x) => x.cause === "t_amb").at(-1) as AlarmEvent;
        expect(last.evidence.join("\n")).toMatch(evidence);
      }
    },
  );

  it("nominal runs and a rig without the probe raise nothing", () => {
    for (const seed of [1, 2, 3]) expect(run([], seed, 600).filter((e) => e.type === "raised")).toEqual([]);
    expect(run([], 1, 120, false)).toEqual([]);
  });
});
