import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRC16_TABLE, crc16, crc16Update, crcHex } from "../../src/protocol/crc16.js";

/** Bit-by-bit from the definition (poly 0x1021, init 0xFFFF, MSB first, no final XOR). */
function bitwise(bytes: Uint8Array): number {
  let c = 0xffff;
  for (const b of bytes) {
    c ^= b << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

describe("CRC-16/CCITT-FALSE", () => {
  it("has the catalogue check value 29B1 for 123456789", () => {
    expect(crc16("123456789")).toBe(0x29b1);
    expect(crcHex(crc16(new TextEncoder().encode("123456789")))).toBe("29B1");
  });

  it("is the init value for no bytes, and writes 4 uppercase digits", () => {
    expect(crc16("")).toBe(0xffff);
    expect(crcHex(0x0a)).toBe("000A");
    expect(CRC16_TABLE[1]).toBe(0x1021);
  });

  it("equals the bitwise definition for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(crc16(b)).toBe(bitwise(b));
      }),
      { seed: 21, numRuns: 2000 },
    );
  });

  it("continues over a split: crc(a + b) = update(crc(a), b)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const ab = new Uint8Array([...a, ...b]);
        expect(crc16Update(crc16(a), b)).toBe(crc16(ab));
        expect(crc16Update(0xffff, ab, a.length)).toBe(crc16Update(0xffff, b));
      }),
      { seed: 22, numRuns: 1000 },
    );
  });

  it("covers a string's UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        expect(crc16(s)).toBe(bitwise(new TextEncoder().encode(s)));
      }),
      { seed: 23, numRuns: 1000 },
    );
  });
});
