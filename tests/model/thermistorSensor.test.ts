import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  ADC_COUNTS_MAX,
  countsFromTempC,
  DEFAULT_THERMISTOR,
  tempCFromCounts,
} from "../../src/model/thermistor.js";
import { ThermistorSensor } from "../../src/model/thermistorSensor.js";

function readMean(sensor: ThermistorSensor, tS: number, tempC: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += tempCFromCounts(DEFAULT_THERMISTOR, sensor.read(tS, tempC));
  return sum / n;
}

describe("thermistor sensor", () => {
  it("without noise reads the quantised counts", () => {
    const s = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(1), { noiseKRms: 0 });
    expect(s.read(0, 40)).toBe(countsFromTempC(DEFAULT_THERMISTOR, 40));
  });

  it("noise has the configured rms and zero mean", () => {
    const s = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(2), { noiseKRms: 0.2 });
    const n = 20_000;
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < n; i++) {
      const t = tempCFromCounts(DEFAULT_THERMISTOR, s.read(0, 40)) - 40;
      sum += t;
      sum2 += t * t;
    }
    const mean = sum / n;
    const rms = Math.sqrt(sum2 / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(rms).toBeGreaterThan(0.19);
    expect(rms).toBeLessThan(0.21);
  });

  it("bias and drift act only on their channel and inside their window", () => {
    const s = new ThermistorSensor("cold", DEFAULT_THERMISTOR, new SeededRng(3), { noiseKRms: 0 });
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=5"))).toBe(false);
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=cold,value=1.5,start=10,end=20"))).toBe(true);
    expect(s.addFault(parseFaultSpec("sensor_drift:channel=cold,value=0.1,start=30"))).toBe(true);
    expect(readMean(s, 5, 30, 1)).toBeCloseTo(30, 1);
    expect(readMean(s, 15, 30, 1)).toBeCloseTo(31.5, 1);
    expect(readMean(s, 25, 30, 1)).toBeCloseTo(30, 1);
    expect(readMean(s, 40, 30, 1)).toBeCloseTo(31, 1);
  });

  it("stuck holds the last reading; open and short read the rails", () => {
    const s = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(4), { noiseKRms: 0 });
    s.addFault(parseFaultSpec("sensor_stuck:channel=hot,start=10,end=20"));
    s.addFault(parseFaultSpec("sensor_open:channel=hot,start=30,end=40"));
    s.addFault(parseFaultSpec("sensor_short:channel=hot,start=50"));
    const before = s.read(9, 35);
    expect(s.read(11, 60)).toBe(before);
    expect(s.read(19, 20)).toBe(before);
    expect(s.read(21, 60)).toBe(countsFromTempC(DEFAULT_THERMISTOR, 60));
    expect(s.read(35, 60)).toBe(ADC_COUNTS_MAX);
    expect(s.read(55, 60)).toBe(0);
  });

  it("the same seed gives the same readings", () => {
    const a = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(9), { dropoutRate: 0.1 });
    const b = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(9), { dropoutRate: 0.1 });
    const ra = Array.from({ length: 200 }, (_, i) => a.read(i, 40));
    const rb = Array.from({ length: 200 }, (_, i) => b.read(i, 40));
    expect(ra).toEqual(rb);
    expect(ra.filter((c) => c === ADC_COUNTS_MAX).length).toBeGreaterThan(5);
  });
  it("takes a seventeenth fault once earlier ones have ended, and refuses it while sixteen are in force", () => {
    const s = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(5), { noiseKRms: 0 });
    // Sixteen 1 K bias pulses of 1 s, one every 2 s: 0-1, 2-3, ..., 30-31 s.
    for (let k = 0; k < 16; k++)
      expect(
        s.addFault(parseFaultSpec(`sensor_bias:channel=hot,value=1,start=${2 * k},end=${2 * k + 1}`)),
      ).toBe(true);
    s.read(10.5, 40); // pulses 0-4 have ended by 10.5 s
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=3,start=40,end=41"))).toBe(true);
    expect(readMean(s, 40.5, 30, 1)).toBeCloseTo(33, 1);
    // A pulse still to come is kept: 12.5 s reads 30 + 1 K.
    expect(readMean(s, 12.5, 30, 1)).toBeCloseTo(31, 1);

    const full = new ThermistorSensor("hot", DEFAULT_THERMISTOR, new SeededRng(6), { noiseKRms: 0 });
    for (let k = 0; k < 16; k++) full.addFault(parseFaultSpec(`sensor_bias:channel=hot,value=1,start=${k}`));
    full.read(100, 40);
    expect(() => full.addFault(parseFaultSpec("sensor_bias:channel=hot,value=1,start=200"))).toThrow(
      "at most 16 per channel",
    );
  });
});
