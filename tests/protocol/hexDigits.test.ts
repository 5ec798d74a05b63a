/**
 * Hex digits on the wire (src/protocol/fieldCursor.ts): `hex4At` reads the `*CCCC` trailer and
 * the HELLO uid, `FieldCursor.hex` the TLM flags. A digit is 0-9, A-F or a-f and nothing else:
 * not the bytes just past `9` (`:;<=>?@`), past `F` or past `f`, nor those just before `0`, `A`
 * and `a`. Expected values come from JavaScript's `parseInt(s, 16)` over a hand-written digit set.
 */
import { describe, expect, it } from "vitest";
import { FIELD_SYNTAX, FieldCursor, hex4At } from "../../src/protocol/fieldCursor.js";

const DIGITS = "0123456789ABCDEFabcdef";
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("hex digits", () => {
  it("hex4At takes exactly 0-9, A-F and a-f, at each of the four places, and is -1 for any other byte", () => {
    for (let place = 0; place < 4; place++) {
      for (let b = 0; b < 256; b++) {
        const bytes = ascii("1111");
        bytes[place] = b;
        const ch = String.fromCharCode(b);
        const expected = DIGITS.includes(ch)
          ? Number.parseInt(Array.from("1111", (c, i) => (i === place ? ch : c)).join(""), 16)
          : -1;
        expect([place, b, hex4At(bytes, 0)]).toEqual([place, b, expected]);
      }
    }
  });

  it("hex4At of a bad first digit followed by good ones is -1, not some other negative", () => {
    expect(hex4At(ascii("G123"), 0)).toBe(-1);
    expect(hex4At(ascii(":FFF"), 0)).toBe(-1);
    expect(hex4At(ascii("12@4"), 0)).toBe(-1);
  });

  it("a flags field with a byte between 9 and A, or between F and a, is a syntax error", () => {
    for (const field of ["1:", ";", "?0", "@", "[", "`", "F_"]) {
      const cur = new FieldCursor();
      const bytes = ascii(`${field},`);
      cur.reset(bytes, 0, bytes.length);
      expect([field, cur.hex(0xffffffff)]).toEqual([field, FIELD_SYNTAX]);
    }
  });
});
