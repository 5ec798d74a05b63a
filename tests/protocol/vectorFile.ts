/** Reads tests/fixtures/protocol/vectors.tsv (format: its header comment; docs/protocol.md "Test vectors"). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const VECTORS_PATH = fileURLToPath(new URL("../fixtures/protocol/vectors.tsv", import.meta.url));

export interface Vector {
  readonly lineNo: number;
  readonly group: "crc" | "command" | "device";
  /** The input column as written (escaped). */
  readonly text: string;
  /** The input bytes after unescaping. */
  readonly input: Uint8Array;
  readonly expect: string;
}

/** Unescapes `\\ \t \r \n \xHH`; any other backslash sequence is an error in the file. */
export function unescapeInput(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      if (c > 0x7f) throw new Error(`non-ASCII character in ${JSON.stringify(text)}: use \\xHH`);
      out.push(c);
      continue;
    }
    const n = text[i + 1];
    if (n === "\\") out.push(0x5c);
    else if (n === "t") out.push(9);
    else if (n === "r") out.push(13);
    else if (n === "n") out.push(10);
    else if (n === "x" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 2;
    } else throw new Error(`bad escape in ${JSON.stringify(text)} at ${i}`);
    i++;
  }
  return Uint8Array.from(out);
}

export function readVectors(path = VECTORS_PATH): Vector[] {
  const out: Vector[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line === "" || line.startsWith("#")) return;
      const cols = line.split("\t");
      if (cols.length !== 3) throw new Error(`vectors.tsv line ${i + 1}: ${cols.length} columns, want 3`);
      const [group, text, expect] = cols as [string, string, string];
      if (group !== "crc" && group !== "command" && group !== "device")
        throw new Error(`vectors.tsv line ${i + 1}: unknown group ${JSON.stringify(group)}`);
      out.push({ lineNo: i + 1, group, text, input: unescapeInput(text), expect });
    });
  return out;
}
