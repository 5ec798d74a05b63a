import { describe, expect, it } from "vitest";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import { withCrc } from "../../src/protocol/format.js";
import type { LineError } from "../../src/protocol/lineError.js";
import type { DeviceMessage } from "../../src/protocol/messages.js";
import { TlmSlot } from "../../src/protocol/parse.js";
import { readGoodTlmLine } from "../../src/protocol/tlmLineReader.js";

const enc = (s: string) => new TextEncoder().encode(s);

/** A good TLM line with its CRC (no line end). */
const GOOD = withCrc("TLM,7,700,1800,2100,2050,123456,200,128,255,1F");

/** Reads `text` from offset `at` (to `end`, default the whole text) into a fresh slot: [return value, slot]. */
function read(text: string, at = 0, end?: number): [number, TlmSlot] {
  const bytes = enc(text);
  const slot = new TlmSlot();
  return [readGoodTlmLine(bytes, at, end ?? bytes.length, slot), slot];
}

describe("readGoodTlmLine", () => {
  it("reads a good line to its \\n or \\r\\n and returns the index after it", () => {
    const [next, slot] = read(`${GOOD}\n`);
    expect(next).toBe(GOOD.length + 1);
    expect(slot.snapshot()).toEqual({
      type: "TLM",
      seq: 7,
      tMs: 700,
      adcHot: 1800,
      adcCold: 2100,
      adcAmb: 2050,
      pulses: 123456,
      pumpDuty: 200,
      heaterDuty: 128,
      fanDuty: 255,
      flags: 0x1f,
    });
    expect(read(`${GOOD}\r\n`)[0]).toBe(GOOD.length + 2);
    // From the middle of a chunk, and with the next line right after it.
    expect(read(`ACK,1*0000\n${GOOD}\n${GOOD}\n`, 11)[0]).toBe(11 + GOOD.length + 1);
  });

  it("reads an empty adc_amb as the absent probe and the CRC's hex in either case", () => {
    const [next, slot] = read(`${withCrc("TLM,1,2,3,4,,6,7,8,9,a")}\n`);
    expect(next).toBeGreaterThan(0);
    expect(slot).toMatchObject({ adcAmb: -1, pulses: 6, flags: 10 });
    const lower = `${GOOD.slice(0, -4)}${GOOD.slice(-4).toLowerCase()}\n`;
    expect(/[a-f]/.test(lower.slice(-5))).toBe(true);
    expect(read(lower)[0]).toBe(GOOD.length + 1);
  });

  it("declines, leaving the slot as it was, every line that is not a whole good TLM line without trailing fields", () => {
    const overlong = withCrc(`TLM,${"0".repeat(120)}7,700,1800,2100,2050,123456,200,128,255,1F`);
    expect(overlong.length).toBeGreaterThan(159);
    const declined = [
      GOOD, // no line end: the chunk cut it
      `${GOOD}\r`,
      `${GOOD}\r\r\n`,
      `${GOOD} \n`,
      `${GOOD.slice(0, -1)}${GOOD.endsWith("0") ? "1" : "0"}\n`, // wrong CRC
      `${GOOD.slice(0, -4)}00G0\n`, // not hex
      `${withCrc("TLM,7,700,1800,2100,2050,123456,200,128,255,1F,9")}\n`, // a trailing field
      `${withCrc("TLM,7,700,1800,2100,2050,123456,200,128,255")}\n`, // a field short
      `${withCrc("TLM,7,700,1800,4096,2050,123456,200,128,255,1F")}\n`, // out of range
      `${withCrc("TLM,7,700,1800,2100,2050,123456,200,128,255,100000000")}\n`,
      `${withCrc("TLM,7,700,,2100,2050,123456,200,128,255,1F")}\n`, // empty field
      `${withCrc("TLM,7,700,1800,2100,2050,123456,200,128,255,")}\n`, // empty flags
      `${withCrc("TLMX,7,700,1800,2100,2050,123456,200,128,255,1F")}\n`,
      `${withCrc("ACK,7")}\n`,
      `${overlong}\n`,
      "TLM",
      "",
    ];
    for (const line of declined) {
      const [next, slot] = read(line);
      expect(next, JSON.stringify(line)).toBe(-1);
      expect(slot.snapshot(), JSON.stringify(line)).toEqual(new TlmSlot().snapshot());
    }
  });

  it("reads nothing at or past `end`", () => {
    const text = `${GOOD}\r\n`;
    for (let end = 0; end < text.length; end++) expect(read(text, 0, end)[0], `end ${end}`).toBe(-1);
    expect(read(text, 0, text.length)[0]).toBe(text.length);
  });
});

/** Every callback of a decoder fed `chunks`, with its statistics. */
function decode(chunks: readonly Uint8Array[]): unknown {
  const out: (DeviceMessage | { error: LineError; line: string })[] = [];
  const d = new DeviceStreamDecoder({
    onTlm: (m) => out.push({ ...m }),
    onMessage: (m) => out.push(m),
    onError: (error, line) => out.push({ error, line: String.fromCharCode(...line) }),
  });
  for (const c of chunks) d.push(c);
  return { out, summary: d.summary(), tail: d.end(), bytes: d.bytesReceived };
}

describe("DeviceStreamDecoder's two lanes", () => {
  it("give the same messages, errors and statistics whether a line is read in one pass or through the framer", () => {
    // Byte by byte no line ever lies whole in a chunk, so everything goes through the framer and
    // the general parse; in one chunk the good TLM lines take the one-pass reader.
    const lines = [
      GOOD,
      `${GOOD}\r`,
      `${GOOD}\r\r`,
      withCrc("TLM,8,800,1800,2100,,123460,200,128,255,0"),
      withCrc("TLM,9,900,1800,2100,2050,123466,200,128,255,0,extra"),
      `${GOOD.slice(0, -1)}0`,
      withCrc(`TLM,${"0".repeat(120)}10,1000,1800,2100,2050,123470,200,128,255,1F`),
      withCrc("HELLO,1.0,looptwin-fw,0.1.0,uno,0A1B2C3D"),
      withCrc("TLM,11,1100,1800,2100,2050,123471,200,128,255,1F"),
      "TLM,12,1200",
    ];
    const bytes = enc(`${lines.join("\n")}\n${GOOD}`);
    const whole = decode([bytes]);
    expect(decode([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    expect(whole).toMatchObject({
      // Samples: GOOD, its \r\n, the empty adc_amb, the trailing field, TLM 11. Malformed: \r\r\n,
      // the overlong line, the line without a trailer.
      summary: {
        lines: 10,
        samples: 5,
        hello: 1,
        crc_errors: 1,
        too_long: 1,
        malformed: 3,
        unknown_fields: 1,
      },
      tail: GOOD.length,
      bytes: bytes.length,
    });
  });
});
