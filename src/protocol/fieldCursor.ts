/**
 * Reads the comma-separated fields of one line body straight from its bytes, without substrings
 * (the TLM hot path). Internal to the parsers: one instance per parser module, reset per line.
 */

const COMMA = 44;
const DOT = 46;

/** Returned by the numeric readers for empty or non-numeric text. */
export const FIELD_SYNTAX = -1;
/** Returned by the numeric readers for a well-formed number above the maximum. */
export const FIELD_RANGE = -2;

export class FieldCursor {
  bytes: Uint8Array = new Uint8Array(0);
  /** Start of the next field; `> end` once the last field has been read. */
  pos = 0;
  /** End of the body (index of the `*`). */
  end = 0;
  /** Bounds of the field read last, for error reports. */
  fieldStart = 0;
  fieldEnd = 0;

  reset(bytes: Uint8Array, pos: number, end: number): void {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Whether the next field is empty (`,,` or a trailing `,`). */
  nextIsEmpty(): boolean {
    return this.pos >= this.end || this.bytes[this.pos] === COMMA;
  }

  /**
   * Reads a decimal field (digits only, leading zeros accepted) into `0..max`, or returns
   * {@link FIELD_SYNTAX} / {@link FIELD_RANGE}. With `stopAtDot` it stops at a `.` (HELLO's
   * version) and leaves `pos` on it.
   */
  uint(max: number, stopAtDot = false): number {
    const bytes = this.bytes;
    const end = this.end;
    const start = this.pos;
    let i = start;
    let v = 0;
    let bad = false;
    while (i < end) {
      const ch = bytes[i]!;
      if (ch === COMMA || (stopAtDot && ch === DOT)) break;
      const d = ch - 48;
      if (d < 0 || d > 9) bad = true;
      else if (v <= max) v = v * 10 + d;
      i++;
    }
    this.fieldStart = start;
    this.fieldEnd = i;
    this.pos = stopAtDot && i < end && bytes[i] === DOT ? i : i + 1;
    if (bad || i === start) return FIELD_SYNTAX;
    return v > max ? FIELD_RANGE : v;
  }

  /** Reads a hex field (either case, no prefix) into `0..max`, or FIELD_SYNTAX / FIELD_RANGE. */
  hex(max: number): number {
    const bytes = this.bytes;
    const end = this.end;
    const start = this.pos;
    let i = start;
    let v = 0;
    let bad = false;
    while (i < end) {
      const ch = bytes[i]!;
      if (ch === COMMA) break;
      const d = hexDigit(ch);
      if (d < 0) bad = true;
      else if (v <= max) v = v * 16 + d;
      i++;
    }
    this.fieldStart = start;
    this.fieldEnd = i;
    this.pos = i + 1;
    if (bad || i === start) return FIELD_SYNTAX;
    return v > max ? FIELD_RANGE : v;
  }

  /**
   * Reads a token field: one or more printable ASCII bytes (0x21-0x7E). Returns `null` when it is
   * empty or holds anything else.
   */
  token(): string | null {
    const start = this.pos;
    const end = this.skipField();
    if (end === start) return null;
    for (let i = start; i < end; i++) {
      const ch = this.bytes[i]!;
      if (ch < 0x21 || ch > 0x7e) return null;
    }
    return latin1(this.bytes, start, end);
  }

  /** Skips one field; returns its end. */
  skipField(): number {
    const bytes = this.bytes;
    const end = this.end;
    const start = this.pos;
    let i = start;
    while (i < end && bytes[i] !== COMMA) i++;
    this.fieldStart = start;
    this.fieldEnd = i;
    this.pos = i + 1;
    return i;
  }

  /** The field read last, as text (for error reports). */
  lastRaw(): string {
    return latin1(this.bytes, this.fieldStart, this.fieldEnd);
  }

  /** Everything from the next field to the end of the body, raw (EMU's fault spec). */
  rest(): string {
    const s = this.pos > this.end ? "" : latin1(this.bytes, this.pos, this.end);
    this.fieldStart = Math.min(this.pos, this.end);
    this.fieldEnd = this.end;
    this.pos = this.end + 1;
    return s;
  }

  /** The remaining fields, raw (unknown trailing fields of a newer minor version). */
  remaining(): string[] {
    const out: string[] = [];
    while (this.pos <= this.end) {
      const start = this.pos;
      out.push(latin1(this.bytes, start, this.skipField()));
    }
    return out;
  }
}

function hexDigit(ch: number): number {
  if (ch >= 48 && ch <= 57) return ch - 48;
  if (ch >= 65 && ch <= 70) return ch - 55;
  if (ch >= 97 && ch <= 102) return ch - 87;
  return -1;
}

/** Bytes as characters 0-255 (the wire is ASCII; anything else shows as itself in reports). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Value of 4 hex digits at `bytes[at..at+4)`, or -1. */
export function hex4At(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const d = hexDigit(bytes[i] ?? 0);
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}
