/**
 * Reads a `looptwin simulate --sensors` CSV (simulateCsv.ts, a contract) as calibration samples:
 * the measured columns and the applied duties, line by line, into a {@link CalibrationDataBuilder}.
 * The true-state and label columns are ignored (calibration sees only what a rig would measure).
 *
 * Needed columns: `t_s`, `meas_t_hot_c`, `meas_t_cold_c`, `pump_duty`, `heater_duty`, `fan_duty`;
 * used when present: `meas_t_amb_c`, `meas_flow_lpm`. An empty measured cell is a missing reading
 * (an open or shorted thermistor, no flow estimate yet). Anything else that is wrong (a missing
 * column, a ragged row, a non-numeric cell, a duty out of 0-255, time not increasing) is an
 * InputFileError with the file, the 1-based line and the column.
 */
import { InputFileError } from "../../core/errors.js";
import { DUTY_MAX } from "../../core/units.js";
import type { CalibrationDataBuilder } from "./calibrationData.js";

/** Columns a calibration needs. */
export const REQUIRED_CSV_COLUMNS = [
  "t_s",
  "meas_t_hot_c",
  "meas_t_cold_c",
  "pump_duty",
  "heater_duty",
  "fan_duty",
] as const;
/** Columns a calibration uses when they are there. */
export const OPTIONAL_CSV_COLUMNS = ["meas_t_amb_c", "meas_flow_lpm"] as const;

function columnRef(index: number, name: string | undefined): string {
  return name === undefined || name === "" ? String(index + 1) : `${index + 1} (${name})`;
}

/** Feeds the lines of a `simulate --sensors` CSV into a builder. */
export class SimulateCsvSampleReader {
  readonly file: string;
  private readonly builder: CalibrationDataBuilder;
  private header: string[] | undefined;
  private idx = new Int32Array(REQUIRED_CSV_COLUMNS.length + OPTIONAL_CSV_COLUMNS.length);

  constructor(file: string, builder: CalibrationDataBuilder) {
    this.file = file;
    this.builder = builder;
  }

  /** Reads line `lineNo` (1-based, without its newline). */
  line(raw: string, lineNo: number): void {
    let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (this.header === undefined) {
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.readHeader(text, lineNo);
      return;
    }
    if (text.trim() === "") return;
    this.readRow(text, lineNo);
  }

  /** Ends the input: a file without a header or rows is an error. */
  finish(): void {
    if (this.header === undefined)
      throw new InputFileError(this.file, "empty file: expected a CSV header", { line: 1 });
    if (this.builder.count === 0)
      throw new InputFileError(this.file, "no data rows after the header", { line: 2 });
  }

  private readHeader(text: string, lineNo: number): void {
    const header = text.split(",").map((c) => c.trim());
    if (header[0] !== "t_s")
      throw new InputFileError(
        this.file,
        `not a looptwin simulate CSV: the first column must be "t_s" (got ${JSON.stringify(header[0])})`,
        { line: lineNo, column: columnRef(0, header[0]) },
      );
    const all = [...REQUIRED_CSV_COLUMNS, ...OPTIONAL_CSV_COLUMNS];
    for (let i = 0; i < all.length; i++) {
      const name = all[i] as string;
      const at = header.indexOf(name);
      if (at < 0 && i < REQUIRED_CSV_COLUMNS.length)
        throw new InputFileError(
          this.file,
          `missing column ${JSON.stringify(name)} (write the CSV with looptwin simulate --sensors)`,
          { line: lineNo, column: name },
        );
      this.idx[i] = at;
    }
    this.header = header;
  }

  private readRow(text: string, lineNo: number): void {
    const header = this.header as string[];
    const cells = text.split(",");
    if (cells.length !== header.length) {
      const at = Math.min(cells.length, header.length);
      throw new InputFileError(
        this.file,
        `ragged row: ${cells.length} fields, header has ${header.length} (${cells.length < header.length ? "column missing" : "extra field"})`,
        { line: lineNo, column: columnRef(at, header[at]) },
      );
    }
    const cell = (slot: number, kind: "time" | "measured" | "duty"): number => {
      const at = this.idx[slot] as number;
      if (at < 0) return Number.NaN;
      const t = (cells[at] as string).trim();
      const where = { line: lineNo, column: columnRef(at, header[at]) };
      if (t === "") {
        if (kind === "measured") return Number.NaN;
        throw new InputFileError(this.file, "empty cell", where);
      }
      const v = Number(t);
      if (!Number.isFinite(v))
        throw new InputFileError(this.file, `not a number: ${JSON.stringify(t)}`, where);
      if (kind === "duty" && !(v >= 0 && v <= DUTY_MAX))
        throw new InputFileError(this.file, `duty must be 0-${DUTY_MAX} (got ${t})`, where);
      return v;
    };
    const tS = cell(0, "time");
    if (!(tS > this.builder.lastTimeS)) {
      const at = this.idx[0] as number;
      throw new InputFileError(
        this.file,
        `time does not increase (${tS} s after ${this.builder.lastTimeS} s)`,
        {
          line: lineNo,
          column: columnRef(at, header[at]),
        },
      );
    }
    this.builder.push({
      tS,
      tHotC: cell(1, "measured"),
      tColdC: cell(2, "measured"),
      pumpDuty: cell(3, "duty"),
      heaterDuty: cell(4, "duty"),
      fanDuty: cell(5, "duty"),
      tAmbC: cell(6, "measured"),
      flowLpm: cell(7, "measured"),
    });
  }
}
