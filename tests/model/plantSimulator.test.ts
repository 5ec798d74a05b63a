import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { kgSToLpm } from "../../src/core/units.js";
import { Dopri5 } from "../../src/model/dopri5.js";
import { type FaultSpec, faultLevel, parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  applyPhysicalFaults,
  createOperatingPoint,
  loopDerivatives,
  setOperatingPointFromDuties,
} from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams } from "../../src/model/loopParams.js";
import type { OdeRhs } from "../../src/model/ode.js";
import {
  createPlantSample,
  faultBit,
  faultKindsOfMask,
  faultLabel,
  type PlantSample,
  PlantSimulator,
} from "../../src/model/plantSimulator.js";
import { CountsToTempC, countsFromTempC, DEFAULT_THERMISTOR } from "../../src/model/thermistor.js";
import { LoopTwin } from "../../src/model/twin.js";
import { exactLinear2, type Linear2 } from "./linearReference.js";

const P = DEFAULT_LOOP_PARAMS;

/** The loop at fixed duties and ambient as dT/dt = A T + b, written out from docs/design.md 2.2. */
function affineSystemAt(duties: [number, number, number], tAmbC: number): Linear2 {
  const op = setOperatingPointFromDuties(P, ...duties, tAmbC, createOperatingPoint(P));
  const g = op.mDotKgS * P.cp;
  return {
    a11: -(g + P.UA_loss) / P.C_hot,
    a12: g / P.C_hot,
    a21: g / P.C_cold,
    a22: -(g + op.uaWK + P.UA_loss) / P.C_cold,
    b1: (op.qInW + P.UA_loss * op.tAmbC) / P.C_hot,
    b2: (op.uaWK * op.tSinkC + P.UA_loss * op.tAmbC) / P.C_cold,
  };
}

/** Independent reference: Dopri5 at a tight tolerance with the faults evaluated at every stage time. */
function reference(
  params: LoopParams,
  faults: FaultSpec[],
  duties: [number, number, number],
  tEndS: number,
): [number, number] {
  const nominal = setOperatingPointFromDuties(params, ...duties, params.T_amb, createOperatingPoint(params));
  const op = createOperatingPoint(params);
  // Fault levels are taken just inside the current segment, so a stage at a boundary sees the
  // segment's own level (the shift of 1e-9 s changes nothing measurable).
  let segment = [0, 0];
  const rhs: OdeRhs = (t, y, d) => {
    Object.assign(op, nominal);
    applyPhysicalFaults(op, faults, Math.min(Math.max(t, segment[0]! + 1e-9), segment[1]! - 1e-9));
    loopDerivatives(params, op, y[0]!, y[1]!, d);
  };
  const y = Float64Array.of(params.T_hot0, params.T_cold0);
  const solver = new Dopri5(2, rhs, { rtol: 1e-12, atol: 1e-12 });
  // Stop at every fault boundary, as the reference must not step across them either.
  const cuts = new Set<number>([tEndS]);
  for (const f of faults)
    for (const c of [f.startS, f.startS + f.rampS, f.endS]) if (c > 0 && c < tEndS) cuts.add(c);
  let t = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    segment = [t, c];
    solver.integrate(t, y, c);
    t = c;
  }
  return [y[0]!, y[1]!];
}

function plantWith(
  faults: string[],
  options: ConstructorParameters<typeof PlantSimulator>[0] = {},
): PlantSimulator {
  const plant = new PlantSimulator(options);
  plant.setInputs(200, 255, 255, 25);
  for (const f of faults) plant.addFault(parseFaultSpec(f));
  return plant;
}

