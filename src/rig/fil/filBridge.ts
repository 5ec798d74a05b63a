/**
 * The wire between the host and the firmware in simavr, where firmware-in-the-loop injects what
 * the firmware itself must never be patched for: link faults and emulator commands.
 *
 * - Link faults, with the emulated device's semantics (src/rig/emulator/emulatedDevice.ts) so a scenario
 *   means the same on both: `link_corrupt` flips one random bit of each byte, both ways, at rate
 *   `value`; `link_drop` loses each device line, and the first line of each host chunk, at rate
 *   `value`; while the link is down (`link_disconnect`) every byte is lost both ways.
 * - `EMU,<id>,<spec>` lines from the host (the emulator's fault injection; real firmware answers
 *   `NAK unknown`) are taken off the wire, CRC-checked, handed to {@link FilBridgeOptions.onEmu}
 *   and answered `ACK,<id>` or `NAK,<id>,<reason>` by the bridge; a repeated line (same id and
 *   CRC, among the last 16) is answered again and not applied twice. Every other byte reaches the
 *   firmware unchanged and in order.
 *
 * Pure: no I/O, no timers; randomness from a seeded generator.
 */
import { SeededRng } from "../../core/rng.js";
import { CRC16_TABLE } from "../../protocol/crc16.js";
import { hex4At } from "../../protocol/fieldCursor.js";
import { MAX_LINE_BYTES } from "../../protocol/messages.js";
import { parseCommandBytes } from "../../protocol/parse.js";
import { damageHostBytes, flipBits } from "../emulator/linkDamage.js";

export interface FilBridgeOptions {
  /** Seed of the link-fault randomness. */
  readonly seed: number;
  /** Take `EMU` lines off the wire and answer them here. @default true */
  readonly interceptEmu?: boolean;
  /** Applies an intercepted EMU line's fault spec (or `clear`): "" to acknowledge, else a NAK reason. */
  readonly onEmu?: (faultSpec: string) => string;
}

export interface FilBridgeStats {
  /** Lines lost by `link_drop` (both ways). */
  linesDropped: number;
  /** Bytes with a bit flipped by `link_corrupt` (both ways). */
  bytesCorrupted: number;
  /** Bytes lost while the link was down (both ways). */
  bytesLostWhileDown: number;
  /** EMU lines answered by the bridge (repeats included). */
  emuLines: number;
}

const EMU_PREFIX = [69, 77, 85, 44]; // "EMU,"
const DEDUPE = 16;

