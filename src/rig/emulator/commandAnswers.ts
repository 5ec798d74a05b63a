/**
 * How the firmware answers the host's lines when it does not simply apply them
 * (firmware/looptwin/src/lt/device.cpp, docs/protocol.md "ACK and NAK"): the id and reason of a
 * NAK for a refused CRC-valid line, and the memory of the last 16 (id, CRC) pairs with their
 * answers, so that a resent command is answered again without being applied twice. Pure; the
 * emulated device holds one memory.
 */
import { CRC16_TABLE } from "../../protocol/crc16.js";
import { hex4At } from "../../protocol/fieldCursor.js";
import type { LineError } from "../../protocol/lineError.js";

/** The answer `ACK` in a memory entry; anything else is a NAK reason. */
export const ACK = "";

interface Remembered {
  id: number;
  crc: number;
  /** {@link ACK}, otherwise the NAK reason. */
  answer: string;
}

/** The firmware's dedupe memory: one entry per id, the last `window` ids, the oldest replaced first. */
export class AnswerMemory {
  private readonly window: number;
  private readonly remembered: Remembered[] = [];
  private next = 0;

  constructor(window: number) {
    this.window = window;
  }

  /** The answer given to this very line (same id and CRC) before, or null. */
  find(id: number, crc: number): string | null {
    for (const m of this.remembered) if (m.id === id && m.crc === crc) return m.answer;
    return null;
  }

  remember(id: number, crc: number, answer: string): void {
    // One entry per id: a new command under a remembered id replaces it (device.cpp).
    for (const r of this.remembered) {
      if (r.id === id) {
        r.crc = crc;
        r.answer = answer;
        return;
      }
    }
    const entry = { id, crc, answer };
    if (this.remembered.length < this.window) this.remembered.push(entry);
    else this.remembered[this.next] = entry;
    this.next = (this.next + 1) % this.window;
  }

  /** Forgets everything (a reboot). */
  clear(): void {
    this.remembered.length = 0;
    this.next = 0;
  }
}

/** Whether the line `bytes[start, end)` has a well-formed `*CCCC` trailer matching its bytes. */
export function hasValidCrc(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 5 || bytes[end - 5] !== 42) return false;
  const wire = hex4At(bytes, end - 4);
  if (wire < 0) return false;
  let c = 0xffff;
  for (let i = start; i < end - 5; i++)
    c = ((c << 8) ^ CRC16_TABLE[((c >>> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return c === wire;
}

/** The id the firmware answers a refused CRC-valid line with (0 when it has none). */
export function refusalId(e: LineError, bytes: Uint8Array, start: number, end: number): number {
  if (e.kind === "malformed" && e.problem === "a * inside the fields") return 0;
  if (e.kind === "bad_field" && e.field === "id") return 0;
  if ((e.kind === "malformed" || e.kind === "unknown_type" || e.kind === "bad_field") && e.id !== undefined)
    return e.id;
  return bestEffortId(bytes, start, end - 5);
}

/** The NAK reason the firmware gives for a refused CRC-valid line. */
export function refusalReason(e: LineError): string {
  switch (e.kind) {
    case "unknown_type":
      return "unknown";
    case "bad_field":
      return e.problem === "range" && e.field !== "spec" ? `range:${e.field}` : "syntax";
    case "malformed":
    case "crc":
    case "too_long":
      return "syntax";
  }
}

/** Best-effort id as the firmware reads it: the first field after the type, if 1-65535. */
function bestEffortId(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && bytes[i] !== 44) i++;
  if (i >= end) return 0;
  i++;
  let v = 0;
  let digits = 0;
  for (; i < end && bytes[i] !== 44 && bytes[i] !== 42; i++) {
    const b = bytes[i]!;
    if (b < 48 || b > 57) return 0;
    v = v * 10 + (b - 48);
    digits++;
    if (v > 65535) return 0;
  }
  return digits > 0 && v >= 1 ? v : 0;
}