describe("PlantSimulator physics", () => {
  const FAULTS = [
    "pump_degradation:start=300,severity=0.6,ramp=120,end=1500",
    "hx_fouling:start=900,ramp=600,severity=0.5",
    "heater_overpower:start=2000,severity=0.3",
  ];

  it.each(["rk4", "dopri5"] as const)(
    "matches an independent reference with ramped faults to 1e-6 K (%s)",
    (integrator) => {
      const plant = plantWith(FAULTS, { integrator });
      const faults = FAULTS.map((f) => parseFaultSpec(f));
      for (const tEnd of [250, 420, 1000, 1600, 3600]) {
        plant.advanceTo(tEnd);
        const ref = reference(P, faults, [200, 255, 255], tEnd);
        expect(Math.abs(plant.tHotC - ref[0])).toBeLessThan(1e-6);
        expect(Math.abs(plant.tColdC - ref[1])).toBeLessThan(1e-6);
      }
    },
  );

  it("gives the same state for one coarse advance as for many small ones", () => {
    const coarse = plantWith(FAULTS);
    const fine = plantWith(FAULTS);
    coarse.advanceTo(3600);
    for (let k = 1; k <= 36_000; k++) fine.advanceTo(k * 0.1);
    expect(Math.abs(coarse.tHotC - fine.tHotC)).toBeLessThan(1e-6);
    expect(Math.abs(coarse.tColdC - fine.tColdC)).toBeLessThan(1e-6);
  });

  it("reports the faulted operating point as the truth", () => {
    const plant = plantWith(["pump_failure:start=10,ramp=10", "heater_overpower:start=0,severity=0.5"]);
    const s = createPlantSample();
    plant.advanceTo(15);
    plant.sample(s);
    const nominal = setOperatingPointFromDuties(P, 200, 255, 255, 25, createOperatingPoint(P));
    expect(s.mDotKgS).toBeCloseTo(nominal.mDotKgS * 0.5, 12);
    expect(s.flowLpm).toBeCloseTo(kgSToLpm(s.mDotKgS), 12);
    expect(s.qInW).toBeCloseTo(225, 10);
    expect(s.pumpDuty).toBe(200);
    plant.advanceTo(30);
    plant.sample(s);
    expect(s.mDotKgS).toBe(0);
  });
});

