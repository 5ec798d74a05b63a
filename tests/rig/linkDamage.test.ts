import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { damageHostBytes, flipBits } from "../../src/rig/emulator/linkDamage.js";

function bitsSet(v: number): number {
  let n = 0;
  for (let x = v; x !== 0; x &= x - 1) n++;
  return n;
}

describe("link damage", () => {
  it("flipBits changes each byte in exactly one bit or not at all, and counts the changed ones", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (bytes, rate, seed) => {
          const out = Uint8Array.from(bytes);
          const stats = { bytesCorrupted: 0, linesDropped: 0 };
          flipBits(out, rate, new SeededRng(seed), stats);
          let changed = 0;
          for (let i = 0; i < bytes.length; i++) {
            const d = bitsSet(bytes[i]! ^ out[i]!);
            expect(d).toBeLessThanOrEqual(1);
            changed += d;
          }
          expect(stats.bytesCorrupted).toBe(changed);
          expect(stats.linesDropped).toBe(0);
        },
      ),
    );
  });

  it("flips about rate x length bytes", () => {
    const out = new Uint8Array(100_000);
    const stats = { bytesCorrupted: 0, linesDropped: 0 };
    flipBits(out, 0.05, new SeededRng(3), stats);
    // Binomial(100000, 0.05): sd about 69.
    expect(Math.abs(stats.bytesCorrupted - 5000)).toBeLessThan(350);
  });

  it("damageHostBytes leaves the input alone, and at drop rate 1 loses the chunk's first line", () => {
    const input = Buffer.from("PING,1*ABCD\nPING,2*ABCD\n");
    const stats = { bytesCorrupted: 0, linesDropped: 0 };
    const out = damageHostBytes(input, 0, 1, new SeededRng(1), stats);
    expect(Buffer.from(out).toString()).toBe("PING,2*ABCD\n");
    expect(input.toString()).toBe("PING,1*ABCD\nPING,2*ABCD\n");
    expect(stats).toEqual({ bytesCorrupted: 0, linesDropped: 1 });
    expect(damageHostBytes(Buffer.from("no newline"), 0, 1, new SeededRng(1), stats).length).toBe(0);
    expect(Buffer.from(damageHostBytes(input, 0, 0, new SeededRng(1), stats)).toString()).toBe(
      input.toString(),
    );
  });
});
