/**
 * The decoder's fast lane for what a device stream is made of: a whole good TLM line read straight
 * from the chunk, from its first byte to its `\n`, in one pass over the fields, then its CRC. The
 * framer's search for the `\n` (a pass of its own over every byte), the envelope checks and the
 * line type are not needed for such a line: its end is where its `*CCCC` trailer ends.
 *
 * It accepts exactly the lines the framer and {@link parseDeviceBytes} accept as good TLM without
 * trailing fields, with the same fields (the checks are those of parse.ts's one-pass reader, on
 * the same field limits); anything else (another type, an error of any kind, trailing fields, an
 * overlong line, a line the chunk cuts) is declined, and the framer and the general parse then
 * read it, which name the error as they always have. tests/protocol/tlmLineReader.test.ts checks
 * both lanes give the same messages, errors and statistics, chunk boundaries anywhere.
 */
import { CRC16_INIT, crc16Update } from "./crc16.js";
import { hex4At } from "./fieldCursor.js";
import { ADC_AMB_ABSENT, LIMITS, MAX_LINE_CONTENT_BYTES } from "./messages.js";
import { AMB_FIELD, TLM_DECIMAL_MAX, type TlmSlot } from "./parse.js";

const LF = 10;
const CR = 13;
const STAR = 42;
const COMMA = 44;
/** `TLM,` */
const T = 84;
const L = 76;
const M = 77;

/** The decimal fields of the line being read (scratch; Uint32 for the reason parse.ts's reader gives). */
const fields = new Uint32Array(TLM_DECIMAL_MAX.length);

/**
 * Reads the good TLM line that starts at `bytes[start]` and ends, `\n` included, before `end`
 * into `slot`; returns the index after its `\n`, or -1 (the slot untouched) for anything else.
 */
export function readGoodTlmLine(bytes: Uint8Array, start: number, end: number, slot: TlmSlot): number {
  if (
    start + 4 > end ||
    bytes[start] !== T ||
    bytes[start + 1] !== L ||
    bytes[start + 2] !== M ||
    bytes[start + 3] !== COMMA
  )
    return -1;
  let ambAbsent = false;
  let i = start + 4;
  for (let f = 0; f < TLM_DECIMAL_MAX.length; f++) {
    if (f === AMB_FIELD && i < end && bytes[i] === COMMA) {
      ambAbsent = true;
      i++;
      continue;
    }
    const fieldStart = i;
    let v = 0;
    for (; i < end; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === fieldStart || i >= end || bytes[i] !== COMMA || v > TLM_DECIMAL_MAX[f]!) return -1;
    fields[f] = v;
    i++;
  }
  // flags: hex, either case, up to the `*`.
  const flagsStart = i;
  let flags = 0;
  for (; i < end; i++) {
    const ch = bytes[i]!;
    let d: number;
    if (ch >= 48 && ch <= 57) d = ch - 48;
    else if (ch >= 65 && ch <= 70) d = ch - 55;
    else if (ch >= 97 && ch <= 102) d = ch - 87;
    else break;
    flags = flags * 16 + d;
  }
  if (i === flagsStart || flags > LIMITS.uint32Max) return -1;
  // `*CCCC`, then `\n` or `\r\n`, all within the chunk and the line's length cap.
  const star = i;
  if (star + 5 >= end || bytes[star] !== STAR) return -1;
  const receivedCrc = hex4At(bytes, star + 1);
  if (receivedCrc < 0) return -1;
  let nl = star + 5;
  if (bytes[nl] === CR) nl++;
  if (nl >= end || bytes[nl] !== LF || nl - start > MAX_LINE_CONTENT_BYTES) return -1;
  if (crc16Update(CRC16_INIT, bytes, start, star) !== receivedCrc) return -1;
  slot.seq = fields[0]!;
  slot.tMs = fields[1]!;
  slot.adcHot = fields[2]!;
  slot.adcCold = fields[3]!;
  slot.adcAmb = ambAbsent ? ADC_AMB_ABSENT : fields[AMB_FIELD]!;
  slot.pulses = fields[5]!;
  slot.pumpDuty = fields[6]!;
  slot.heaterDuty = fields[7]!;
  slot.fanDuty = fields[8]!;
  slot.flags = flags;
  slot.extra = undefined;
  return nl + 1;
}
