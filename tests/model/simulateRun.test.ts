import { describe, expect, it } from "vitest";
import { CsvWriter, textSink } from "../../src/core/csvWriter.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  parseInputSchedules,
  SEED_INPUT_CHANNELS,
} from "../../src/model/inputSchedule.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { PlantSimulator } from "../../src/model/plantSimulator.js";
import { Rk4 } from "../../src/model/rk4.js";
import { SeedModel, seedSumDriftKPerS } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS } from "../../src/model/seedParams.js";
import { CsvRowFormatter, csvHeader, timeDecimals } from "../../src/model/simulateCsv.js";
import { type LoopRunConfig, type RunConfig, rowCount, simulateRun } from "../../src/model/simulateRun.js";
import { DEFAULT_THERMISTOR, kelvinPerCount } from "../../src/model/thermistor.js";

function loopConfig(over: Partial<LoopRunConfig> & { inputTexts?: string[] } = {}): LoopRunConfig {
  const { inputTexts = [], ...rest } = over;
  return {
    model: "loop",
    params: DEFAULT_LOOP_PARAMS,
    inputs: parseInputSchedules(inputTexts, LOOP_INPUT_CHANNELS, DEFAULT_LOOP_INPUTS),
    faults: [],
    seed: 1,
    sensors: false,
    durationS: 600,
    dtS: 10,
    ...rest,
  };
}

/** The true states by time of a run. */
function states(config: RunConfig): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  simulateRun(config, (row) => {
    if (row.model === "loop")
      out.set(Math.round(row.sample.tS * 1000), [row.sample.tHotC, row.sample.tColdC]);
    else out.set(Math.round(row.tS * 1000), [row.tHotC, row.tColdC]);
  });
  return out;
}

describe("simulateRun", () => {
  it("writes one row per dt, including t = 0 and the end", () => {
    const times: number[] = [];
    simulateRun(loopConfig({ durationS: 60, dtS: 0.1 }), (row) => {
      if (row.model === "loop") times.push(row.sample.tS);
    });
    expect(times.length).toBe(601);
    expect(times[0]).toBe(0);
    expect(times[600]).toBeCloseTo(60, 9);
    expect(rowCount(60, 0.1)).toBe(601);
    expect(rowCount(59.99, 10)).toBe(6);
  });

  it("gives the same states at a coarse dt as at a fine one (dt is only the output spacing)", () => {
    const inputTexts = [
      "pump=0:200,123.4:90,400:0",
      "heater=0:255,250.5:100",
      "fan=0:255,333:0",
      "t_amb=0:25,500:15",
    ];
    const faults = [parseFaultSpec("hx_fouling:start=211.1,ramp=50,severity=0.4")];
    const coarse = states(loopConfig({ inputTexts, faults, dtS: 60, durationS: 600 }));
    const fine = states(loopConfig({ inputTexts, faults, dtS: 0.5, durationS: 600 }));
    expect(coarse.size).toBe(11);
    for (const [t, [hot, cold]] of coarse) {
      const f = fine.get(t);
      expect(f).toBeDefined();
      expect(Math.abs(hot - f![0])).toBeLessThan(1e-6);
      expect(Math.abs(cold - f![1])).toBeLessThan(1e-6);
    }
  });

  it("agrees between RK4 and Dormand-Prince to 1e-6 K", () => {
    const inputTexts = ["pump=0:200,1000:60", "heater=0:255,2000:128"];
    const faults = [parseFaultSpec("pump_degradation:start=500,ramp=100,severity=0.5")];
    const a = states(loopConfig({ inputTexts, faults, durationS: 3600, dtS: 60 }));
    const b = states(loopConfig({ inputTexts, faults, durationS: 3600, dtS: 60, integrator: "dopri5" }));
    for (const [t, [hot, cold]] of a) {
      expect(Math.abs(hot - b.get(t)![0])).toBeLessThan(1e-6);
      expect(Math.abs(cold - b.get(t)![1])).toBeLessThan(1e-6);
    }
  });

  it("applies an input change from its own time on (the row at the change shows the new input)", () => {
    const seen: number[] = [];
    simulateRun(loopConfig({ inputTexts: ["heater=0:255,20:0"], sensors: true, durationS: 30 }), (row) => {
      if (row.model === "loop") seen.push(row.sample.heaterDuty, row.heaterSetpoint);
    });
    expect(seen).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
  });

  it("runs the seed model with scheduled heat flows", () => {
    const inputs = parseInputSchedules(["q_out=0:1000,50:0"], SEED_INPUT_CHANNELS, {
      q_in: 1000,
      q_out: 1000,
    });
    const s = states({ model: "seed", params: DEFAULT_SEED_PARAMS, inputs, durationS: 100, dtS: 10 });
    // Once q_out drops to 0 and the difference has relaxed to Q_in/(UA + 2 m_dot cp), the sum
    // rises at (Q_in - UA dT)/C.
    const sum = (t: number): number => s.get(t * 1000)![0] + s.get(t * 1000)![1];
    const rate = (1000 - (50 * 1000) / 886) / 1000;
    expect(sum(100) - sum(90)).toBeCloseTo(10 * rate, 6);
    expect(sum(40) - sum(30)).toBeCloseTo(10 * seedSumDriftKPerS(DEFAULT_SEED_PARAMS), 6);
  });

  it("rejects a bad duration or dt, naming the argument", () => {
    expect(() => simulateRun(loopConfig({ dtS: 0 }), () => {})).toThrow(/--dt/);
    expect(() => simulateRun(loopConfig({ durationS: Number.NaN }), () => {})).toThrow(/--duration/);
    expect(() => simulateRun(loopConfig({ durationS: 1e9, dtS: 1e-3 }), () => {})).toThrow(/--dt: gives/);
  });
});

