/**
 * The table runner (src/detect/monitor/monitorTable.ts) against a recording stand-in for the
 * monitor: what it hands the monitor for each row (setpoints when they change, following the
 * applied duties, gaps, the sample's fields and their defaults), what it writes back per row, and
 * its refusals in full (InputFileError's `file (line L, column C): problem`, src/core/errors.ts).
 * Expected calls are written from the module's doc comment and the Monitor contract
 * (monitorTypes.ts). The real monitor on a table: tests/detect/looptwinCsv.test.ts.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { InputFileError } from "../../../src/core/errors.js";
import type { LabelledTable } from "../../../src/detect/data/labelledTable.js";
import { MONITOR_TABLE_COLUMNS, runMonitorOnTable } from "../../../src/detect/monitor/monitorTable.js";
import type { MonitorOutput } from "../../../src/detect/monitor/monitorTypes.js";
import type { RigSample } from "../../../src/model/rigSample.js";

const rec = vi.hoisted(() => ({
  calls: [] as string[],
  samples: [] as Record<string, number>[],
  configs: [] as unknown[],
  /** What the stand-in's output and events are after each step, by row (default: quiet). */
  script: [] as { score: number; anomaly: boolean; diagnosis: string; events: string[] }[],
  output: undefined as unknown,
}));

vi.mock("../../../src/detect/monitor/monitor.js", () => ({
  createMonitor(config: unknown) {
    rec.configs.push(config);
    const output = { score: Number.NaN, anomaly: false, diagnosis: "" };
    rec.output = output;
    let row = 0;
    return {
      output,
      setSetpoints(sp: { pumpDuty: number; heaterDuty: number; fanDuty: number }, tS: number) {
        rec.calls.push(`setpoints ${sp.pumpDuty},${sp.heaterDuty},${sp.fanDuty} at ${tS}`);
      },
      followApplied(on: boolean) {
        rec.calls.push(`follow ${on}`);
      },
      markGap(fromTS: number, toTS: number) {
        rec.calls.push(`gap ${fromTS} to ${toTS}`);
      },
      step(s: RigSample) {
        rec.calls.push(`step ${s.tS}`);
        rec.samples.push({ ...s } as unknown as Record<string, number>);
        const sc = rec.script[row++] ?? { score: 0, anomaly: false, diagnosis: "", events: [] };
        output.score = sc.score;
        output.anomaly = sc.anomaly;
        output.diagnosis = sc.diagnosis;
        return sc.events.map((type) => ({ type }));
      },
    };
  },
}));

beforeEach(() => {
  rec.calls.length = 0;
  rec.samples.length = 0;
  rec.configs.length = 0;
  rec.script.length = 0;
});

/** A table from columns (each as long as `timeS`). */
function table(timeS: number[], columns: Record<string, number[]>, source = "run.csv"): LabelledTable {
  const names = Object.keys(columns);
  return {
    source,
    timeColumn: "t_s",
    timeText: timeS.map(String),
    timeS: Float64Array.from(timeS),
    channelNames: names,
    channels: names.map((n) => Float64Array.from(columns[n] as number[])),
    anomaly: undefined,
    changepoint: undefined,
    rowCount: timeS.length,
  };
}

const C = MONITOR_TABLE_COLUMNS;
const MEAS = (n: number): Record<string, number[]> => ({
  [C.tHotC]: Array.from({ length: n }, (_, i) => 40 + i),
  [C.tColdC]: Array.from({ length: n }, (_, i) => 30 + i),
  [C.flowLpm]: Array.from({ length: n }, (_, i) => 3 + i / 10),
});
const SETPOINTS = (n: number, p = 200, h = 100, f = 50): Record<string, number[]> => ({
  [C.pumpSetpoint]: new Array<number>(n).fill(p),
  [C.heaterSetpoint]: new Array<number>(n).fill(h),
  [C.fanSetpoint]: new Array<number>(n).fill(f),
});

function thrown(f: () => unknown): InputFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputFileError);
    return e as InputFileError;
  }
  throw new Error("did not throw");
}

