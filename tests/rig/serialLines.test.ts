/**
 * The serial line stream (@serialport/parser-readline behind the bounding stage) against a plain
 * reference of the wire rule (docs/design.md 4): split at `\n`, drop a `\r` before it, a line of
 * more than 159 bytes is discarded and reported with its length; an unfinished last line is not a
 * line. Any split of the bytes into chunks gives the same result, and memory stays bounded.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineBound, SerialLines } from "../../src/rig/hardware/serialLines.js";

type Out = (string | number)[];

/** The rule, written plainly: lines as latin1 strings, overlong lines as their length. */
function reference(bytes: Buffer): Out {
  const out: Out = [];
  let from = 0;
  for (;;) {
    const nl = bytes.indexOf(10, from);
    if (nl < 0) return out;
    const len = nl - from;
    if (len > 159) out.push(len);
    else {
      const end = len > 0 && bytes[nl - 1] === 13 ? nl - 1 : nl;
      out.push(bytes.subarray(from, end).toString("latin1"));
    }
    from = nl + 1;
  }
}

function run(chunks: readonly Buffer[]): { out: Out; maxBuffered: number; lines: SerialLines } {
  const out: Out = [];
  const lines = new SerialLines({
    onLine: (b, s, e) => out.push(Buffer.from(b.subarray(s, e)).toString("latin1")),
    onOverflow: (n) => out.push(n),
  });
  let maxBuffered = 0;
  for (const c of chunks) {
    lines.write(c);
    maxBuffered = Math.max(maxBuffered, lines.bufferedBytes);
  }
  return { out, maxBuffered, lines };
}

/** Splits `bytes` at the given cut points. */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    chunks.push(bytes.subarray(from, c));
    from = c;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe("SerialLines", () => {
  it("delivers lines synchronously, strips CR, passes 159 bytes and refuses 160 with its length", () => {
    const ok159 = "A".repeat(159);
    const crLine = `${"B".repeat(158)}\r`; // 159 with its CR: fits
    const bad160 = "C".repeat(160);
    const bad161cr = `${"D".repeat(160)}\r`;
    const { out } = run([
      Buffer.from(`TLM,1*0000\r\n${ok159}\n${crLine}\n${bad160}\n${bad161cr}\nx\n\npartial`),
    ]);
    expect(out).toEqual(["TLM,1*0000", ok159, "B".repeat(158), 160, 161, "x", ""]);
  });

  it("gives the reference's lines and overflows for any bytes split anywhere", () => {
    const byte = fc.oneof(fc.constantFrom(10, 13, 65), fc.integer({ min: 0, max: 255 }));
    const segment = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 40 }),
      fc.integer({ min: 150, max: 400 }).map((n) => new Uint8Array(n).fill(66)),
      fc.array(byte, { maxLength: 20 }).map((a) => Uint8Array.from(a)),
      fc.constant(Uint8Array.from([10])),
    );
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (segs, cuts) => {
          const bytes = Buffer.concat(segs.map((s) => Buffer.from(s)));
          const { out, maxBuffered } = run(split(bytes, cuts));
          expect(out).toEqual(reference(bytes));
          expect(maxBuffered).toBeLessThanOrEqual(160);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("holds at most 160 bytes while 10 MB arrive without a newline, and reports them once", () => {
    const chunk = Buffer.alloc(64 * 1024, 0x55);
    const chunks = Array.from({ length: 160 }, () => chunk); // 10 MiB
    const { out, maxBuffered, lines } = run([...chunks, Buffer.from("\nTLM,2*0000\n")]);
    expect(maxBuffered).toBeLessThanOrEqual(160);
    expect(out).toEqual([160 * 64 * 1024, "TLM,2*0000"]);
    lines.end();
  });

  it("the bounding stage passes a chunk without overlong lines as the same buffer", () => {
    const bound = new LineBound(() => {});
    const pushed: Buffer[] = [];
    bound.on("data", (b: Buffer) => pushed.push(b));
    const chunk = Buffer.from("HELLO,1.0,x*0000\nTLM,");
    bound.write(chunk);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.buffer).toBe(chunk.buffer);
    expect(pushed[0]!.byteOffset).toBe(chunk.byteOffset);
  });

  it("forgets an unfinished line at end and delivers nothing after", () => {
    const { out, lines } = run([Buffer.from("AB")]);
    lines.end();
    lines.write(Buffer.from("C\n"));
    expect(out).toEqual([]);
  });
});
