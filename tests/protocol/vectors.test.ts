import { describe, expect, it } from "vitest";
import { crc16, crcHex } from "../../src/protocol/crc16.js";
import { formatCommand, formatDeviceMessage } from "../../src/protocol/format.js";
import type { DeviceMessage, HostCommand } from "../../src/protocol/messages.js";
import { parseCommandLine, parseDeviceLine } from "../../src/protocol/parse.js";
import { readVectors, unescapeInput, type Vector } from "./vectorFile.js";

const vectors = readVectors();

/** Bit-by-bit CRC-16/CCITT-FALSE straight from its definition, independent of the table. */
function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffff;
  for (const b of bytes) {
    c ^= b << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

type Parsed = DeviceMessage | HostCommand;

/** The value of a wire field of a parsed message, as canonical text (independent of format.ts). */
function fieldText(m: Parsed, name: string): string | undefined {
  switch (m.type) {
    case "HELLO":
      return {
        major: String(m.major),
        minor: String(m.minor),
        fw_name: m.fwName,
        fw_version: m.fwVersion,
        board: m.board,
        uid: m.uid,
      }[name];
    case "TLM":
      return {
        seq: String(m.seq),
        t_ms: String(m.tMs),
        adc_hot: String(m.adcHot),
        adc_cold: String(m.adcCold),
        adc_amb: m.adcAmb === -1 ? "" : String(m.adcAmb),
        pulses: String(m.pulses),
        pump_duty: String(m.pumpDuty),
        heater_duty: String(m.heaterDuty),
        fan_duty: String(m.fanDuty),
        flags: m.flags.toString(16).toUpperCase(),
      }[name];
    case "ACK":
      return { id: String(m.id) }[name];
    case "NAK":
      return { id: String(m.id), reason: m.reason }[name];
    case "EVT": {
      const e = m.event;
      const code = e.code === "unrecognized" ? e.rawCode : e.code;
      const detail =
        e.code === "BOOT"
          ? e.resetCause
          : e.code === "WDT"
            ? "0"
            : e.code === "HB_LOST"
              ? String(e.sinceCommandMs)
              : e.code === "SENSOR"
                ? `${e.channel}:${e.state}`
                : e.code === "unrecognized"
                  ? e.detail
                  : e.channel;
      return { code, detail }[name];
    }
    case "PWM":
      return {
        id: String(m.id),
        channel: m.channel,
        duty: String(m.duty),
        hold_ms: m.holdMs === null ? undefined : String(m.holdMs),
      }[name];
    case "RATE":
      return { id: String(m.id), hz: String(m.rateHz) }[name];
    case "PING":
    case "INFO":
    case "SAFE":
      return { id: String(m.id) }[name];
    case "EMU":
      return { id: String(m.id), spec: m.faultSpec }[name];
  }
}

const TEXT_FIELDS = new Set(["fw_name", "fw_version", "board", "uid", "reason", "code", "detail", "channel"]);

/** A raw wire value in the canonical form the message holds. */
function canonical(name: string, raw: string): string {
  if (TEXT_FIELDS.has(name) || raw === "") return raw;
  if (name === "flags") return BigInt(`0x${raw}`).toString(16).toUpperCase();
  return BigInt(raw).toString();
}

interface OkExpect {
  readonly type: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly extra: number;
}

function parseOkExpect(expectText: string): OkExpect {
  const [, type, ...rest] = expectText.split(" ");
  let extra = 0;
  const fields: [string, string][] = [];
  for (const item of rest) {
    const eq = item.indexOf("=");
    const name = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    if (name === "extra") extra = Number(raw);
    else fields.push([name, raw]);
  }
  return { type: type ?? "", fields, extra };
}

function parseVector(v: Vector) {
  return v.group === "command" ? parseCommandLine(v.input) : parseDeviceLine(v.input);
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

describe("golden vectors (tests/fixtures/protocol/vectors.tsv)", () => {
  it("has vectors of every group, line type and error kind", () => {
    const expects = vectors.map((v) => `${v.group} ${v.expect}`);
    for (const t of ["HELLO", "TLM", "ACK", "NAK", "EVT"])
      expect(expects.some((e) => e.startsWith(`device ok ${t} `))).toBe(true);
    for (const t of ["PWM", "RATE", "PING", "INFO", "SAFE"])
      expect(expects.some((e) => e.startsWith(`command ok ${t} `))).toBe(true);
    for (const group of ["device", "command"])
      for (const kind of ["crc", "malformed", "unknown_type", "bad_field", "too_long"])
        expect(expects.some((e) => e.startsWith(`${group} err ${kind}`))).toBe(true);
    expect(vectors.filter((v) => v.group === "crc").length).toBeGreaterThan(5);
    expect(vectors.length).toBeGreaterThan(200);
  });

  it("unescapes the input column", () => {
    expect([...unescapeInput("a\\\\b\\t\\r\\n\\x00\\xFf")]).toEqual([97, 92, 98, 9, 13, 10, 0, 255]);
    expect(() => unescapeInput("\\q")).toThrow(/bad escape/);
  });

  describe.each(vectors.filter((v) => v.group === "crc"))("crc line $lineNo: $text", (v) => {
    it(`is ${v.expect}`, () => {
      expect(crcHex(crc16(v.input))).toBe(v.expect);
      expect(crcHex(crcBitwise(v.input))).toBe(v.expect);
    });
  });

  const parsedVectors = vectors.filter((v) => v.group !== "crc");

  describe.each(parsedVectors)("$group line $lineNo: $text", (v) => {
    it(v.expect, () => {
      const r = parseVector(v);
      if (v.expect.startsWith("err ")) {
        const [, kind, field] = v.expect.split(" ");
        expect(r.ok, JSON.stringify(r)).toBe(false);
        if (r.ok) return;
        expect(r.error.kind).toBe(kind);
        if (field !== undefined) expect(r.error.kind === "bad_field" ? r.error.field : undefined).toBe(field);
        return;
      }
      const want = parseOkExpect(v.expect);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (!r.ok) return;
      const m = r.value;
      expect(m.type).toBe(want.type);
      for (const [name, raw] of want.fields) expect(fieldText(m, name), name).toBe(canonical(name, raw));
      const extra = "extra" in m ? (m.extra ?? []) : [];
      expect(extra.length).toBe(want.extra);

      // The expect column describes the input: type and raw fields rebuild it (the formatting law).
      const text = latin1(v.input);
      const body = text.slice(0, text.lastIndexOf("*"));
      const raws = want.fields.map(([, raw]) => raw);
      const rebuilt =
        want.type === "HELLO"
          ? [want.type, `${raws[0]}.${raws[1]}`, ...raws.slice(2), ...extra].join(",")
          : [want.type, ...raws, ...extra].join(",");
      expect(rebuilt).toBe(body);
      if (want.extra === 0) expect(`${rebuilt}*${crcHex(crc16(rebuilt))}`).toBe(text);

      // Formatting the message gives the input back when the input is canonical, and always parses back.
      const formatted =
        v.group === "command" ? formatCommand(m as HostCommand) : formatDeviceMessage(m as DeviceMessage);
      const isCanonical = want.fields.every(([name, raw]) => canonical(name, raw) === raw);
      if (isCanonical) expect(formatted).toBe(text);
      const again = v.group === "command" ? parseCommandLine(formatted) : parseDeviceLine(formatted);
      expect(again).toEqual(r);
    });
  });
});