function crcBody(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffff;
  for (let i = start; i < end; i++) c = ((c << 8) ^ CRC16_TABLE[((c >>> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return c;
}

function withCrcLine(body: string): string {
  const b = Buffer.from(body, "latin1");
  return `${body}*${crcBody(b, 0, b.length).toString(16).toUpperCase().padStart(4, "0")}\n`;
}

export class FilLinkBridge {
  readonly stats: FilBridgeStats = { linesDropped: 0, bytesCorrupted: 0, bytesLostWhileDown: 0, emuLines: 0 };
  /** Byte error rate of `link_corrupt` now, 0-1. */
  corruptRate = 0;
  /** Line loss rate of `link_drop` now, 0-1. */
  dropRate = 0;
  private up = true;
  private readonly rng: SeededRng;
  private readonly interceptEmu: boolean;
  private readonly onEmu: (faultSpec: string) => string;
  /** Host bytes of the line being assembled (only while intercepting). */
  private readonly line = new Uint8Array(MAX_LINE_BYTES + 1);
  private lineLen = 0;
  /** An overlong host line passes through untouched up to its newline. */
  private passThrough = false;
  /** Device bytes of an unfinished line, held while `link_drop` decides per line. */
  private devicePartial: Buffer = Buffer.alloc(0);
  private readonly remembered: { id: number; crc: number; answer: string }[] = [];
  private rememberedNext = 0;

  constructor(options: FilBridgeOptions) {
    this.rng = new SeededRng(options.seed);
    this.interceptEmu = options.interceptEmu ?? true;
    this.onEmu = options.onEmu ?? (() => "unknown");
  }

  /** False while `link_disconnect` holds the link down. */
  get linkUp(): boolean {
    return this.up;
  }

  set linkUp(v: boolean) {
    if (!v) this.lineLen = 0;
    this.up = v;
  }

  /**
   * Host bytes arriving at the bridge. Returns the bytes for the firmware (possibly empty) and
   * writes the bridge's own answers (to EMU lines) into `answers`.
   */
  fromHost(bytes: Uint8Array, answers: string[]): Uint8Array {
    if (!this.up) {
      this.stats.bytesLostWhileDown += bytes.length;
      return new Uint8Array(0);
    }
    let data = bytes;
    if (this.corruptRate > 0 || this.dropRate > 0)
      data = damageHostBytes(bytes, this.corruptRate, this.dropRate, this.rng, this.stats);
    if (!this.interceptEmu) return data;
    const forward: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      if (this.passThrough) {
        forward.push(b);
        if (b === 10) this.passThrough = false;
        continue;
      }
      this.line[this.lineLen++] = b;
      if (b === 10) {
        this.endHostLine(forward, answers);
      } else if (this.lineLen > MAX_LINE_BYTES) {
        for (let k = 0; k < this.lineLen; k++) forward.push(this.line[k]!);
        this.lineLen = 0;
        this.passThrough = true;
      }
    }
    return Uint8Array.from(forward);
  }

  /** Device bytes on their way to the host, through the link faults (null when nothing arrives). */
  toHost(chunk: Buffer): Buffer | null {
    if (!this.up) {
      this.stats.bytesLostWhileDown += chunk.length + this.devicePartial.length;
      this.devicePartial = Buffer.alloc(0);
      return null;
    }
    let out = chunk;
    if (this.dropRate > 0 || this.devicePartial.length > 0) out = this.dropLines(chunk);
    if (this.corruptRate > 0 && out.length > 0) {
      out = Buffer.from(out);
      flipBits(out, this.corruptRate, this.rng, this.stats);
    }
    return out.length > 0 ? out : null;
  }

  /** Whole device lines only, each lost at `dropRate`; an unfinished line waits for its end. */
  private dropLines(chunk: Buffer): Buffer {
    const all = this.devicePartial.length > 0 ? Buffer.concat([this.devicePartial, chunk]) : chunk;
    const last = all.lastIndexOf(10);
    if (this.dropRate <= 0) {
      this.devicePartial = Buffer.alloc(0);
      return all;
    }
    this.devicePartial = Buffer.from(all.subarray(last + 1));
    const kept: Buffer[] = [];
    let start = 0;
    for (let nl = all.indexOf(10); nl >= 0 && nl <= last; nl = all.indexOf(10, start)) {
      if (this.rng.uniform() < this.dropRate) this.stats.linesDropped++;
      else kept.push(all.subarray(start, nl + 1));
      start = nl + 1;
    }
    return Buffer.concat(kept);
  }

  private endHostLine(forward: number[], answers: string[]): void {
    const len = this.lineLen;
    this.lineLen = 0;
    const line = this.line;
    let end = len - 1; // without '\n'
    if (end > 0 && line[end - 1] === 13) end--;
    const isEmu = end >= 4 && EMU_PREFIX.every((c, k) => line[k] === c);
    if (isEmu) {
      const r = parseCommandBytes(line, 0, end, { acceptEmu: true });
      if (r.ok && r.value.type === "EMU") {
        this.stats.emuLines++;
        const id = r.value.id;
        const crc = hex4At(line, end - 4);
        let answer: string | undefined;
        for (const m of this.remembered) if (m.id === id && m.crc === crc) answer = m.answer;
        if (answer === undefined) {
          answer = this.onEmu(r.value.faultSpec);
          const entry = { id, crc, answer };
          if (this.remembered.length < DEDUPE) this.remembered.push(entry);
          else this.remembered[this.rememberedNext] = entry;
          this.rememberedNext = (this.rememberedNext + 1) % DEDUPE;
        }
        answers.push(withCrcLine(answer === "" ? `ACK,${id}` : `NAK,${id},${answer}`));
        return;
      }
    }
    for (let k = 0; k < len; k++) forward.push(line[k]!);
  }
}