describe("simulate CSV", () => {
  it("starts with the contract columns", () => {
    expect(csvHeader("loop", false).startsWith("t_s,t_hot_c,t_cold_c,m_dot_kg_s")).toBe(true);
    expect(csvHeader("seed", false).startsWith("t_s,t_hot_c,t_cold_c,m_dot_kg_s")).toBe(true);
    const h = csvHeader("loop", true).split(",");
    for (const c of [
      "meas_t_hot_c",
      "meas_t_cold_c",
      "meas_flow_lpm",
      "pump_duty",
      "anomaly",
      "changepoint",
      "fault",
    ])
      expect(h).toContain(c);
    expect(h.slice(-3)).toEqual(["anomaly", "changepoint", "fault"]);
  });

  it("prints times with the decimals of dt and one field per column", () => {
    expect(timeDecimals(0.1)).toBe(1);
    expect(timeDecimals(1)).toBe(0);
    expect(timeDecimals(0.025)).toBe(3);
    const f = new CsvRowFormatter(0.1, true);
    let text = "";
    const out = new CsvWriter(textSink((chunk) => (text += chunk)));
    simulateRun(loopConfig({ sensors: true, durationS: 0.3, dtS: 0.1 }), (row) => f.write(row, out));
    out.flush();
    const lines = text.trimEnd().split("\n");
    expect(lines.map((l) => l.split(",")[0])).toEqual(["0.0", "0.1", "0.2", "0.3"]);
    for (const l of lines) expect(l.split(",").length).toBe(csvHeader("loop", true).split(",").length);
  });
});

