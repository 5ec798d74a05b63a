/**
 * Parser for the project's own CSV runs (`looptwin simulate --sensors`, simulateCsv.ts; or any
 * comma-separated file with `t_s` first): every numeric column becomes a channel (empty cells
 * are NaN: a thermistor reading open, no flow estimate yet), `anomaly` and `changepoint` become
 * the labels (0/1), and the text column `fault` (the active fault kinds) is skipped.
 *
 * The table keeps every column, the simulator's ground truth (`t_hot_c`, `m_dot_kg_s`, ...) and
 * raw counts included, for the readers that need them (monitorTable.ts reads `adc_*`, `pulses`).
 * A detector must not see them all: the learned detector's channels on this data are chosen in
 * looptwinLearnedChannels.ts (the twin's residuals), never the table's channel list as it is.
 *
 * Pure (text in, table out). Every problem is an {@link InputFileError} naming the file, the
 * 1-based line and the column.
 */
import { InputFileError } from "../../core/errors.js";
import { checkColumnNames, columnRef, decimalOrNaN } from "./csvHeader.js";
import type { LabelledTable } from "./labelledTable.js";

export const LOOPTWIN_TIME_COLUMN = "t_s";
const LABEL_COLUMNS = ["anomaly", "changepoint"] as const;
/** Text columns, not read. */
const TEXT_COLUMNS: readonly string[] = ["fault"];

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Parses looptwin CSV text (the content of `source`) into a {@link LabelledTable}. */
export function parseLooptwinCsv(text: string, source: string): LabelledTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split("\n");
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? "").trim() === "") end--;
  if (end === 0) throw new InputFileError(source, "empty file: expected a header row", { line: 1 });
  const header = stripCr(lines[0] ?? "")
    .split(",")
    .map((h) => h.trim());
  if (header[0] !== LOOPTWIN_TIME_COLUMN)
    throw new InputFileError(
      source,
      `first column must be "${LOOPTWIN_TIME_COLUMN}" (got ${JSON.stringify(header[0])})`,
      { line: 1, column: columnRef(0, header[0]) },
    );
  checkColumnNames(header, source);
  const channelCols: number[] = [];
  for (let i = 1; i < header.length; i++) {
    const name = header[i] as string;
    if (!(LABEL_COLUMNS as readonly string[]).includes(name) && !TEXT_COLUMNS.includes(name))
      channelCols.push(i);
  }
  const anomalyCol = header.indexOf("anomaly");
  const changepointCol = header.indexOf("changepoint");
  const rowCount = end - 1;
  if (rowCount === 0) throw new InputFileError(source, "no data rows after the header", { line: 2 });
  const timeText: string[] = new Array<string>(rowCount);
  const timeS = new Float64Array(rowCount);
  const channels = channelCols.map(() => new Float64Array(rowCount));
  const anomaly = anomalyCol >= 0 ? new Uint8Array(rowCount) : undefined;
  const changepoint = changepointCol >= 0 ? new Uint8Array(rowCount) : undefined;
  for (let r = 0; r < rowCount; r++) {
    const lineNo = r + 2;
    const cells = stripCr(lines[r + 1] ?? "").split(",");
    if (cells.length !== header.length) {
      const at = Math.min(cells.length, header.length);
      throw new InputFileError(
        source,
        `ragged row: ${cells.length} fields, header has ${header.length} (${cells.length < header.length ? "column missing" : "extra field"})`,
        { line: lineNo, column: columnRef(at, header[at]) },
      );
    }
    const tText = (cells[0] as string).trim();
    const t = decimalOrNaN(tText);
    if (!Number.isFinite(t))
      throw new InputFileError(source, `not a time in seconds: ${JSON.stringify(tText)}`, {
        line: lineNo,
        column: columnRef(0, LOOPTWIN_TIME_COLUMN),
      });
    if (r > 0 && t < (timeS[r - 1] as number))
      throw new InputFileError(source, `time goes backwards (${tText} after ${timeText[r - 1]})`, {
        line: lineNo,
        column: columnRef(0, LOOPTWIN_TIME_COLUMN),
      });
    timeText[r] = tText;
    timeS[r] = t;
    for (let c = 0; c < channelCols.length; c++) {
      const col = channelCols[c] as number;
      const cell = (cells[col] as string).trim();
      const v = decimalOrNaN(cell);
      if (cell !== "" && !Number.isFinite(v))
        throw new InputFileError(source, `not a number: ${JSON.stringify(cell)}`, {
          line: lineNo,
          column: columnRef(col, header[col]),
        });
      (channels[c] as Float64Array)[r] = v;
    }
    for (const [col, out] of [
      [anomalyCol, anomaly],
      [changepointCol, changepoint],
    ] as const) {
      if (col < 0 || out === undefined) continue;
      const cell = (cells[col] as string).trim();
      const v = decimalOrNaN(cell);
      if (v !== 0 && v !== 1)
        throw new InputFileError(source, `label must be 0 or 1: ${JSON.stringify(cell)}`, {
          line: lineNo,
          column: columnRef(col, header[col]),
        });
      out[r] = v;
    }
  }
  return {
    source,
    timeColumn: LOOPTWIN_TIME_COLUMN,
    timeText,
    timeS,
    channelNames: channelCols.map((i) => header[i] as string),
    channels,
    anomaly,
    changepoint,
    rowCount,
  };
}
