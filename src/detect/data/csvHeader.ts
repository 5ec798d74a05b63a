/**
 * The header row of the labelled CSV files the detectors read (SKAB's and looptwin's): how a
 * column is named in an error, and the checks every header passes (no empty, no repeated name);
 * and the syntax of a numeric cell.
 */
import { InputFileError } from "../../core/errors.js";

/** A column as an error names it: `3 (T_hot)`, or `3` when it has no name. */
export function columnRef(index: number, name: string | undefined): string {
  return name === undefined || name === "" ? String(index + 1) : `${index + 1} (${name})`;
}

/** Throws an {@link InputFileError} (line 1, the column) for an empty or a repeated column name. */
export function checkColumnNames(header: readonly string[], source: string): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === "")
      throw new InputFileError(source, "empty column name", { line: 1, column: String(i + 1) });
    const before = seen.get(name);
    if (before !== undefined)
      throw new InputFileError(source, `duplicate column name (also column ${before + 1})`, {
        line: 1,
        column: columnRef(i, name),
      });
    seen.set(name, i);
  });
}

/** A decimal number as a CSV writer puts it: `-0.27`, `1.0`, `.5`, `5.`, `+3e-4`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A (trimmed) cell's value when it is a decimal number, else NaN. `Number` alone also reads
 * `0x1A` (26), `0o17`, `0b11` and `Infinity`, which no CSV writer means by a reading, and "" as 0.
 */
export function decimalOrNaN(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}