describe("simulateRun: configuration errors and edges", () => {
  const messageOf = (config: RunConfig, onRow: () => void = () => {}): string => {
    try {
      simulateRun(config, onRow);
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
  };

  it("names the argument, the problem and the value of a bad duration or dt", () => {
    expect(messageOf(loopConfig({ durationS: Number.NaN }))).toBe(
      "ConfigError: --duration: must be a finite number >= 0 s (got NaN)",
    );
    expect(messageOf(loopConfig({ durationS: Number.POSITIVE_INFINITY }))).toBe(
      "ConfigError: --duration: must be a finite number >= 0 s (got Infinity)",
    );
    expect(messageOf(loopConfig({ durationS: -1 }))).toBe(
      "ConfigError: --duration: must be a finite number >= 0 s (got -1)",
    );
    expect(messageOf(loopConfig({ dtS: 0 }))).toBe(
      "ConfigError: --dt: must be a finite number > 0 s (got 0)",
    );
    expect(messageOf(loopConfig({ dtS: Number.POSITIVE_INFINITY }))).toBe(
      "ConfigError: --dt: must be a finite number > 0 s (got Infinity)",
    );
    // 10^8 + 1 rows (t = 0 to 10^8 s by 1 s) is one too many.
    expect(messageOf(loopConfig({ durationS: 1e8, dtS: 1 }))).toBe(
      "ConfigError: --dt: gives 100000001 rows over 100000000 s (at most 100000000) (got 1)",
    );
  });

  it("runs exactly MAX_SIMULATE_ROWS rows, and a zero duration as the single row at t = 0", () => {
    // 10^8 rows are allowed: the run starts (the first row stops it here).
    const stop = (): void => {
      throw new Error("first row");
    };
    expect(messageOf(loopConfig({ durationS: 1e8 - 1, dtS: 1 }), stop)).toBe("Error: first row");
    const times: number[] = [];
    simulateRun(loopConfig({ durationS: 0 }), (row) => {
      if (row.model === "loop") times.push(row.sample.tS);
    });
    expect(times).toEqual([0]);
  });

  it("refuses a link fault, quoting it as written", () => {
    const faults = [parseFaultSpec("link_drop:start=10,value=0.5")];
    expect(messageOf(loopConfig({ faults }))).toBe(
      'ConfigError: --fault: link faults need a serial link (looptwin emulate) (got "link_drop:start=10,value=0.5")',
    );
  });

  it("puts a change at or before t = 0 in force from the first row", () => {
    // A hand-made schedule whose first change lies before 0 (the parser allows only >= 0).
    const heater = {
      channel: "heater" as const,
      initial: 0,
      timesS: Float64Array.of(-5, 0, 30),
      values: Float64Array.of(100, 200, 0),
    };
    const config = loopConfig({ sensors: true, durationS: 40, dtS: 10 });
    const seen: number[] = [];
    simulateRun({ ...config, inputs: { ...config.inputs, heater } }, (row) => {
      if (row.model === "loop") seen.push(row.heaterSetpoint);
    });
    expect(seen).toEqual([200, 200, 200, 0, 0]);
  });

  it("leaves the measured fields NaN without sensors", () => {
    const meas: number[] = [];
    simulateRun(loopConfig({ durationS: 60, dtS: 10 }), (row) => {
      if (row.model === "loop") meas.push(row.measTHotC, row.measTColdC, row.measTAmbC, row.measFlowLpm);
    });
    expect(meas.length).toBe(28);
    for (const m of meas) expect(m).toBeNaN();
  });

  it("passes the sensor noise on: with 0 K rms the counts do not depend on the seed", () => {
    const counts = (seed: number, noiseKRms?: number): number[] => {
      const out: number[] = [];
      simulateRun(
        loopConfig({
          sensors: true,
          durationS: 20,
          dtS: 1,
          seed,
          ...(noiseKRms === undefined ? {} : { noiseKRms }),
        }),
        (row) => {
          if (row.model === "loop") out.push(row.sample.adcHot, row.sample.adcCold, row.sample.adcAmb);
        },
      );
      return out;
    };
    expect(counts(1, 0)).toEqual(counts(2, 0));
    // With the default noise two seeds give other counts.
    expect(counts(1)).not.toEqual(counts(2));
  });

  it("steps the seed model by RK4 at 1/20 of its time constant C/(UA + 2 m_dot cp)", () => {
    // C = 1000 J/K, UA + 2 m_dot cp = 25 W/K: 40 s, so sub-steps of 2 s. The generic Rk4 on the
    // model's rhs at 2 s gives the same states bit for bit (tests/model/seedRk4.test.ts).
    const params = { ...DEFAULT_SEED_PARAMS, C: 1000, m_dot: 0.01, cp: 1000, UA: 5, T_hot0: 20, T_cold0: 20 };
    const inputs = parseInputSchedules(["q_out=0:500,50:100"], SEED_INPUT_CHANNELS, {
      q_in: 1000,
      q_out: 500,
    });
    const rows: [number, number][] = [];
    simulateRun({ model: "seed", params, inputs, durationS: 100, dtS: 20 }, (row) => {
      if (row.model === "seed") rows.push([row.tHotC, row.tColdC]);
    });
    const model = new SeedModel(params);
    const y = model.initialState();
    const rk = new Rk4(2, model.rhs);
    const expected: [number, number][] = [];
    model.qInW = 1000;
    model.qOutW = 500;
    let t = 0;
    for (const next of [0, 20, 40, 50, 60, 80, 100]) {
      rk.advance(t, y, next, 2);
      t = next;
      if (next === 50) model.qOutW = 100;
      else expected.push([y[0] as number, y[1] as number]);
    }
    expect(rows).toEqual(expected);
  });

  it("runs the seed model with Dormand-Prince at 1e-10 to its closed form", () => {
    // C d' = Q_in + Q_out - (UA + 2 m_dot cp) d and C s' = Q_in - Q_out - UA d for the difference
    // d = T_hot - T_cold and the sum s (docs/design.md 2.1). C = 1000 J/K, m_dot cp = 10 W/K,
    // UA = 5 W/K: k = 25/1000 1/s, d -> 1500/25 = 60 K from d0 = 0; s0 = 40 K.
    const params = { ...DEFAULT_SEED_PARAMS, C: 1000, m_dot: 0.01, cp: 1000, UA: 5, T_hot0: 20, T_cold0: 20 };
    const inputs = parseInputSchedules([], SEED_INPUT_CHANNELS, { q_in: 1000, q_out: 500 });
    const k = 25 / 1000;
    const dInf = 60;
    const d = (t: number): number => dInf * (1 - Math.exp(-k * t));
    const s = (t: number): number =>
      40 + ((1000 - 500 - 5 * dInf) * t + (5 * dInf * (1 - Math.exp(-k * t))) / k) / 1000;
    const rows: number[][] = [];
    simulateRun({ model: "seed", params, inputs, durationS: 200, dtS: 20, integrator: "dopri5" }, (row) => {
      if (row.model === "seed") rows.push([row.tS, row.tHotC, row.tColdC, row.mDotKgS, row.qInW, row.qOutW]);
    });
    expect(rows.length).toBe(11);
    for (const [t, hot, cold, mDot, qIn, qOut] of rows) {
      expect(Math.abs(hot! - (s(t!) + d(t!)) / 2), `t=${t}`).toBeLessThan(1e-8);
      expect(Math.abs(cold! - (s(t!) - d(t!)) / 2), `t=${t}`).toBeLessThan(1e-8);
      expect([mDot, qIn, qOut]).toEqual([0.01, 1000, 500]);
    }
  });
});

describe("simulateRun: the measured and scheduled fields of a loop row (issue 19)", () => {
  it("converts the noise-free counts and pulses back to within a count and a few percent of the truth", () => {
    const rows: { t: number; hot: number[]; cold: number[]; amb: number[]; flow: number[] }[] = [];
    simulateRun(
      loopConfig({ sensors: true, noiseKRms: 0, durationS: 30, dtS: 1, inputTexts: ["t_amb=0:21,10:18"] }),
      (row) => {
        if (row.model !== "loop") return;
        const s = row.sample;
        rows.push({
          t: s.tS,
          hot: [row.measTHotC, s.tHotC],
          cold: [row.measTColdC, s.tColdC],
          amb: [row.measTAmbC, s.tAmbC],
          flow: [row.measFlowLpm, s.flowLpm],
        });
      },
    );
    expect(rows.length).toBe(31);
    for (const { t, hot, cold, amb, flow } of rows) {
      // The host's conversion of the quantised counts is within one count's width of the truth.
      for (const [meas, truth] of [hot, cold, amb])
        expect(Math.abs(meas! - truth!), `t=${t}`).toBeLessThanOrEqual(
          kelvinPerCount(DEFAULT_THERMISTOR, truth!),
        );
      expect(amb![1]).toBe(t < 10 ? 21 : 18);
      // The first row has no flow estimate (one reading spans no time); from a whole 2 s window
      // on, the pulse count is the flow within one pulse of about 7.5 x 3.5 x 2 = 52.
      if (t === 0) expect(flow![0]).toBeNaN();
      else if (t >= 2) expect(Math.abs(flow![0]! / flow![1]! - 1), `t=${t}`).toBeLessThan(0.05);
    }
  });

  it("reports each channel's setpoint from its own schedule", () => {
    const seen: number[][] = [];
    simulateRun(
      loopConfig({
        sensors: true,
        durationS: 20,
        dtS: 10,
        inputTexts: ["pump=10:90", "fan=0:30,20:40", "heater=0:70"],
      }),
      (row) => {
        if (row.model === "loop") seen.push([row.pumpSetpoint, row.heaterSetpoint, row.fanSetpoint]);
      },
    );
    // The pump keeps its default (200) until its first time.
    expect(seen).toEqual([
      [200, 70, 30],
      [90, 70, 30],
      [90, 70, 40],
    ]);
  });
});

describe("simulateRun: the integrator reaches the plant (issue 19)", () => {
  it("runs the loop with the integrator asked for: the states of a plant with it, stepped to each row", () => {
    for (const integrator of ["rk4", "dopri5"] as const) {
      const run = states(loopConfig({ durationS: 600, dtS: 60, integrator }));
      // The default schedules hold pump 200, heater 255, fan 255, t_amb 25 C from t = 0.
      const plant = new PlantSimulator({ params: DEFAULT_LOOP_PARAMS, seed: 1, integrator });
      plant.setInputs(200, 255, 255, 25);
      for (let k = 0; k <= 10; k++) {
        plant.advanceTo(k * 60);
        expect(run.get(k * 60_000), `${integrator} t=${k * 60}`).toEqual([plant.tHotC, plant.tColdC]);
      }
    }
    // The two integrators round differently, so the check above tells them apart.
    const rk4 = states(loopConfig({ durationS: 600, dtS: 60 }));
    expect(states(loopConfig({ durationS: 600, dtS: 60, integrator: "dopri5" }))).not.toEqual(rk4);
  });
});
