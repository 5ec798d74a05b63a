/**
 * Rejected lines, one kind at a time: the human text of each error and the NAK a device answers
 * (docs/protocol.md "ACK and NAK"). Expected strings written by hand.
 */
import { describe, expect, it } from "vitest";
import { describeLineError, type LineError, nakFor } from "../../src/protocol/lineError.js";

describe("describeLineError", () => {
  const cases: readonly [LineError, string][] = [
    [{ kind: "crc", receivedCrc: 0x1a2b, computedCrc: 0xff }, "crc: line says 1A2B, bytes give 00FF"],
    [{ kind: "malformed", problem: "no *CCCC trailer" }, "malformed: no *CCCC trailer"],
    [{ kind: "unknown_type", lineType: "FOO" }, 'unknown_type: "FOO"'],
    [
      { kind: "bad_field", field: "duty", problem: "range", raw: "256" },
      'bad_field duty: out of range ("256")',
    ],
    [{ kind: "bad_field", field: "hz", problem: "syntax", raw: "" }, 'bad_field hz: not a valid value ("")'],
    [{ kind: "too_long", lengthBytes: 200 }, "too_long: 200 bytes before the newline (at most 159)"],
  ];
  it.each(cases)("%j", (e, text) => {
    expect(describeLineError(e)).toBe(text);
  });
});

describe("nakFor: the answer to a bad command", () => {
  const cases: readonly [string, LineError, ReturnType<typeof nakFor>][] = [
    ["a bad CRC: no trustworthy id", { kind: "crc", receivedCrc: 1, computedCrc: 2 }, null],
    ["an overlong line", { kind: "too_long", lengthBytes: 161 }, null],
    ["malformed with its id", { kind: "malformed", problem: "fields", id: 7 }, { id: 7, reason: "syntax" }],
    ["malformed without an id", { kind: "malformed", problem: "fields" }, null],
    ["an unknown command", { kind: "unknown_type", lineType: "ZAP", id: 3 }, { id: 3, reason: "unknown" }],
    ["an unknown command without an id", { kind: "unknown_type", lineType: "ZAP" }, null],
    [
      "a value out of range names its field",
      { kind: "bad_field", field: "duty", problem: "range", raw: "300", id: 9 },
      { id: 9, reason: "range:duty" },
    ],
    [
      "a value that is not a number",
      { kind: "bad_field", field: "duty", problem: "syntax", raw: "x", id: 9 },
      { id: 9, reason: "syntax" },
    ],
    ["a bad field without an id", { kind: "bad_field", field: "id", problem: "syntax", raw: "x" }, null],
  ];
  it.each(cases)("%s", (_name, e, nak) => {
    expect(nakFor(e)).toEqual(nak);
  });
});
