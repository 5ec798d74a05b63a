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
import { countsFromTempC, DEFAULT_THERMISTOR } from "../../src/model/thermistor.js";

const P = DEFAULT_LOOP_PARAMS;

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
