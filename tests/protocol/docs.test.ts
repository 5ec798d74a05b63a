import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { crc16, crcHex } from "../../src/protocol/crc16.js";
import { DEVICE_LINE_TYPES } from "../../src/protocol/messages.js";
import { parseCommandLine, parseDeviceLine } from "../../src/protocol/parse.js";

const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

/** Every protocol line in the page's code blocks (session arrows removed). */
function codeBlockLines(): string[] {
  const blocks = doc.split("```").filter((_, i) => i % 2 === 1);
  return blocks
    .flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/^[<>] /, "").trim())
    .filter((l) => /^[A-Z]+,.*\*[0-9A-F]{4}$/.test(l));
}

const parse = (line: string) =>
  (DEVICE_LINE_TYPES as readonly string[]).includes(line.slice(0, line.indexOf(",")))
    ? parseDeviceLine(line)
    : parseCommandLine(line, { acceptEmu: true });

/** Lines the page shows as refused, and why. */
const REFUSED: Record<string, string> = {
  "PWM,19,pump*23D5": "malformed",
  "PWM,20,pump,300*A84D": "bad_field",
};

describe("docs/protocol.md", () => {
  const lines = codeBlockLines();

  it("shows an example of every line type", () => {
    for (const t of ["HELLO", "TLM", "ACK", "NAK", "EVT", "PWM", "RATE", "PING", "INFO", "SAFE", "EMU"])
      expect(
        lines.some((l) => l.startsWith(`${t},`)),
        t,
      ).toBe(true);
    expect(lines.length).toBeGreaterThan(40);
  });

  it.each(lines)("%s has a real CRC and parses as the page says", (line) => {
    const star = line.lastIndexOf("*");
    expect(line.slice(star + 1)).toBe(crcHex(crc16(line.slice(0, star))));
    const r = parse(line);
    const refused = REFUSED[line];
    if (refused === undefined) expect(r.ok, JSON.stringify(r)).toBe(true);
    else expect(!r.ok && r.error.kind).toBe(refused);
  });

  it("states true facts inline", () => {
    expect(crcHex(crc16("123456789"))).toBe("29B1");
    expect(doc).toContain("`PING,1*F692`");
    expect(parseCommandLine("PING,1*F692").ok).toBe(true);
    expect(parseCommandLine("PING,1*F693")).toMatchObject({ ok: false, error: { kind: "crc" } });
    expect(parseCommandLine("PWM,0,pump,10*A2B7")).toMatchObject({
      ok: false,
      error: { kind: "bad_field", field: "id" },
    });
    expect(parseCommandLine("EMU,18,pump_failure*E08B")).toMatchObject({
      ok: false,
      error: { kind: "unknown_type", id: 18 },
    });
  });
});
