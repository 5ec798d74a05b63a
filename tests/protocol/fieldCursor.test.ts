/**
 * FieldCursor field by field (found by mutation testing): where it leaves `pos` after each kind of
 * field, the overflow guard of the numeric readers, hex digits of either case, and what `rest`
 * leaves behind. Expected values worked by hand.
 */
import { describe, expect, it } from "vitest";
import { FIELD_RANGE, FIELD_SYNTAX, FieldCursor } from "../../src/protocol/fieldCursor.js";

/** A cursor over `body` as a parser sets it: `end` at the `*` after the body. */
function cursor(body: string): FieldCursor {
  const bytes = new TextEncoder().encode(`${body}*0000`);
  const c = new FieldCursor();
  c.reset(bytes, 0, body.length);
  return c;
}

describe("FieldCursor", () => {
  it("reads decimal fields in turn; a value over max is a range error, not the digits before it", () => {
    const c = cursor("7,2550,255");
    expect(c.uint(255)).toBe(7);
    expect(c.uint(255)).toBe(FIELD_RANGE);
    expect(c.lastRaw()).toBe("2550");
    expect(c.uint(255)).toBe(255);
    expect(c.nextIsEmpty()).toBe(true); // past the end of the body
    const trailing = cursor("7,"); // a trailing comma: the next field starts at the end, empty
    expect(trailing.uint(255)).toBe(7);
    expect(trailing.nextIsEmpty()).toBe(true);
  });

  it("stops at a dot only when asked, and then steps past a comma as usual", () => {
    const v = cursor("1.4,9");
    expect(v.uint(255, true)).toBe(1);
    expect(v.pos).toBe(1); // on the dot
    const c = cursor("7,8");
    expect(c.uint(255, true)).toBe(7);
    expect(c.uint(255, true)).toBe(8);
    expect(cursor("1.4").uint(255)).toBe(FIELD_SYNTAX);
  });

  it("reads hex of either case, stops at a comma, refuses other letters, and guards overflow", () => {
    const c = cursor("ff,1F,G,1G,FF0");
    expect(c.hex(0xff)).toBe(0xff);
    expect(c.hex(0xff)).toBe(0x1f);
    expect(c.hex(0xff)).toBe(FIELD_SYNTAX);
    expect(c.hex(0xff)).toBe(FIELD_SYNTAX);
    expect(c.hex(0xff)).toBe(FIELD_RANGE);
  });

  it("rest takes everything left as raw text, leaves nothing after it, and is empty past the end", () => {
    const c = cursor("EMU,5,pump_failure:start=3,severity=1");
    c.skipField();
    c.skipField();
    expect(c.rest()).toBe("pump_failure:start=3,severity=1");
    expect(c.lastRaw()).toBe("pump_failure:start=3,severity=1");
    expect(c.remaining()).toEqual([]);
    const done = cursor("EMU,5");
    done.skipField();
    done.skipField();
    expect(done.rest()).toBe("");
  });
});
