/**
 * The decoder's fast lane for what a device stream is made of: a whole good TLM line read straight
 * from the chunk, from its first byte to its `\n`, in one pass over the fields, then its CRC. The
 * framer's search for the `\n` (a pass of its own over every byte), the envelope checks and the
 * line type are not needed for such a line: its end is where its `*CCCC` trailer ends.
 *
 * It accepts exactly the lines the framer and {@link parseDeviceBytes} accept as good TLM without
 * trailing fields, with the same fields (it reads them with parse.ts's one-pass reader,
 * readTlmFields); anything else (another type, an error of any kind, trailing fields, an
 * overlong line, a line the chunk cuts) is declined, and the framer and the general parse then
 * read it, which name the error as they always have. tests/protocol/tlmLineReader.test.ts checks
 * both lanes give the same messages, errors and statistics, chunk boundaries anywhere.
 */
import { CRC16_INIT, crc16Update } from "./crc16.js";
import { hex4At } from "./fieldCursor.js";
import { MAX_LINE_CONTENT_BYTES } from "./messages.js";
import { fillTlmSlot, readTlmFields, type TlmSlot } from "./parse.js";

const LF = 10;
const CR = 13;
const STAR = 42;
const COMMA = 44;
/** `TLM,` */
const T = 84;
const L = 76;
const M = 77;

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
  // The fields and flags, read as the general parse reads a good line (parse.ts).
  const star = readTlmFields(bytes, start + 4, end);
  if (star < 0) return -1;
  // `*CCCC`, then `\n` or `\r\n`, all within the chunk and the line's length cap.
  if (star + 5 >= end || bytes[star] !== STAR) return -1;
  const receivedCrc = hex4At(bytes, star + 1);
  if (receivedCrc < 0) return -1;
  let nl = star + 5;
  if (bytes[nl] === CR) nl++;
  if (nl >= end || bytes[nl] !== LF || nl - start > MAX_LINE_CONTENT_BYTES) return -1;
  if (crc16Update(CRC16_INIT, bytes, start, star) !== receivedCrc) return -1;
  fillTlmSlot(slot);
  return nl + 1;
}
