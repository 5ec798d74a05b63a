/**
 * A HELLO's version is one field, `major.minor` (src/protocol/parse.ts, parseHello). A version
 * without its dot is refused naming `minor`, even where the fields after it could be read as if
 * the minor number began one byte into the next field: `HELLO,1,X5,fw,1.0,uno,0123ABCD` is not
 * version 1.5 of firmware `fw`.
 */
import { expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import { parseDeviceLine } from "../../src/protocol/parse.js";

it("a HELLO version without its dot is refused naming minor, whatever follows", () => {
  for (const body of ["HELLO,1,X5,fw,1.0,uno,0123ABCD", "HELLO,1,looptwin,0.3.0,uno,0123ABCD"]) {
    const r = parseDeviceLine(withCrc(body));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect([r.error.kind, "field" in r.error ? r.error.field : ""]).toEqual(["bad_field", "minor"]);
  }
  // With the dot, the same fields read as the version they are.
  const r = parseDeviceLine(withCrc("HELLO,1.5,fw,1.0,uno,0123ABCD"));
  expect(r.ok && r.value).toMatchObject({ type: "HELLO", major: 1, minor: 5, fwName: "fw", uid: "0123ABCD" });
});