describe("monitor table columns", () => {
  it("names the columns it reads", () => {
    expect(MONITOR_TABLE_COLUMNS).toStrictEqual({
      tHotC: "meas_t_hot_c",
      tColdC: "meas_t_cold_c",
      tAmbC: "meas_t_amb_c",
      flowLpm: "meas_flow_lpm",
      pumpSetpoint: "pump_setpoint",
      heaterSetpoint: "heater_setpoint",
      fanSetpoint: "fan_setpoint",
      pumpDuty: "pump_duty",
      heaterDuty: "heater_duty",
      fanDuty: "fan_duty",
      adcHot: "adc_hot",
      adcCold: "adc_cold",
      adcAmb: "adc_amb",
      pulses: "pulses",
      flags: "flags",
      followApplied: "follow_applied",
      gapS: "gap_s",
    });
  });

  it("refuses a table without a measurement column, naming the first missing one", () => {
    const need =
      "(the twin's detector needs meas_t_hot_c, meas_t_cold_c, meas_flow_lpm; is this a simulate --sensors CSV or a recording?)";
    for (const col of [C.tHotC, C.tColdC, C.flowLpm]) {
      const cols = { ...MEAS(1), ...SETPOINTS(1) };
      delete cols[col];
      const e = thrown(() => runMonitorOnTable(table([0], cols, "rec.csv")));
      expect(e.message).toBe(`rec.csv (line 1, column ${col}): missing column "${col}" ${need}`);
      expect([e.file, e.line, e.column]).toEqual(["rec.csv", 1, col]);
    }
    const e = thrown(() => runMonitorOnTable(table([0], { [C.flowLpm]: [1] })));
    expect(e.column).toBe(C.tHotC);
    expect(rec.configs).toEqual([]);
  });

  it("refuses a table with neither the setpoint nor the duty column of one actuator", () => {
    const text =
      "run.csv (line 1): missing the setpoint columns (pump_setpoint, heater_setpoint, fan_setpoint) and the duty columns (pump_duty, heater_duty, fan_duty): the twin needs one or the other";
    for (const [sp, du] of [
      [C.pumpSetpoint, C.pumpDuty],
      [C.heaterSetpoint, C.heaterDuty],
      [C.fanSetpoint, C.fanDuty],
    ] as const) {
      const cols: Record<string, number[]> = { ...MEAS(1), ...SETPOINTS(1) };
      delete cols[sp];
      // With the duty column instead it runs.
      expect(() => runMonitorOnTable(table([0], { ...cols, [du]: [9] }))).not.toThrow();
      const e = thrown(() => runMonitorOnTable(table([0], cols)));
      expect(e.message).toBe(text);
      expect([e.line, e.column]).toEqual([1, undefined]);
    }
  });

  it("refuses a duty outside 0-255, naming the row's line and the column read", () => {
    for (const col of [C.pumpSetpoint, C.heaterSetpoint, C.fanSetpoint]) {
      for (const bad of [-0.5, 255.5]) {
        const cols = { ...MEAS(3), ...SETPOINTS(3) };
        (cols[col] as number[])[2] = bad;
        const e = thrown(() => runMonitorOnTable(table([0, 0.1, 0.2], cols, "d.csv")));
        // Row 2 is line 4 (a header line, then rows from line 2).
        expect(e.message).toBe(`d.csv (line 4, column ${col}): a duty must be 0-255 (got ${bad})`);
      }
    }
    // Without setpoints, the duty columns are read and named.
    for (const col of [C.pumpDuty, C.heaterDuty, C.fanDuty]) {
      const cols = { ...MEAS(1), [C.pumpDuty]: [1], [C.heaterDuty]: [2], [C.fanDuty]: [3] };
      (cols[col] as number[])[0] = 256;
      expect(thrown(() => runMonitorOnTable(table([0], cols))).message).toBe(
        `run.csv (line 2, column ${col}): a duty must be 0-255 (got 256)`,
      );
    }
  });
});

