/**
 * The firmware's answers to lines it does not simply apply, as the emulated device gives them
 * (src/rig/emulator/commandAnswers.ts): the dedupe memory of the last 16 ids and the id and
 * reason of a NAK for a refused CRC-valid line. Expected values from device.cpp's rules.
 */
import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import { parseCommandBytes } from "../../src/protocol/parse.js";
import {
  ACK,
  AnswerMemory,
  hasValidCrc,
  refusalId,
  refusalReason,
} from "../../src/rig/emulator/commandAnswers.js";

const enc = new TextEncoder();

describe("AnswerMemory", () => {
  it("answers a repeated (id, CRC) again, not the same id with another CRC", () => {
    const m = new AnswerMemory(16);
    m.remember(7, 0xabcd, ACK);
    expect(m.find(7, 0xabcd)).toBe(ACK);
    expect(m.find(7, 0x1234)).toBeNull();
    m.remember(7, 0x1234, "interlock");
    expect(m.find(7, 0xabcd)).toBeNull();
    expect(m.find(7, 0x1234)).toBe("interlock");
  });

  it("holds the last `window` ids, replacing the oldest first, and forgets all on clear", () => {
    const m = new AnswerMemory(3);
    for (const id of [1, 2, 3, 4]) m.remember(id, id, ACK);
    expect([1, 2, 3, 4].map((id) => m.find(id, id))).toEqual([null, ACK, ACK, ACK]);
    m.remember(5, 5, ACK);
    expect([2, 3, 4, 5].map((id) => m.find(id, id))).toEqual([null, ACK, ACK, ACK]);
    m.clear();
    expect(m.find(5, 5)).toBeNull();
  });
});

describe("refused lines", () => {
  function refusal(body: string) {
    const line = enc.encode(withCrc(body));
    const r = parseCommandBytes(line, 0, line.length, { acceptEmu: true });
    if (r.ok) throw new Error(`${body} was accepted`);
    return {
      crcValid: hasValidCrc(line, 0, line.length),
      id: refusalId(r.error, line, 0, line.length),
      reason: refusalReason(r.error),
    };
  }

  it("an unknown type keeps its id and reads unknown", () => {
    expect(refusal("FOO,12")).toEqual({ crcValid: true, id: 12, reason: "unknown" });
  });

  it("a duty out of range reads range:duty with the command's id", () => {
    expect(refusal("PWM,9,pump,300")).toEqual({ crcValid: true, id: 9, reason: "range:duty" });
  });

  it("an unreadable id is answered with id 0", () => {
    expect(refusal("PING,abc")).toMatchObject({ crcValid: true, id: 0 });
  });

  it("a line whose CRC does not match its bytes is not CRC-valid", () => {
    const line = enc.encode("PING,3*0000");
    expect(hasValidCrc(line, 0, line.length)).toBe(false);
  });
});
