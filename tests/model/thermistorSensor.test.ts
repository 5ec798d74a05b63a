import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  ADC_COUNTS_MAX,
  countsFromTempC,
  DEFAULT_THERMISTOR,
  tempCFromCounts,
} from "../../src/model/thermistor.js";
import { DEFAULT_SENSOR_NOISE_K_RMS, ThermistorSensor } from "../../src/model/thermistorSensor.js";

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

/** A stand-in generator: every normal() draw is `normal`, every uniform() draw `uniform`; counts the draws. */
class FixedRng {
  normals = 0;
  uniforms = 0;
  constructor(
    private readonly normalValue: number,
    private readonly uniformValue: number,
  ) {}
  normal(): number {
    this.normals++;
    return this.normalValue;
  }
  uniform(): number {
    this.uniforms++;
    return this.uniformValue;
  }
  asRng(): SeededRng {
    return this as unknown as SeededRng;
  }
}

const C = DEFAULT_THERMISTOR;
const at = (tempC: number): number => countsFromTempC(C, tempC);

describe("thermistor sensor: options, draws and every fault kind (issue 19)", () => {
  it("refuses a negative or NaN noise and a dropout rate outside 0-1, with the whole message", () => {
    const make = (o: { noiseKRms?: number; dropoutRate?: number }, ch: "hot" | "cold" = "hot") =>
      new ThermistorSensor(ch, C, new SeededRng(1), o);
    expect(() => make({ noiseKRms: -0.1 })).toThrow(
      new ConfigError("x", undefined, "x").constructor as never,
    );
    expect(() => make({ noiseKRms: -0.1 })).toThrow("sensor.hot.noiseKRms: must be >= 0 (got -0.1)");
    expect(() => make({ noiseKRms: Number.NaN }, "cold")).toThrow(
      "sensor.cold.noiseKRms: must be >= 0 (got NaN)",
    );
    expect(() => make({ dropoutRate: 1.5 }, "cold")).toThrow(
      "sensor.cold.dropoutRate: must be between 0 and 1 (got 1.5)",
    );
    expect(() => make({ dropoutRate: -0.01 })).toThrow(
      "sensor.hot.dropoutRate: must be between 0 and 1 (got -0.01)",
    );
    expect(() => make({ dropoutRate: Number.NaN })).toThrow(
      "sensor.hot.dropoutRate: must be between 0 and 1 (got NaN)",
    );
    expect(make({ noiseKRms: 0, dropoutRate: 0 }).channel).toBe("hot");
    expect(make({ dropoutRate: 1 }).channel).toBe("hot");
  });

  it("adds 0.05 K rms of noise by default, draws no normal without noise and no uniform without dropout", () => {
    expect(DEFAULT_SENSOR_NOISE_K_RMS).toBe(0.05);
    // Every normal draw is 2: the default noise puts 0.1 K on the reading.
    const r = new FixedRng(2, 0.5);
    const s = new ThermistorSensor("hot", C, r.asRng());
    expect(s.read(0, 40)).toBe(at(40.1));
    expect(at(40.1)).not.toBe(at(40));
    expect(r.normals).toBe(1);
    expect(r.uniforms).toBe(0);
    const quiet = new FixedRng(2, 0.5);
    const q = new ThermistorSensor("hot", C, quiet.asRng(), { noiseKRms: 0, dropoutRate: 0 });
    expect(q.read(0, 40)).toBe(at(40));
    expect(quiet.normals).toBe(0);
    expect(quiet.uniforms).toBe(0);
  });

  it("drops a reading out when the uniform draw is below the rate, not when it equals it", () => {
    const read = (u: number, rate: number): number =>
      new ThermistorSensor("amb", C, new FixedRng(0, u).asRng(), { noiseKRms: 0, dropoutRate: rate }).read(
        0,
        30,
      );
    expect(read(0.25, 0.25)).toBe(at(30));
    expect(read(0.25, 0.2500001)).toBe(ADC_COUNTS_MAX);
    expect(read(0.999, 1)).toBe(ADC_COUNTS_MAX);
  });

  it("remembers the last reading", () => {
    const s = new ThermistorSensor("hot", C, new SeededRng(1), { noiseKRms: 0 });
    expect(s.lastReading).toBeNaN();
    expect(s.read(0, 40)).toBe(at(40));
    expect(s.lastReading).toBe(at(40));
    s.addFault(parseFaultSpec("sensor_short:channel=hot,start=1"));
    expect(s.read(1, 40)).toBe(0);
    expect(s.lastReading).toBe(0);
  });

  it("scales a bias by the ramp, a noise fault by its level, and a drift by its severity and time since onset", () => {
    const r = new FixedRng(2, 0.5);
    const s = new ThermistorSensor("hot", C, r.asRng(), { noiseKRms: 0 });
    // Bias 4 K ramped over 10 s from 0: 2 K at 5 s.
    s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=4,ramp=10,end=10"));
    expect(s.read(5, 30)).toBe(at(32));
    // Noise fault 3 K rms at severity 0.5, each normal draw 2: +3 K.
    s.addFault(parseFaultSpec("sensor_noise:channel=hot,value=3,severity=0.5,start=20,end=30"));
    expect(s.read(25, 30)).toBe(at(33));
    expect(r.normals).toBe(1);
    // Drift 0.2 K/s at severity 0.5 from 40 s (the ramp key does not apply to a drift): 2 K at 60 s.
    s.addFault(parseFaultSpec("sensor_drift:channel=hot,value=0.2,severity=0.5,ramp=1000,start=40"));
    expect(s.read(60, 30)).toBe(at(32));
    expect(s.read(39.5, 30)).toBe(at(30));
  });

  it("holds, when stuck from the first reading, the counts of the true temperature", () => {
    const s = new ThermistorSensor("cold", C, new SeededRng(1), { noiseKRms: 0 });
    s.addFault(parseFaultSpec("sensor_bias:channel=cold,value=3"));
    s.addFault(parseFaultSpec("sensor_stuck:channel=cold,end=10"));
    expect(s.read(0, 40)).toBe(at(40));
    expect(s.read(5, 50)).toBe(at(40));
    expect(s.read(10, 50)).toBe(at(53));
  });

  it("forgets a fault that ended exactly at the latest reading when a seventeenth comes", () => {
    const s = new ThermistorSensor("hot", C, new SeededRng(1), { noiseKRms: 0 });
    for (let k = 0; k < 16; k++)
      s.addFault(parseFaultSpec(`sensor_bias:channel=hot,value=1,start=${k},end=${k + 1}`));
    s.read(1, 30); // the first pulse ended at 1 s
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=5,start=100"))).toBe(true);
    // The other fifteen pulses end after 1 s: an eighteenth fault is refused.
    expect(() => s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=5,start=200"))).toThrow(
      new ConfigError("faults", 16, "at most 16 per channel"),
    );
    expect(() => s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=5,start=200"))).toThrow(
      "faults: at most 16 per channel (got 16)",
    );
    expect(s.read(100, 30)).toBe(at(35));
  });

  it("keeps what a stuck fault holds when ended faults before it are forgotten", () => {
    const s = new ThermistorSensor("hot", C, new SeededRng(1), { noiseKRms: 0 });
    // Fourteen pulses that end by 14 s, then a stuck fault from 20 s and an open contact 25-30 s.
    for (let k = 0; k < 14; k++)
      s.addFault(parseFaultSpec(`sensor_bias:channel=hot,value=1,start=${k},end=${k + 1}`));
    s.addFault(parseFaultSpec("sensor_stuck:channel=hot,start=20"));
    s.addFault(parseFaultSpec("sensor_open:channel=hot,start=25,end=30"));
    expect(s.read(19, 40)).toBe(at(40));
    expect(s.read(20, 60)).toBe(at(40)); // stuck at the last reading
    expect(s.read(26, 60)).toBe(ADC_COUNTS_MAX); // the open contact wins while it lasts
    // A seventeenth fault makes room by forgetting the fourteen pulses; the stuck one keeps at(40).
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=amb,value=1"))).toBe(false);
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=1,start=1000"))).toBe(true);
    expect(s.read(31, 60)).toBe(at(40));
  });

  it("forgets ended faults only when a seventeenth needs the room: a reading back in time still sees them", () => {
    // Time only goes forward in the plant; this pins that forgetting waits for the sixteen-fault limit.
    const s = new ThermistorSensor("hot", C, new SeededRng(1), { noiseKRms: 0 });
    s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=2,end=10"));
    expect(s.read(20, 30)).toBe(at(30));
    expect(s.addFault(parseFaultSpec("sensor_bias:channel=hot,value=1,start=100"))).toBe(true);
    expect(s.read(5, 30)).toBe(at(32));
  });
});