describe("PlantSimulator sensors", () => {
  it("reads noise-free counts of the true temperatures through the thermistor chain", () => {
    const plant = plantWith([], { noiseKRms: 0 });
    plant.setState(47.3, 31.2);
    plant.setAmbientC(21.7);
    const s = plant.sample(createPlantSample());
    expect(s.adcHot).toBe(countsFromTempC(DEFAULT_THERMISTOR, 47.3));
    expect(s.adcCold).toBe(countsFromTempC(DEFAULT_THERMISTOR, 31.2));
    expect(s.adcAmb).toBe(countsFromTempC(DEFAULT_THERMISTOR, 21.7));
  });

  it("counts 7.5 pulses per second per L/min of the simulated flow, and none once the pump fails", () => {
    const plant = plantWith(["pump_failure:start=600"]);
    const s = createPlantSample();
    plant.advanceTo(600);
    plant.sample(s);
    const flowLpm = kgSToLpm(
      setOperatingPointFromDuties(P, 200, 255, 255, 25, createOperatingPoint(P)).mDotKgS,
    );
    expect(Math.abs(s.pulses - 7.5 * flowLpm * 600)).toBeLessThanOrEqual(1);
    const before = s.pulses;
    plant.advanceTo(1200);
    expect(plant.sample(s).pulses).toBe(before);
  });

  it("integrates the flow exactly through a ramp (pulses follow the ramped flow)", () => {
    const plant = plantWith(["pump_degradation:start=100,ramp=100,severity=1"]);
    plant.advanceTo(300);
    const flowLpm = kgSToLpm(
      setOperatingPointFromDuties(P, 200, 255, 255, 25, createOperatingPoint(P)).mDotKgS,
    );
    // Full flow for 100 s, then a linear ramp to zero over 100 s (area 50 s).
    expect(Math.abs(plant.sample(createPlantSample()).pulses - 7.5 * flowLpm * 150)).toBeLessThanOrEqual(1);
  });

  it("flow_blockage lowers the pulses but not the true flow", () => {
    const plant = plantWith(["flow_blockage:severity=0.5"]);
    plant.advanceTo(100);
    const s = plant.sample(createPlantSample());
    const clean = plantWith([]);
    clean.advanceTo(100);
    const c = clean.sample(createPlantSample());
    expect(s.mDotKgS).toBe(c.mDotKgS);
    expect(Math.abs(s.pulses - c.pulses / 2)).toBeLessThanOrEqual(1);
  });

  it("applies sensor faults to their channel only", () => {
    const plant = plantWith(["sensor_short:channel=cold,start=5", "sensor_open:channel=amb"], {
      noiseKRms: 0,
    });
    const s = createPlantSample();
    plant.sample(s);
    expect(s.adcAmb).toBe(4092);
    expect(s.adcCold).toBe(countsFromTempC(DEFAULT_THERMISTOR, 25));
    plant.advanceTo(5);
    plant.sample(s);
    expect(s.adcCold).toBe(0);
    expect(s.adcHot).toBe(countsFromTempC(DEFAULT_THERMISTOR, plant.tHotC));
  });

  it("reports -1 for the ambient counts without an ambient probe and refuses an ambient fault then", () => {
    const plant = new PlantSimulator({ hasAmbientProbe: false });
    expect(plant.sample(createPlantSample()).adcAmb).toBe(-1);
    expect(() => plant.addFault(parseFaultSpec("sensor_bias:channel=amb,value=1"))).toThrow(
      /no ambient probe/,
    );
  });

  it("is reproducible from its seed, and different seeds give different noise", () => {
    const run = (seed: number): number[] => {
      const plant = plantWith(["sensor_noise:channel=hot,value=0.5,start=20"], { seed });
      const s = createPlantSample();
      const out: number[] = [];
      for (let k = 0; k <= 100; k++) {
        plant.advanceTo(k * 0.5);
        plant.sample(s);
        out.push(s.adcHot, s.adcCold, s.adcAmb, s.pulses);
      }
      return out;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it("draws no random numbers when sampled without sensors", () => {
    const a = plantWith([], { seed: 5 });
    const b = plantWith([], { seed: 5 });
    const sa = createPlantSample();
    const sb = createPlantSample();
    b.advanceTo(0.5);
    b.sample(sb, false);
    for (const t of [1, 2, 3]) {
      a.advanceTo(t);
      b.advanceTo(t);
      expect(a.sample(sa).adcHot).toBe(b.sample(sb).adcHot);
      expect(sa.adcCold).toBe(sb.adcCold);
    }
  });
});

describe("PlantSimulator labels", () => {
  it("labels anomaly while a fault is active and a changepoint on its first sample", () => {
    const plant = plantWith([
      "hx_fouling:start=10,end=20,ramp=5",
      "sensor_bias:channel=hot,value=1,start=15",
    ]);
    const s = createPlantSample();
    const seen: { t: number; anomaly: number; changepoint: number; label: string }[] = [];
    for (let t = 0; t <= 30; t += 5) {
      plant.advanceTo(t);
      plant.sample(s);
      seen.push({ t, anomaly: s.anomaly, changepoint: s.changepoint, label: faultLabel(s.faultMask) });
    }
    expect(seen).toEqual([
      { t: 0, anomaly: 0, changepoint: 0, label: "" },
      { t: 5, anomaly: 0, changepoint: 0, label: "" },
      { t: 10, anomaly: 1, changepoint: 1, label: "hx_fouling" },
      { t: 15, anomaly: 1, changepoint: 1, label: "hx_fouling+sensor_bias" },
      { t: 20, anomaly: 1, changepoint: 0, label: "sensor_bias" },
      { t: 25, anomaly: 1, changepoint: 0, label: "sensor_bias" },
      { t: 30, anomaly: 1, changepoint: 0, label: "sensor_bias" },
    ]);
  });

  it("maps masks to kinds and back", () => {
    const mask = faultBit("pump_failure") | faultBit("flow_blockage");
    expect(faultKindsOfMask(mask)).toEqual(["pump_failure", "flow_blockage"]);
    expect(faultLabel(0)).toBe("");
  });

  it("clearFaults removes the physics, the sensor faults and the labels", () => {
    const plant = plantWith(["pump_failure", "sensor_open:channel=hot"], { noiseKRms: 0 });
    plant.clearFaults();
    const s: PlantSample = plant.sample(createPlantSample());
    expect(s.anomaly).toBe(0);
    expect(s.mDotKgS).toBeGreaterThan(0);
    expect(s.adcHot).toBe(countsFromTempC(DEFAULT_THERMISTOR, 25));
  });
});

describe("PlantSimulator misuse", () => {
  it("refuses link faults, duties out of range and going back in time", () => {
    const plant = new PlantSimulator();
    expect(() => plant.addFault(parseFaultSpec("link_drop:value=0.1"))).toThrow(ConfigError);
    expect(() => plant.setDuty("pump", 256)).toThrow(/pump: duty must be 0-255/);
    expect(() => plant.setDuty("heater", Number.NaN)).toThrow(RangeError);
    plant.advanceTo(10);
    expect(() => plant.advanceTo(9)).toThrow(/cannot go back/);
    expect(() => new PlantSimulator({ integrator: "euler" as "rk4" })).toThrow(/integrator/);
  });

  it("keeps its fault level helper consistent with faultSpec", () => {
    const f = parseFaultSpec("pump_degradation:start=10,ramp=10,severity=0.4");
    expect(faultLevel(f, 15)).toBeCloseTo(0.2, 12);
  });
});

describe("PlantSimulator: options, inputs and refusals (issue 19)", () => {
  const messageOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
  };
  const spec = (over: Partial<FaultSpec>): FaultSpec => ({
    kind: "sensor_bias",
    startS: 0,
    endS: Number.POSITIVE_INFINITY,
    rampS: 0,
    severity: 1,
    value: undefined,
    channel: undefined,
    ...over,
  });

  it("creates a sample with nothing measured yet: zero counts, no ambient probe, NaN temperatures", () => {
    expect(createPlantSample()).toEqual({
      tS: 0,
      adcHot: 0,
      adcCold: 0,
      adcAmb: -1,
      pulses: 0,
      tHotC: Number.NaN,
      tColdC: Number.NaN,
      tAmbC: Number.NaN,
      tSinkC: Number.NaN,
      mDotKgS: 0,
      flowLpm: 0,
      qInW: 0,
      uaWK: 0,
      pumpDuty: 0,
      heaterDuty: 0,
      fanDuty: 0,
      faultMask: 0,
      anomaly: 0,
      changepoint: 0,
    });
  });

  it("refuses a substepFraction outside (0, 1] with the whole message, and takes 1", () => {
    for (const f of [0, -0.5, 1.5, Number.NaN])
      expect(messageOf(() => new PlantSimulator({ substepFraction: f }))).toBe(
        `ConfigError: substepFraction: must be in (0, 1] (got ${f})`,
      );
    expect(messageOf(() => new PlantSimulator({ substepFraction: 1 }))).toBe("no error");
    expect(messageOf(() => new PlantSimulator({ integrator: "euler" as "rk4" }))).toBe(
      'ConfigError: integrator: must be "rk4" or "dopri5" (got "euler")',
    );
  });

  it("sets each duty on its own channel and reads it back", () => {
    const plant = new PlantSimulator();
    const duties = (): number[] => [plant.getDuty("pump"), plant.getDuty("heater"), plant.getDuty("fan")];
    expect(duties()).toEqual([0, 0, 0]);
    plant.setDuty("pump", 11);
    expect(duties()).toEqual([11, 0, 0]);
    plant.setDuty("heater", 22);
    expect(duties()).toEqual([11, 22, 0]);
    plant.setDuty("fan", 33);
    expect(duties()).toEqual([11, 22, 33]);
    const s = plant.sample(createPlantSample(), false);
    expect([s.pumpDuty, s.heaterDuty, s.fanDuty]).toEqual([11, 22, 33]);
    plant.setInputs(44, 55, 66, 20);
    expect(duties()).toEqual([44, 55, 66]);
  });

  it("refuses a duty out of range on each channel and a non-finite ambient, with the whole message", () => {
    const plant = new PlantSimulator();
    expect(messageOf(() => plant.setInputs(256, 0, 0, 25))).toBe(
      "RangeError: pump: duty must be 0-255 (got 256)",
    );
    expect(messageOf(() => plant.setInputs(0, -1, 0, 25))).toBe(
      "RangeError: heater: duty must be 0-255 (got -1)",
    );
    expect(messageOf(() => plant.setInputs(0, 0, Number.NaN, 25))).toBe(
      "RangeError: fan: duty must be 0-255 (got NaN)",
    );
    expect(messageOf(() => plant.setInputs(0, 0, 0, Number.NaN))).toBe(
      "RangeError: setInputs: tAmbC must be finite (got NaN)",
    );
    expect(messageOf(() => plant.setAmbientC(Number.POSITIVE_INFINITY))).toBe(
      "RangeError: setAmbientC: tAmbC must be finite (got Infinity)",
    );
    expect(messageOf(() => plant.setDuty("fan", 300))).toBe("RangeError: fan: duty must be 0-255 (got 300)");
    // Nothing was changed by a refused call.
    expect([plant.getDuty("pump"), plant.getDuty("heater"), plant.getDuty("fan")]).toEqual([0, 0, 0]);
    expect(plant.sample(createPlantSample(), false).tAmbC).toBe(25);
  });

  it("refuses every link fault by name, an unknown kind, and a sensor fault without a channel", () => {
    const plant = new PlantSimulator();
    for (const [text, kind] of [
      ["link_corrupt:value=0.01", "link_corrupt"],
      ["link_drop:start=5,value=0.1", "link_drop"],
      ["link_disconnect:start=5,end=9", "link_disconnect"],
      ["device_reboot:start=7", "device_reboot"],
    ] as const)
      expect(messageOf(() => plant.addFault(parseFaultSpec(text)))).toBe(
        `ConfigError: fault ${kind}: a link fault: the plant has no serial link (use looptwin emulate) (got "${text}")`,
      );
    expect(messageOf(() => plant.addFault(spec({ kind: "bogus" as FaultSpec["kind"] })))).toBe(
      'ConfigError: fault: unknown fault kind (got "bogus")',
    );
    expect(messageOf(() => plant.addFault(spec({ kind: "sensor_stuck" })))).toBe(
      "ConfigError: fault sensor_stuck.channel: a sensor fault needs a channel (hot, cold or amb)",
    );
    const noProbe = new PlantSimulator({ hasAmbientProbe: false });
    expect(messageOf(() => noProbe.addFault(spec({ kind: "sensor_open", channel: "amb" })))).toBe(
      'ConfigError: fault sensor_open.channel: this rig has no ambient probe (got "amb")',
    );
    // None of the refused faults was kept.
    expect(plant.faults).toEqual([]);
    expect(noProbe.faults).toEqual([]);
    expect(plant.sample(createPlantSample(), false).anomaly).toBe(0);
  });

  it("accepts every physical, sensor and flow-meter kind, keeps them in order, and labels each", () => {
    const texts = [
      "pump_degradation:start=1,severity=0.5",
      "pump_failure:start=2",
      "hx_fouling:start=3,severity=0.5",
      "heater_overpower:start=4,severity=0.5",
      "sensor_bias:start=5,value=1,channel=hot",
      "sensor_drift:start=6,value=0.01,channel=cold",
      "sensor_noise:start=7,value=0.1,channel=amb",
      "sensor_stuck:start=8,channel=hot",
      "sensor_open:start=9,channel=cold",
      "sensor_short:start=10,channel=amb",
      "flow_blockage:start=11,severity=0.5",
    ];
    const plant = new PlantSimulator({ noiseKRms: 0 });
    const specs = texts.map((t) => parseFaultSpec(t));
    for (const f of specs) plant.addFault(f);
    expect(plant.faults).toEqual(specs);
    const s = createPlantSample();
    for (let k = 1; k <= 11; k++) {
      plant.advanceTo(k);
      plant.sample(s);
      expect(faultLabel(s.faultMask)).toBe(
        specs
          .slice(0, k)
          .map((f) => f.kind)
          .join("+"),
      );
      expect(s.changepoint).toBe(1);
    }
    plant.clearFaults();
    expect(plant.faults).toEqual([]);
  });

  it("clears the faults of every sensor and of the flow meter", () => {
    const faulted = plantWith(
      ["sensor_short:channel=hot", "sensor_open:channel=cold", "sensor_short:channel=amb", "flow_blockage"],
      { noiseKRms: 0 },
    );
    faulted.clearFaults();
    faulted.advanceTo(60);
    const s = faulted.sample(createPlantSample());
    const clean = plantWith([], { noiseKRms: 0 });
    clean.advanceTo(60);
    const c = clean.sample(createPlantSample());
    expect([s.adcHot, s.adcCold, s.adcAmb]).toEqual([
      countsFromTempC(DEFAULT_THERMISTOR, c.tHotC),
      countsFromTempC(DEFAULT_THERMISTOR, c.tColdC),
      countsFromTempC(DEFAULT_THERMISTOR, 25),
    ]);
    // 7.5 Hz per L/min of the full flow for 60 s.
    expect(Math.abs(s.pulses - 7.5 * kgSToLpm(c.mDotKgS) * 60)).toBeLessThanOrEqual(1);
    expect([s.faultMask, s.anomaly]).toEqual([0, 0]);
  });

  it("samples the true operating point, duties and ambient at full duties (pump curve, heater and fan at 255)", () => {
    const plant = new PlantSimulator();
    plant.setInputs(255, 255, 255, 22);
    plant.setState(40, 30);
    const out = createPlantSample();
    out.adcHot = 1111;
    out.adcCold = 2222;
    out.adcAmb = 3333;
    plant.sample(out, false);
    // At duty 255: m_dot = m_dot_max, Q_in = Q_heater_max, UA_eff = UA; T_sink from the parameters.
    expect(out).toEqual({
      tS: 0,
      adcHot: 1111,
      adcCold: 2222,
      adcAmb: 3333,
      pulses: 0,
      tHotC: 40,
      tColdC: 30,
      tAmbC: 22,
      tSinkC: P.T_sink,
      mDotKgS: P.m_dot_max,
      flowLpm: kgSToLpm(P.m_dot_max),
      qInW: P.Q_heater_max,
      uaWK: P.UA,
      pumpDuty: 255,
      heaterDuty: 255,
      fanDuty: 255,
      faultMask: 0,
      anomaly: 0,
      changepoint: 0,
    });
  });

  it("says where it was and where it was asked to go when time would go back", () => {
    const plant = new PlantSimulator();
    plant.advanceTo(10);
    expect(messageOf(() => plant.advanceTo(9))).toBe(
      "RangeError: advanceTo: time cannot go back (from 10 s to 9 s)",
    );
    expect(messageOf(() => plant.advanceTo(Number.NaN))).toBe(
      "RangeError: advanceTo: time cannot go back (from 10 s to NaN s)",
    );
    // Staying at the same time is allowed and changes nothing.
    const before = [plant.tHotC, plant.tColdC, plant.tS];
    plant.advanceTo(10);
    expect([plant.tHotC, plant.tColdC, plant.tS]).toEqual(before);
  });

  it("uses seed 1 by default, and the seed, noise and dropout options reach every sensor", () => {
    const readings = (options: ConstructorParameters<typeof PlantSimulator>[0]): number[] => {
      const plant = new PlantSimulator(options);
      plant.setInputs(200, 255, 255, 25);
      const s = createPlantSample();
      const out: number[] = [];
      for (let k = 0; k < 20; k++) {
        plant.advanceTo(k);
        plant.sample(s);
        out.push(s.adcHot, s.adcCold, s.adcAmb);
      }
      return out;
    };
    expect(readings({})).toEqual(readings({ seed: 1 }));
    expect(readings({})).not.toEqual(readings({ seed: 2 }));
    // Every reading drops out at rate 1: all three channels read the rail.
    expect(new Set(readings({ dropoutRate: 1 }))).toEqual(new Set([4092]));
    // The default noise (0.05 K rms) moves some readings off the noise-free counts.
    expect(readings({})).not.toEqual(readings({ noiseKRms: 0 }));
  });

  it("reads each channel through its own thermistor and counts pulses with the given meter", () => {
    // A 5 k series resistor, a 20 k thermistor, a 47 k one: three different divider curves.
    const hot = { ...DEFAULT_THERMISTOR, seriesOhm: 5000 };
    const cold = { curve: { kind: "beta" as const, r25Ohm: 20_000, betaK: 3950 }, seriesOhm: 10_000 };
    const amb = { curve: { kind: "beta" as const, r25Ohm: 47_000, betaK: 4050 }, seriesOhm: 47_000 };
    const plant = new PlantSimulator({
      noiseKRms: 0,
      thermistors: { hot, cold, amb },
      flowMeter: { kHzPerLpm: 15 },
    });
    plant.setInputs(255, 255, 255, 21);
    plant.setState(50, 35);
    let s = plant.sample(createPlantSample());
    expect([s.adcHot, s.adcCold, s.adcAmb]).toEqual([
      countsFromTempC(hot, 50),
      countsFromTempC(cold, 35),
      countsFromTempC(amb, 21),
    ]);
    plant.advanceTo(100);
    s = plant.sample(createPlantSample());
    // 15 Hz per L/min at the full flow for 100 s.
    expect(Math.abs(s.pulses - 15 * kgSToLpm(P.m_dot_max) * 100)).toBeLessThanOrEqual(1);
  });
});

describe("PlantSimulator: the closed form through input changes (issue 19)", () => {
  /** The exact solution of the loop at a constant operating point (y' = A y + b, tests/model/linearReference.ts). */
  const exactAt = (
    duties: [number, number, number],
    tAmbC: number,
    y0: [number, number],
    dtS: number,
  ): [number, number] => {
    return exactLinear2(affineSystemAt(duties, tAmbC), y0, dtS);
  };

  it("follows it when the pump, the heater, the fan and the ambient change one at a time", () => {
    const plant = new PlantSimulator({ noiseKRms: 0 });
    plant.setState(60, 30);
    const steps: { change: (p: PlantSimulator) => void; duties: [number, number, number]; amb: number }[] = [
      { change: (p) => p.setInputs(200, 255, 255, 25), duties: [200, 255, 255], amb: 25 },
      { change: (p) => p.setDuty("pump", 120), duties: [120, 255, 255], amb: 25 },
      { change: (p) => p.setDuty("heater", 100), duties: [120, 100, 255], amb: 25 },
      { change: (p) => p.setDuty("fan", 60), duties: [120, 100, 60], amb: 25 },
      { change: (p) => p.setAmbientC(10), duties: [120, 100, 60], amb: 10 },
      { change: (p) => p.setInputs(255, 255, 255, 30), duties: [255, 255, 255], amb: 30 },
    ];
    let ref: [number, number] = [60, 30];
    let t = 0;
    for (const { change, duties, amb } of steps) {
      change(plant);
      t += 150;
      plant.advanceTo(t);
      ref = exactAt(duties, amb, ref, 150);
      // RK4 at 1/20 of the fastest time constant: local error 2.6e-9 of the transient per sub-step.
      expect(Math.abs(plant.tHotC - ref[0]), `t=${t}`).toBeLessThan(1e-6);
      expect(Math.abs(plant.tColdC - ref[1]), `t=${t}`).toBeLessThan(1e-6);
      expect(plant.tS).toBe(t);
    }
  });
});

describe("PlantSimulator: options that reach the integrators and the sensor noise (issue 19)", () => {
  it("steps RK4 at substepFraction of the fastest time constant: the closed form of RK4 on the decoupled nodes", () => {
    // Pump 0 (below the stall duty): no flow, the nodes decouple. Heater 0, fan 255, T_amb = T_sink
    // = 25 C: hot y' = -UA_loss/C_hot (y - 25) = -8e-5 (y - 25), cold y' = -(UA + UA_loss)/C_cold
    // (y - 25) = -0.0034 (y - 25) 1/s. With substepFraction 1 the sub-step bound is the cold time
    // constant 1/0.0034 s, so 1000 s take ceil(3.4) = 4 steps of h = 250 s, and RK4 on y' = l y
    // multiplies by R(l h) = 1 + z + z^2/2 + z^3/6 + z^4/24 per step (Hairer, Norsett & Wanner I,
    // sec. IV.2, the stability function of classic RK4).
    const R = (z: number): number => 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24;
    const plant = new PlantSimulator({ noiseKRms: 0, substepFraction: 1 });
    plant.setInputs(0, 0, 255, 25);
    plant.setState(65, 45);
    plant.advanceTo(1000);
    const hot = 25 + 40 * R(-8e-5 * 250) ** 4;
    const cold = 25 + 20 * R(-0.0034 * 250) ** 4;
    expect(Math.abs(plant.tHotC - hot)).toBeLessThan(1e-9);
    expect(Math.abs(plant.tColdC - cold)).toBeLessThan(1e-9);
    // That is 0.02 K off the exact exp(-3.4) decay: the default fraction (1/20) would be within 1e-8 K of it.
    expect(Math.abs(cold - (25 + 20 * Math.exp(-3.4)))).toBeGreaterThan(0.01);
  });

  it("sub-steps a ramp by the fraction of a fast time constant below 1 s (a small, fast loop)", () => {
    // C_hot = C_cold = 50 J/K at pump 200: g = m_dot cp is about 270 W/K, so the fastest time
    // constant is about 50/(2 x 270) = 0.09 s and RK4 steps of 1/20 of it (4.6 ms) are accurate;
    // a step of 0.05 s / 0.09 = 0.55 s (about 6 time constants) would be unstable for RK4.
    const params = { ...P, C_hot: 50, C_cold: 50 };
    const faults = ["pump_degradation:start=1,ramp=4,severity=0.5"];
    const plant = plantWith(faults, { params });
    plant.setState(60, 30);
    const fast = { ...params, T_hot0: 60, T_cold0: 30 };
    for (const tEnd of [3, 5, 6]) {
      plant.advanceTo(tEnd);
      const ref = reference(
        fast,
        faults.map((f) => parseFaultSpec(f)),
        [200, 255, 255],
        tEnd,
      );
      expect(Math.abs(plant.tHotC - ref[0]), `t=${tEnd}`).toBeLessThan(1e-6);
      expect(Math.abs(plant.tColdC - ref[1]), `t=${tEnd}`).toBeLessThan(1e-6);
    }
  });

  it("steps a regime at a constant operating point with the twin's scalar RK4, bit for bit", () => {
    // Without a ramp under way the plant hands each interval to a LoopTwin at the same
    // substepFraction (plantSimulator.ts, stepConstant); a twin stepped over the same intervals
    // from the same state at the same duties lands on the same doubles.
    for (const substepFraction of [0.05, 0.5]) {
      const plant = new PlantSimulator({ noiseKRms: 0, substepFraction });
      plant.setInputs(150, 200, 100, 22);
      plant.setState(55, 35);
      const twin = new LoopTwin(P, { substepFraction });
      twin.setDuties(150, 200, 100, 22);
      twin.setState(55, 35, 0);
      for (const [t, dt] of [
        [7, 7],
        [40, 33],
        [500, 460],
      ] as const) {
        plant.advanceTo(t);
        twin.step(dt);
        expect([plant.tHotC, plant.tColdC], `t=${t}`).toEqual([twin.tHotC, twin.tColdC]);
      }
    }
  });

  it("runs Dormand-Prince at rtol = atol = 1e-8 by default and at the rtol given", () => {
    const sys = affineSystemAt([200, 255, 255], 25);
    const worstError = (rtol?: number): number => {
      const plant = new PlantSimulator({
        integrator: "dopri5",
        noiseKRms: 0,
        ...(rtol === undefined ? {} : { rtol }),
      });
      plant.setInputs(200, 255, 255, 25);
      plant.setState(60, 30);
      let err = 0;
      for (let t = 100; t <= 3000; t += 100) {
        plant.advanceTo(t);
        const ref = exactLinear2(sys, [60, 30], t);
        err = Math.max(err, Math.abs(plant.tHotC - ref[0]), Math.abs(plant.tColdC - ref[1]));
      }
      return err;
    };
    // At 1e-8 the global error stays below 1e-6 K (Dopri5's own default, 1e-6, does not: about 7e-6 K).
    expect(worstError()).toBeLessThan(1e-6);
    // A loose tolerance is honoured: the run is visibly less accurate.
    expect(worstError(1e-3)).toBeGreaterThan(1e-4);
  });

  it("adds the given white noise to every reading (rms of repeated readings at a fixed state)", () => {
    // 400 readings of each channel at 25 C with 2 K rms: the rms deviation of the converted
    // readings is 2 K within a few percent (its relative standard error is 1/sqrt(2 x 400) = 3.5 %).
    const plant = new PlantSimulator({ noiseKRms: 2, seed: 7 });
    plant.setInputs(0, 0, 255, 25);
    plant.setState(25, 25);
    const host = new CountsToTempC(DEFAULT_THERMISTOR);
    const s = createPlantSample();
    const sq = [0, 0, 0];
    const n = 400;
    for (let k = 0; k < n; k++) {
      plant.sample(s);
      sq[0]! += (host.convert(s.adcHot) - 25) ** 2;
      sq[1]! += (host.convert(s.adcCold) - 25) ** 2;
      sq[2]! += (host.convert(s.adcAmb) - 25) ** 2;
    }
    for (const q of sq) {
      const rms = Math.sqrt(q / n);
      expect(rms).toBeGreaterThan(2 * 0.85);
      expect(rms).toBeLessThan(2 * 1.15);
    }
  });
});
