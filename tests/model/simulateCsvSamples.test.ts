/**
 * SimulateCsvSampleReader: a `simulate --sensors` CSV (simulateCsv.ts, docs/design.md 5) read line
 * by line into calibration samples. Expected samples and messages are written by hand from the
 * module's contract: the columns by name, an empty measured cell a missing reading, and every other
 * problem an InputFileError `file (line L, column C): problem` (src/core/errors.ts).
 */
import { describe, expect, it } from "vitest";
import {
  CalibrationDataBuilder,
  type CalibrationSample,
} from "../../src/model/calibration/calibrationData.js";
import {
  OPTIONAL_CSV_COLUMNS,
  REQUIRED_CSV_COLUMNS,
  SimulateCsvSampleReader,
} from "../../src/model/calibration/simulateCsvSamples.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

/** A builder that also keeps every sample pushed, as pushed. */
class RecordingBuilder extends CalibrationDataBuilder {
  readonly samples: CalibrationSample[] = [];
  override push(s: CalibrationSample): void {
    this.samples.push(s);
    super.push(s);
  }
}

/** Feeds `lines` (line numbers from `firstLine`) and finishes; returns the samples pushed. */
function read(lines: readonly string[], firstLine = 1): CalibrationSample[] {
  const b = new RecordingBuilder("run.csv");
  const r = new SimulateCsvSampleReader("run.csv", b);
  lines.forEach((line, i) => {
    r.line(line, firstLine + i);
  });
  r.finish();
  return b.samples;
}

const messageOf = (lines: readonly string[], firstLine = 1): string =>
  inputFileErrorOf(() => read(lines, firstLine)).message;

// Columns in an order of their own, with a true-state column among them (ignored).
const HEADER =
  "t_s,fan_duty,meas_t_cold_c,pump_duty,t_hot_c,meas_flow_lpm,meas_t_hot_c,heater_duty,meas_t_amb_c";
// One row: t, fan, cold, pump, true hot, flow, hot, heater, amb.
const ROW = "0.5,12,29.25,200,99,3.5,30.75,150,24.5";
const SAMPLE: CalibrationSample = {
  tS: 0.5,
  tHotC: 30.75,
  tColdC: 29.25,
  pumpDuty: 200,
  heaterDuty: 150,
  fanDuty: 12,
  tAmbC: 24.5,
  flowLpm: 3.5,
};

