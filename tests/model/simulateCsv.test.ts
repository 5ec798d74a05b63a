/**
 * The simulate CSV text (docs/design.md 5, a contract; the columns as src/model/simulateCsv.ts's
 * module comment lists them): headers written out in full, and rows formatted from hand-made row
 * objects, each field the `toFixed` text of its value at the column's decimals.
 */
import { describe, expect, it } from "vitest";
import { CsvWriter, textSink } from "../../src/core/csvWriter.js";
import { createPlantSample } from "../../src/model/plantSimulator.js";
import {
  CsvRowFormatter,
  csvHeader,
  LOOP_SENSOR_COLUMNS,
  LOOP_TRUE_COLUMNS,
  SEED_COLUMNS,
  timeDecimals,
} from "../../src/model/simulateCsv.js";
import type { LoopRow, RunRow, SeedRow } from "../../src/model/simulateRun.js";

const LOOP_HEADER = "t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,ua_w_k,t_amb_c";
const SENSOR_HEADER =
  "meas_t_hot_c,meas_t_cold_c,meas_t_amb_c,meas_flow_lpm,pump_setpoint,heater_setpoint,fan_setpoint,pump_duty,heater_duty,fan_duty,adc_hot,adc_cold,adc_amb,pulses,anomaly,changepoint,fault";

/** The text `write` gives for `rows`, one formatter for the run. */
function written(dtS: number, sensors: boolean, rows: readonly RunRow[]): string {
  const f = new CsvRowFormatter(dtS, sensors);
  let text = "";
  const out = new CsvWriter(textSink((chunk) => (text += chunk)));
  for (const r of rows) f.write(r, out);
  out.flush();
  return text;
}

function loopRow(): LoopRow {
  const s = createPlantSample();
  Object.assign(s, {
    tS: 2,
    tHotC: 40.5,
    tColdC: 35.25,
    mDotKgS: 0.0123456789,
    qInW: 150.5,
    uaWK: 9.87654321,
    tAmbC: 25,
    pumpDuty: 190,
    heaterDuty: 254,
    fanDuty: 1,
    adcHot: 2048,
    adcCold: 2100,
    adcAmb: 1999,
    pulses: 12345,
    anomaly: 1,
    changepoint: 0,
    // Bits 0 and 2: FAULT_KINDS[0] and [2].
    faultMask: 5,
  });
  return {
    model: "loop",
    sample: s,
    pumpSetpoint: 200,
    heaterSetpoint: 255,
    fanSetpoint: 0,
    measTHotC: 40.1234,
    measTColdC: 35.2,
    measTAmbC: 24.9996,
    measFlowLpm: 3.5,
  };
}

describe("csvHeader", () => {
  it("writes the seed, loop and loop-with-sensors columns in the contract's order", () => {
    expect(csvHeader("seed", false)).toBe("t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,q_out_w");
    expect(csvHeader("seed", true)).toBe("t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,q_out_w");
    expect(csvHeader("loop", false)).toBe(LOOP_HEADER);
    expect(csvHeader("loop", true)).toBe(`${LOOP_HEADER},${SENSOR_HEADER}`);
    expect(SEED_COLUMNS.join(",")).toBe("t_s,t_hot_c,t_cold_c,m_dot_kg_s,q_in_w,q_out_w");
    expect(LOOP_TRUE_COLUMNS.join(",")).toBe(LOOP_HEADER);
    expect(LOOP_SENSOR_COLUMNS.join(",")).toBe(SENSOR_HEADER);
  });
});

describe("timeDecimals", () => {
  it("gives the fewest decimals that print every multiple of dt exactly, at most 9", () => {
    const table: [number, number][] = [
      [1, 0],
      [60, 0],
      [0.5, 1],
      [0.1, 1],
      [0.3, 1],
      [0.25, 2],
      [0.025, 3],
      [0.001, 3],
      // 1234567.89 x 100 is 123456788.99999999 in floating point: within 1e-9 of the whole number relatively.
      [1234567.89, 2],
      [1e-8, 8],
      [1.5e-8, 9],
      [1e-9, 9],
      [Math.PI, 9],
    ];
    for (const [dtS, d] of table) expect(timeDecimals(dtS), String(dtS)).toBe(d);
  });
});

describe("CsvRowFormatter", () => {
  it("writes a seed row: time at dt's decimals, temperatures 6, flow 8, heat flows 4", () => {
    const row: SeedRow = {
      model: "seed",
      tS: 1.5,
      tHotC: 30.1234564,
      tColdC: -2.5,
      mDotKgS: 0.05,
      qInW: 1000,
      qOutW: 12.3456,
    };
    expect(written(0.5, false, [row])).toBe("1.5,30.123456,-2.500000,0.05000000,1000.0000,12.3456\n");
    // The same values again (the repeated columns copy their last bytes), then new ones.
    expect(written(0.25, true, [row, row, { ...row, tS: 1.75, mDotKgS: 0.1, qInW: 0, qOutW: 7 }])).toBe(
      "1.50,30.123456,-2.500000,0.05000000,1000.0000,12.3456\n" +
        "1.50,30.123456,-2.500000,0.05000000,1000.0000,12.3456\n" +
        "1.75,30.123456,-2.500000,0.10000000,0.0000,7.0000\n",
    );
  });

  it("writes a loop row's true columns only, without sensors", () => {
    expect(written(1, false, [loopRow()])).toBe(
      "2,40.500000,35.250000,0.01234568,150.5000,9.87654,25.0000\n",
    );
  });

  it("writes a loop row with sensors: readings at 3 decimals, integers, the fault kinds joined by +", () => {
    expect(written(0.5, true, [loopRow()])).toBe(
      "2.0,40.500000,35.250000,0.01234568,150.5000,9.87654,25.0000," +
        "40.123,35.200,25.000,3.500,200,255,0,190,254,1,2048,2100,1999,12345,1,0,pump_degradation+hx_fouling\n",
    );
  });

  it("leaves a missing reading, a missing ambient probe and no fault empty", () => {
    const row = loopRow();
    row.measTHotC = Number.NaN;
    row.measFlowLpm = Number.NaN;
    row.measTAmbC = Number.NaN;
    Object.assign(row.sample, { adcAmb: -1, faultMask: 0, anomaly: 0, changepoint: 1 });
    expect(written(0.5, true, [row])).toBe(
      "2.0,40.500000,35.250000,0.01234568,150.5000,9.87654,25.0000," +
        ",35.200,,,200,255,0,190,254,1,2048,2100,,12345,0,1,\n",
    );
    // adc 0 is a count like any other.
    Object.assign(row.sample, { adcAmb: 0 });
    expect(written(0.5, true, [row]).split(",")[19]).toBe("0");
  });
});
