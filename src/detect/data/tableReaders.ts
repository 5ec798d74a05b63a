/**
 * One entry point from file text to a {@link LabelledTable}, whatever the format: the CLI reads
 * the bytes, this picks the parser. A new format is a new case in {@link parseLabelledTable}.
 * `looptwin` here is the project's CSV (`simulate --sensors`); a looptwin recording (NDJSON) is
 * turned into the same table by the CLI, which owns the recording reader.
 */
import { ConfigError } from "../../core/errors.js";
import type { LabelledTable, TableFormat } from "./labelledTable.js";
import { parseLooptwinCsv } from "./looptwinCsv.js";
import { parseSkabCsv } from "./skabCsv.js";

/** Guesses the format from the header line, or `undefined` when it cannot tell. */
export function sniffTableFormat(text: string): TableFormat | undefined {
  const firstLine = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split("\n", 1)[0] ?? "";
  if (/^\s*datetime\s*;/.test(firstLine)) return "skab";
  if (/^\s*t_s\s*,/.test(firstLine) || /^\s*\{/.test(firstLine)) return "looptwin";
  return undefined;
}

/** Parses `text` (the content of `source`) in `format`. */
export function parseLabelledTable(format: TableFormat, text: string, source: string): LabelledTable {
  switch (format) {
    case "skab":
      return parseSkabCsv(text, source);
    case "looptwin":
      // Recordings (NDJSON) are read by the CLI (src/cli/recordingTable.ts), which has the reader.
      return parseLooptwinCsv(text, source);
    default: {
      const never: never = format;
      throw new ConfigError("--format", never, "unknown format");
    }
  }
}
