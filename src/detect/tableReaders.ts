/**
 * One entry point from file text to a {@link LabelledTable}, whatever the format: the CLI reads
 * the bytes, this picks the parser. A new format is a new case in {@link parseLabelledTable}.
 */
import { ConfigError } from "../core/errors.js";
import type { LabelledTable, TableFormat } from "./labelledTable.js";
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
      throw new ConfigError(
        "--format",
        format,
        "reading the project's own simulator CSVs and recordings is not implemented yet (use --format skab)",
      );
    default: {
      const never: never = format;
      throw new ConfigError("--format", never, "unknown format");
    }
  }
}