describe("SimulateCsvSampleReader", () => {
  it("lists the needed and the optional columns of the contract", () => {
    expect(REQUIRED_CSV_COLUMNS).toEqual([
      "t_s",
      "meas_t_hot_c",
      "meas_t_cold_c",
      "pump_duty",
      "heater_duty",
      "fan_duty",
    ]);
    expect(OPTIONAL_CSV_COLUMNS).toEqual(["meas_t_amb_c", "meas_flow_lpm"]);
  });

  it("takes each field from its own column by name, whatever the order", () => {
    expect(read([HEADER, ROW])).toEqual([SAMPLE]);
  });

  it("trims the header names and the cells", () => {
    const header = HEADER.split(",")
      .map((c) => ` ${c} `)
      .join(",");
    const row = ROW.split(",")
      .map((c) => ` ${c}\t`)
      .join(",");
    expect(read([header, row])).toEqual([SAMPLE]);
  });

  it("drops a CR before the newline, a BOM before the header of line 1, and blank lines", () => {
    expect(read([`\ufeff${HEADER}\r`, `${ROW}\r`, "", "   ", "\r"])).toEqual([SAMPLE]);
    // A CR elsewhere than at the end is white space around a cell; the line keeps its last character.
    expect(read([HEADER, `\r${ROW}`])).toEqual([SAMPLE]);
  });

  it("reads a file without the optional columns, their readings missing", () => {
    const samples = read(["t_s,meas_t_hot_c,meas_t_cold_c,pump_duty,heater_duty,fan_duty", "2,30,29,1,2,3"]);
    expect(samples).toEqual([
      {
        tS: 2,
        tHotC: 30,
        tColdC: 29,
        pumpDuty: 1,
        heaterDuty: 2,
        fanDuty: 3,
        tAmbC: Number.NaN,
        flowLpm: Number.NaN,
      },
    ]);
  });

  it("reads an empty measured cell as a missing reading, and duties 0 and 255 as given", () => {
    const samples = read([HEADER, "1,0,,255,99,,,0,", "2,255,29,0,99,3,30,255,25"]);
    expect(samples).toEqual([
      {
        tS: 1,
        tHotC: Number.NaN,
        tColdC: Number.NaN,
        pumpDuty: 255,
        heaterDuty: 0,
        fanDuty: 0,
        tAmbC: Number.NaN,
        flowLpm: Number.NaN,
      },
      { tS: 2, tHotC: 30, tColdC: 29, pumpDuty: 0, heaterDuty: 255, fanDuty: 255, tAmbC: 25, flowLpm: 3 },
    ]);
  });

  it("refuses a header whose first column is not t_s, naming what it got", () => {
    expect(messageOf(["datetime;a;b"])).toBe(
      'run.csv (line 1, column 1 (datetime;a;b)): not a looptwin simulate CSV: the first column must be "t_s" (got "datetime;a;b")',
    );
    // An empty first name: the column by its number alone.
    expect(messageOf([",t_s"])).toBe(
      'run.csv (line 1, column 1): not a looptwin simulate CSV: the first column must be "t_s" (got "")',
    );
  });

  it("names the first needed column missing", () => {
    for (const name of REQUIRED_CSV_COLUMNS.slice(1)) {
      const header = HEADER.split(",")
        .filter((c) => c !== name)
        .join(",");
      expect(messageOf([header, ROW])).toBe(
        `run.csv (line 1, column ${name}): missing column "${name}" (write the CSV with looptwin simulate --sensors)`,
      );
    }
  });

  it("refuses a ragged row, naming the first column missing or the first extra field", () => {
    expect(messageOf([HEADER, "1,2,3"])).toBe(
      "run.csv (line 2, column 4 (pump_duty)): ragged row: 3 fields, header has 9 (column missing)",
    );
    // Past the header the column has no name: its number alone.
    expect(messageOf([HEADER, `${ROW},7,8`])).toBe(
      "run.csv (line 2, column 10): ragged row: 11 fields, header has 9 (extra field)",
    );
    // A column with an empty name is named by its number alone too.
    expect(messageOf(["t_s,,meas_t_hot_c,meas_t_cold_c,pump_duty,heater_duty,fan_duty", "1"])).toBe(
      "run.csv (line 2, column 2): ragged row: 1 fields, header has 7 (column missing)",
    );
  });

  it("refuses an empty time or duty cell", () => {
    expect(messageOf([HEADER, ",12,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 2, column 1 (t_s)): empty cell",
    );
    expect(messageOf([HEADER, "0.5,12,29.25, ,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 2, column 4 (pump_duty)): empty cell",
    );
    expect(messageOf([HEADER, "0.5,12,29.25,200,99,3.5,30.75,,24.5"])).toBe(
      "run.csv (line 2, column 8 (heater_duty)): empty cell",
    );
    expect(messageOf([HEADER, "0.5,,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 2, column 2 (fan_duty)): empty cell",
    );
  });

  it("refuses a cell that is not a finite number", () => {
    expect(messageOf([HEADER, "0.5,12,abc,200,99,3.5,30.75,150,24.5"])).toBe(
      'run.csv (line 2, column 3 (meas_t_cold_c)): not a number: "abc"',
    );
    expect(messageOf([HEADER, "Infinity,12,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      'run.csv (line 2, column 1 (t_s)): not a number: "Infinity"',
    );
    expect(messageOf([HEADER, "0.5,12,29.25,200,99,3.5,30.75,150,-Infinity"])).toBe(
      'run.csv (line 2, column 9 (meas_t_amb_c)): not a number: "-Infinity"',
    );
  });

  it("refuses a duty outside 0-255, quoting the cell as written", () => {
    expect(messageOf([HEADER, "0.5,12,29.25,256,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 2, column 4 (pump_duty)): duty must be 0-255 (got 256)",
    );
    expect(messageOf([HEADER, "0.5,12,29.25,200,99,3.5,30.75,-1,24.5"])).toBe(
      "run.csv (line 2, column 8 (heater_duty)): duty must be 0-255 (got -1)",
    );
    expect(messageOf([HEADER, "0.5,255.5,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 2, column 2 (fan_duty)): duty must be 0-255 (got 255.5)",
    );
    // A measured value has no such bound.
    expect(read([HEADER, "0.5,12,-300,200,99,-1,300,150,256"])[0]).toEqual({
      ...SAMPLE,
      tColdC: -300,
      flowLpm: -1,
      tHotC: 300,
      tAmbC: 256,
    });
  });

  it("refuses a time that does not increase, equal times included", () => {
    expect(messageOf([HEADER, ROW, "0.5,12,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 3, column 1 (t_s)): time does not increase (0.5 s after 0.5 s)",
    );
    expect(messageOf([HEADER, ROW, "0.25,12,29.25,200,99,3.5,30.75,150,24.5"])).toBe(
      "run.csv (line 3, column 1 (t_s)): time does not increase (0.25 s after 0.5 s)",
    );
  });

  it("refuses a file without a header or without rows", () => {
    expect(messageOf([])).toBe("run.csv (line 1): empty file: expected a CSV header");
    expect(messageOf([HEADER, "", "  "])).toBe("run.csv (line 2): no data rows after the header");
  });
});
