/**
 * Parser for SKAB-layout CSV (Skoltech Anomaly Benchmark, `waico/SKAB`, data/ folder): `;`-separated,
 * a header row, `datetime` first (`YYYY-MM-DD HH:MM:SS`), then numeric channels, then optional
 * `anomaly` and `changepoint` label columns (0/1, written `0.0`/`1.0` in SKAB). CRLF or LF line ends.
 *
 * Pure (text in, table out): file reading is the CLI's job. Every problem is an
 * {@link InputFileError} naming the file, the 1-based line and the column; nothing is skipped
 * except blank lines after the last row.
 */
import { InputFileError } from "../../core/errors.js";
import { checkColumnNames, columnRef, decimalOrNaN } from "./csvHeader.js";
import type { LabelledTable } from "./labelledTable.js";

const SEPARATOR = ";";
const TIME_COLUMN = "datetime";
const LABEL_COLUMNS = ["anomaly", "changepoint"] as const;

/** `YYYY-MM-DD HH:MM:SS[.fff]` or with `T`, read as UTC (only differences matter). */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)Z?$/;

/** Parses a SKAB datetime to seconds since the Unix epoch (UTC), or `undefined`. */
export function parseSkabDatetime(text: string): number | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second >= 61)
    return undefined;
  const ms = utcMs(Number(y), month - 1, day, hour, minute);
  if (!Number.isFinite(ms) || new Date(ms).getUTCDate() !== day) return undefined;
  return ms / 1000 + second;
}

/** Parses one numeric cell; `undefined` when it is not a finite decimal number. */
function parseCell(text: string): number | undefined {
  const v = decimalOrNaN(text.trim());
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Parses SKAB CSV text into a {@link LabelledTable}.
 * @param text the whole file
 * @param source the file name used in error messages
 */
export function parseSkabCsv(text: string, source: string): LabelledTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split("\n");
  // Blank lines after the last row carry no data; anywhere else they are an error.
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? "").trim() === "") end--;
  if (end === 0) throw new InputFileError(source, "empty file: expected a header row", { line: 1 });

  const header = stripCr(lines[0] ?? "")
    .split(SEPARATOR)
    .map((h) => h.trim());
  if (header.length < 2 && !(lines[0] ?? "").includes(SEPARATOR))
    throw new InputFileError(source, `header is not ";"-separated (got ${JSON.stringify(header[0])})`, {
      line: 1,
    });
  if (header[0] !== TIME_COLUMN)
    throw new InputFileError(
      source,
      `first column must be "${TIME_COLUMN}" (got ${JSON.stringify(header[0])})`,
      {
        line: 1,
        column: columnRef(0, header[0]),
      },
    );
  checkColumnNames(header, source);

  // Label columns, when present, come last and in SKAB's order.
  let firstLabel = header.length;
  for (let i = header.length - 1; i > 0; i--) {
    const name = header[i] as string;
    if (!(LABEL_COLUMNS as readonly string[]).includes(name)) break;
    firstLabel = i;
  }
  const labelNames = header.slice(firstLabel);
  const expectedOrder = LABEL_COLUMNS.filter((l) => labelNames.includes(l));
  if (labelNames.join(";") !== expectedOrder.join(";"))
    throw new InputFileError(source, `label columns must be in the order ${LABEL_COLUMNS.join(";")}`, {
      line: 1,
      column: columnRef(firstLabel, header[firstLabel]),
    });
  for (let i = 1; i < firstLabel; i++) {
    if ((LABEL_COLUMNS as readonly string[]).includes(header[i] as string))
      throw new InputFileError(source, "label columns must come after every channel column", {
        line: 1,
        column: columnRef(i, header[i]),
      });
  }
  const channelNames = header.slice(1, firstLabel);
  if (channelNames.length === 0)
    throw new InputFileError(source, "missing columns: no numeric channel between datetime and the labels", {
      line: 1,
    });

  const rowCount = end - 1;
  if (rowCount === 0) throw new InputFileError(source, "no data rows after the header", { line: 2 });
  const timeText: string[] = new Array<string>(rowCount);
  const timeS = new Float64Array(rowCount);
  const channels = channelNames.map(() => new Float64Array(rowCount));
  const anomalyIdx = labelNames.indexOf("anomaly");
  const changepointIdx = labelNames.indexOf("changepoint");
  const anomaly = anomalyIdx >= 0 ? new Uint8Array(rowCount) : undefined;
  const changepoint = changepointIdx >= 0 ? new Uint8Array(rowCount) : undefined;

  for (let r = 0; r < rowCount; r++) {
    const lineNo = r + 2;
    const cells = stripCr(lines[r + 1] ?? "").split(SEPARATOR);
    if (cells.length !== header.length) {
      const problem =
        cells.length < header.length
          ? `ragged row: ${cells.length} fields, header has ${header.length} (column missing)`
          : `ragged row: ${cells.length} fields, header has ${header.length} (extra field)`;
      const at = Math.min(cells.length, header.length);
      throw new InputFileError(source, problem, { line: lineNo, column: columnRef(at, header[at]) });
    }
    const tText = (cells[0] as string).trim();
    const t = parseSkabDatetime(tText);
    if (t === undefined)
      throw new InputFileError(
        source,
        `not a datetime (want YYYY-MM-DD HH:MM:SS): ${JSON.stringify(tText)}`,
        {
          line: lineNo,
          column: columnRef(0, TIME_COLUMN),
        },
      );
    if (r > 0 && t < (timeS[r - 1] as number))
      throw new InputFileError(source, `time goes backwards (${tText} after ${timeText[r - 1]})`, {
        line: lineNo,
        column: columnRef(0, TIME_COLUMN),
      });
    timeText[r] = tText;
    timeS[r] = t;
    for (let c = 0; c < channelNames.length; c++) {
      const cell = cells[c + 1] as string;
      const v = parseCell(cell);
      if (v === undefined)
        throw new InputFileError(source, `not a number: ${JSON.stringify(cell.trim())}`, {
          line: lineNo,
          column: columnRef(c + 1, channelNames[c]),
        });
      (channels[c] as Float64Array)[r] = v;
    }
    for (let l = 0; l < labelNames.length; l++) {
      const col = firstLabel + l;
      const cell = cells[col] as string;
      const v = parseCell(cell);
      if (v !== 0 && v !== 1)
        throw new InputFileError(source, `label must be 0 or 1: ${JSON.stringify(cell.trim())}`, {
          line: lineNo,
          column: columnRef(col, header[col]),
        });
      if (l === anomalyIdx && anomaly) anomaly[r] = v;
      if (l === changepointIdx && changepoint) changepoint[r] = v;
    }
  }
  return {
    source,
    timeColumn: TIME_COLUMN,
    timeText,
    timeS,
    channelNames,
    channels,
    anomaly,
    changepoint,
    rowCount,
  };
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Date.UTC for every four-digit year: Date.UTC itself reads a year 0-99 as 1900-1999. */
function utcMs(year: number, monthIndex: number, day: number, hour: number, minute: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute);
  return date.getTime();
}
