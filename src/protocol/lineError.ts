/**
 * Why a line was rejected. Bad data from the wire is never thrown (docs/design.md 8, rule 2): the
 * parsers return these, the stream statistics count them, and the device side maps them to NAK
 * reasons.
 */
import type { NakReason, WireField } from "./messages.js";

/** The kinds of bad line, as the golden vectors name them. */
export const LINE_ERROR_KINDS = ["crc", "malformed", "unknown_type", "bad_field", "too_long"] as const;
export type LineErrorKind = (typeof LINE_ERROR_KINDS)[number];

/**
 * `id` on a command error is the command id when the CRC was good and the id field valid, so the
 * device can answer `NAK,<id>,<reason>`; without it the line is dropped and counted.
 */
export type LineError =
  /** The CRC after `*` does not match the bytes before it. */
  | { readonly kind: "crc"; readonly receivedCrc: number; readonly computedCrc: number }
  /** No `*CCCC` trailer, an empty type, a `*` inside the fields, or the wrong number of fields. */
  | { readonly kind: "malformed"; readonly problem: string; readonly id?: number }
  /** A well-formed line of a type this side does not know (counted, not an error of the link). */
  | { readonly kind: "unknown_type"; readonly lineType: string; readonly id?: number }
  /**
   * A field that is empty, not a number, or out of range. `problem` is `syntax` for empty or
   * non-numeric text and `range` for a well-formed value outside the allowed set.
   */
  | {
      readonly kind: "bad_field";
      readonly field: WireField;
      readonly problem: "syntax" | "range";
      readonly raw: string;
      readonly id?: number;
    }
  /** More than 159 bytes before the `\n` (160 with it). */
  | { readonly kind: "too_long"; readonly lengthBytes: number };

/** One line for humans: `bad_field t_ms: out of range ("4294967296")`. */
export function describeLineError(e: LineError): string {
  switch (e.kind) {
    case "crc":
      return `crc: line says ${hex4(e.receivedCrc)}, bytes give ${hex4(e.computedCrc)}`;
    case "malformed":
      return `malformed: ${e.problem}`;
    case "unknown_type":
      return `unknown_type: ${JSON.stringify(e.lineType)}`;
    case "bad_field":
      return `bad_field ${e.field}: ${e.problem === "range" ? "out of range" : "not a valid value"} (${JSON.stringify(e.raw)})`;
    case "too_long":
      return `too_long: ${e.lengthBytes} bytes before the newline (at most 159)`;
  }
}

/**
 * What a device answers to a bad command line: `NAK,<id>,<reason>` (docs/protocol.md "ACK and NAK"), or `null`
 * when it cannot answer (bad CRC, overlong line, or no trustworthy id) and only counts the line.
 */
export function nakFor(e: LineError): { readonly id: number; readonly reason: NakReason } | null {
  switch (e.kind) {
    case "crc":
    case "too_long":
      return null;
    case "malformed":
      return e.id === undefined ? null : { id: e.id, reason: "syntax" };
    case "unknown_type":
      return e.id === undefined ? null : { id: e.id, reason: "unknown" };
    case "bad_field":
      if (e.id === undefined) return null;
      return { id: e.id, reason: e.problem === "range" ? `range:${e.field}` : "syntax" };
  }
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}
