/**
 * The framer's zero-copy path (found by mutation testing): a line that lies wholly inside one
 * pushed chunk is handed to the sink as a view of that chunk, at its offsets, not copied into the
 * framer's buffer; only a line split across chunks goes through the buffer. The parse benchmark's
 * allocation-free figure rests on this.
 */
import { describe, expect, it } from "vitest";
import { LineFramer } from "../../src/protocol/lineFramer.js";

describe("LineFramer hands out views", () => {
  it("of the pushed chunk for whole lines, of its own buffer for a line split across chunks", () => {
    const seen: { bytes: Uint8Array; start: number; end: number }[] = [];
    const framer = new LineFramer({
      onLine: (bytes, start, end) => seen.push({ bytes, start, end }),
      onOverflow: () => {
        throw new Error("no line here is too long");
      },
    });
    const enc = new TextEncoder();
    const chunk = enc.encode("AB\nCDE\r\nFG");
    framer.push(chunk);
    const tail = enc.encode("H\n");
    framer.push(tail);
    expect(seen).toHaveLength(3);
    // "AB" at 0-2 and "CDE" at 3-6 (the CR dropped): views of the chunk itself.
    expect(seen[0]!.bytes).toBe(chunk);
    expect([seen[0]!.start, seen[0]!.end]).toEqual([0, 2]);
    expect(seen[1]!.bytes).toBe(chunk);
    expect([seen[1]!.start, seen[1]!.end]).toEqual([3, 6]);
    // "FGH" spans both chunks: from the framer's buffer, neither chunk.
    expect(seen[2]!.bytes).not.toBe(chunk);
    expect(seen[2]!.bytes).not.toBe(tail);
    expect(new TextDecoder().decode(seen[2]!.bytes.subarray(seen[2]!.start, seen[2]!.end))).toBe("FGH");
  });
});