describe("monitor table rows", () => {
  it("hands setpoints to the monitor when they first show and whenever one changes", () => {
    const cols = { ...MEAS(6), ...SETPOINTS(6, 0, 255, 10) };
    cols[C.pumpSetpoint] = [0, 0, 7, 7, 7, Number.NaN];
    cols[C.heaterSetpoint] = [255, 255, 255, 254, 254, 254];
    cols[C.fanSetpoint] = [10, 10, 10, 10, 11, 11];
    const config = { rateHz: 5 };
    runMonitorOnTable(table([0, 0.5, 1, 1.5, 2, 2.5], cols), config);
    expect(rec.configs).toEqual([config]);
    expect(rec.configs[0]).toBe(config);
    expect(rec.calls).toEqual([
      "setpoints 0,255,10 at 0",
      "step 0",
      "step 0.5",
      "setpoints 7,255,10 at 1",
      "step 1",
      "setpoints 7,254,10 at 1.5",
      "step 1.5",
      "setpoints 7,254,11 at 2",
      "step 2",
      // An empty cell reads 0.
      "setpoints 0,254,11 at 2.5",
      "step 2.5",
    ]);
    // The applied duties default to the setpoints.
    expect(rec.samples.map((s) => [s.pumpDuty, s.heaterDuty, s.fanDuty])).toEqual([
      [0, 255, 10],
      [0, 255, 10],
      [7, 255, 10],
      [7, 254, 10],
      [7, 254, 11],
      [0, 254, 11],
    ]);
  });

  it("follows the applied duties while follow_applied is set, again after a setpoint change", () => {
    const cols = { ...MEAS(6), ...SETPOINTS(6) };
    cols[C.followApplied] = [0, 1, 1, 1, Number.NaN, 0];
    cols[C.pumpSetpoint] = [200, 200, 100, 100, 100, 100];
    runMonitorOnTable(table([0, 1, 2, 3, 4, 5], cols));
    expect(rec.calls).toEqual([
      "setpoints 200,100,50 at 0",
      "step 0",
      "follow true",
      "step 1",
      // A setpoint change ends the following in the monitor: it is asked again.
      "setpoints 100,100,50 at 2",
      "follow true",
      "step 2",
      "step 3",
      "follow false",
      "step 4",
      "step 5",
    ]);
  });

  it("without every setpoint column, follows the applied duties throughout", () => {
    const cols = {
      ...MEAS(2),
      [C.pumpSetpoint]: [200, 200],
      [C.heaterSetpoint]: [100, 100],
      [C.heaterDuty]: [30, 40],
      [C.fanDuty]: [5, 5],
    };
    runMonitorOnTable(table([0, 1], cols));
    expect(rec.calls).toEqual(["setpoints 200,100,5 at 0", "follow true", "step 0", "step 1"]);
    // Applied duties from their columns where present, else the setpoints.
    expect(rec.samples.map((s) => [s.pumpDuty, s.heaterDuty, s.fanDuty])).toEqual([
      [200, 30, 5],
      [200, 40, 5],
    ]);
    rec.calls.length = 0;
    runMonitorOnTable(table([0], { ...MEAS(1), [C.pumpDuty]: [1], [C.heaterDuty]: [2], [C.fanDuty]: [3] }));
    expect(rec.calls).toEqual(["setpoints 1,2,3 at 0", "follow true", "step 0"]);
    // Only the pump's setpoint missing: following too.
    rec.calls.length = 0;
    const { [C.pumpSetpoint]: _, ...noPump } = SETPOINTS(1);
    runMonitorOnTable(table([0], { ...MEAS(1), ...noPump, [C.pumpDuty]: [9] }));
    expect(rec.calls).toEqual(["setpoints 9,100,50 at 0", "follow true", "step 0"]);
  });

  it("marks a gap before its row, ending at the row's time", () => {
    const cols = { ...MEAS(4), ...SETPOINTS(4), [C.gapS]: [0, 2.5, Number.NaN, -1] };
    runMonitorOnTable(table([0, 10, 11, 12], cols));
    expect(rec.calls).toEqual([
      "setpoints 200,100,50 at 0",
      "step 0",
      "gap 7.5 to 10",
      "step 10",
      "step 11",
      "step 12",
    ]);
  });

  it("fills each sample from its row, with the documented stand-ins for missing cells and columns", () => {
    const cols = {
      ...MEAS(2),
      ...SETPOINTS(2),
      [C.tAmbC]: [21, Number.NaN],
      [C.adcHot]: [1000, Number.NaN],
      [C.adcCold]: [2000, 2001],
      [C.adcAmb]: [3000, Number.NaN],
      [C.pulses]: [12, Number.NaN],
      [C.pumpDuty]: [190, Number.NaN],
      [C.heaterDuty]: [Number.NaN, 90],
      [C.fanDuty]: [40, 41],
      [C.flags]: [4, Number.NaN],
    };
    runMonitorOnTable(table([0.1236, 7], cols));
    expect(rec.samples).toEqual([
      {
        tS: 0.1236,
        seq: 0,
        tMs: 124,
        tHotC: 40,
        tColdC: 30,
        tAmbC: 21,
        flowLpm: 3,
        adcHot: 1000,
        adcCold: 2000,
        adcAmb: 3000,
        pulses: 12,
        pumpDuty: 190,
        heaterDuty: 100,
        fanDuty: 40,
        flags: 4,
      },
      {
        tS: 7,
        seq: 1,
        tMs: 7000,
        tHotC: 41,
        tColdC: 31,
        tAmbC: Number.NaN,
        flowLpm: 3.1,
        adcHot: Number.NaN,
        adcCold: 2001,
        adcAmb: -1,
        pulses: Number.NaN,
        pumpDuty: 200,
        heaterDuty: 90,
        fanDuty: 41,
        flags: 0,
      },
    ]);
    // No optional column at all.
    runMonitorOnTable(table([2], { ...MEAS(1), ...SETPOINTS(1) }));
    expect(rec.samples[2]).toMatchObject({
      tAmbC: Number.NaN,
      adcHot: Number.NaN,
      adcCold: Number.NaN,
      adcAmb: -1,
      pulses: Number.NaN,
      flags: 0,
    });
  });

  it("writes each row's score, decision and the active alarm's diagnosis; counts raised alarms", () => {
    rec.script.push(
      { score: 0.5, anomaly: false, diagnosis: "left over", events: [] },
      { score: 1.5, anomaly: true, diagnosis: "pump failure", events: ["raised", "raised"] },
      { score: 2, anomaly: true, diagnosis: "pump failure", events: ["escalated"] },
      { score: 0.25, anomaly: false, diagnosis: "pump failure", events: ["cleared", "raised"] },
    );
    const seen: string[] = [];
    const r = runMonitorOnTable(table([0, 1, 2, 3], { ...MEAS(4), ...SETPOINTS(4) }), {}, (row, o) => {
      expect(o).toBe(rec.output);
      seen.push(`${row} ${(o as MonitorOutput).score}`);
    });
    expect(Array.from(r.score)).toEqual([0.5, 1.5, 2, 0.25]);
    expect(r.score).toBeInstanceOf(Float64Array);
    expect(Array.from(r.anomaly)).toEqual([0, 1, 1, 0]);
    expect(r.anomaly).toBeInstanceOf(Uint8Array);
    expect(r.diagnosis).toEqual(["", "pump failure", "pump failure", ""]);
    expect(r.alarmsRaised).toBe(3);
    expect(seen).toEqual(["0 0.5", "1 1.5", "2 2", "3 0.25"]);
  });

  it("runs an empty table to empty results", () => {
    const r = runMonitorOnTable(table([], { ...MEAS(0), ...SETPOINTS(0) }));
    expect(r).toEqual({
      score: new Float64Array(0),
      anomaly: new Uint8Array(0),
      diagnosis: [],
      alarmsRaised: 0,
    });
    expect(rec.configs).toEqual([{}]);
    expect(rec.calls).toEqual([]);
  });
});

describe("runMonitorOnTable: the heater's setpoint column missing", () => {
  it("follows the applied duties, the heater's from its duty column, as for the pump's or the fan's", () => {
    const { [C.heaterSetpoint]: _, ...noHeater } = SETPOINTS(2, 200, 100, 50);
    runMonitorOnTable(
      table([0, 1], { ...MEAS(2), ...noHeater, [C.pumpDuty]: [0, 0], [C.heaterDuty]: [70, 80] }),
    );
    // The setpoints the table has (the heater's from its duty), then following the applied duties
    // (the pump overridden to 0 by the device): the twin runs on those.
    expect(rec.calls).toEqual([
      "setpoints 200,70,50 at 0",
      "follow true",
      "step 0",
      "setpoints 200,80,50 at 1",
      "follow true",
      "step 1",
    ]);
    expect(rec.samples.map((s) => [s.pumpDuty, s.heaterDuty, s.fanDuty])).toEqual([
      [0, 70, 50],
      [0, 80, 50],
    ]);
  });
});
