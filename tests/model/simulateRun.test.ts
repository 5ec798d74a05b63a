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
import { seedSumDriftKPerS } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS } from "../../src/model/seedParams.js";
import { CsvRowFormatter, csvHeader, timeDecimals } from "../../src/model/simulateCsv.js";
import { type LoopRunConfig, type RunConfig, rowCount, simulateRun } from "../../src/model/simulateRun.js";

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
