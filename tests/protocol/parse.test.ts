import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCommand, formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import { describeLineError, nakFor } from "../../src/protocol/lineError.js";
import { ADC_AMB_ABSENT } from "../../src/protocol/messages.js";
import {
  parseCommandBytes,
  parseCommandLine,
  parseDeviceBytes,
  parseDeviceLine,
  TlmSlot,
} from "../../src/protocol/parse.js";
import { commandArb, deviceMessageArb, tlmArb } from "./arbitraries.js";

const enc = (s: string) => new TextEncoder().encode(s);

describe("parse(format(m)) == m", () => {
  it("for every device message (HELLO, TLM, ACK, NAK, EVT), unknown trailing fields included", () => {
    fc.assert(
      fc.property(deviceMessageArb, (m) => {
        expect(parseDeviceLine(formatDeviceMessage(m))).toStrictEqual({ ok: true, value: m });
      }),
      { seed: 1, numRuns: 3000 },
    );
  });

  it("for every command; EMU only where the emulator parses", () => {
    fc.assert(
      fc.property(commandArb, (c) => {
        const line = formatCommand(c);
        expect(parseCommandLine(line, { acceptEmu: true })).toStrictEqual({ ok: true, value: c });
        const device = parseCommandLine(line);
        if (c.type === "EMU")
          expect(device).toMatchObject({ ok: false, error: { kind: "unknown_type", id: c.id } });
        else expect(device).toStrictEqual({ ok: true, value: c });
      }),
      { seed: 2, numRuns: 3000 },
    );
  });

  it("for TLM through the allocation-free slot, which reuses one object", () => {
    const slot = new TlmSlot();
    fc.assert(
      fc.property(tlmArb, (m) => {
        const bytes = enc(`xx${formatDeviceMessage(m)}yy`);
        const r = parseDeviceBytes(bytes, 2, bytes.length - 2, slot);
        expect(r).toBe(slot.result);
        expect(slot.snapshot()).toStrictEqual(m);
      }),
      { seed: 3, numRuns: 2000 },
    );
  });
});

describe("the parsers never throw", () => {
  const check = (bytes: Uint8Array) => {
    const slot = new TlmSlot();
    const safe = parseDeviceBytes(bytes, 0, bytes.length);
    const fast = parseDeviceBytes(bytes, 0, bytes.length, slot);
    // The slot path and the safe path agree on every input.
    expect(
      fast.ok ? { ok: true, value: fast.value.type === "TLM" ? slot.snapshot() : fast.value } : fast,
    ).toEqual(safe);
    const cmd = parseCommandBytes(bytes, 0, bytes.length, { acceptEmu: true });
    if (!safe.ok) expect(describeLineError(safe.error)).toMatch(/^[a-z_]+/);
    if (!cmd.ok) nakFor(cmd.error);
  };

  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(() => parseDeviceLine(s)).not.toThrow();
        expect(() => parseCommandLine(s)).not.toThrow();
        check(enc(s));
      }),
      { seed: 4, numRuns: 5000 },
    );
  });

  it("on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { seed: 5, numRuns: 5000 });
  });

  it("on arbitrary bodies with a valid CRC (past the envelope, into the field checks)", () => {
    const alphabet = fc.constantFrom(..."TLMHELOACKNVPWRIGSFUu0123456789,,,,.:-xAf \t*".split(""));
    const body = fc.oneof(
      fc.array(alphabet, { maxLength: 80 }).map((a) => a.join("")),
      fc
        .constantFrom("TLM,", "HELLO,", "ACK,", "NAK,", "EVT,", "PWM,", "RATE,", "PING,", "EMU,")
        .chain((t) => fc.array(alphabet, { maxLength: 60 }).map((a) => t + a.join(""))),
    );
    fc.assert(
      fc.property(body, (b) => {
        const line = withCrc(b);
        const r = parseDeviceLine(line);
        if (!r.ok) expect(r.error.kind).not.toBe("crc");
        check(enc(line));
      }),
      { seed: 6, numRuns: 5000 },
    );
  });
});

describe("envelope", () => {
  it("accepts a lowercase CRC but writes uppercase", () => {
    const line = withCrc("PING,1");
    expect(line).toBe("PING,1*F692");
    expect(parseCommandLine("PING,1*f692").ok).toBe(true);
  });

  it("reports a bad CRC with both values", () => {
    expect(parseDeviceLine("ACK,1*0000")).toEqual({
      ok: false,
      error: { kind: "crc", receivedCrc: 0, computedCrc: 0xd7d0 },
    });
  });

  it("measures string lines in UTF-8 bytes, as the wire does", () => {
    const body = `NAK,1,${"é".repeat(77)}`; // 6 + 154 bytes
    expect(parseDeviceLine(withCrc(body))).toMatchObject({
      ok: false,
      error: { kind: "too_long", lengthBytes: 165 },
    });
    // A line of only non-ASCII characters is measured in bytes too.
    expect(parseDeviceLine("é".repeat(80))).toEqual({
      ok: false,
      error: { kind: "too_long", lengthBytes: 160 },
    });
    const short = withCrc("NAK,1,é");
    expect(parseDeviceLine(short)).toMatchObject({
      ok: false,
      error: { kind: "bad_field", field: "reason" },
    });
  });
});

describe("errors carry what the device needs to answer", () => {
  const nak = (body: string) => {
    const r = parseCommandLine(withCrc(body));
    return r.ok ? "ok" : nakFor(r.error);
  };

  it("maps each error to the NAK reason of docs/protocol.md", () => {
    expect(nak("PWM,5,pump,256")).toEqual({ id: 5, reason: "range:duty" });
    expect(nak("PWM,5,pump,x")).toEqual({ id: 5, reason: "syntax" });
    expect(nak("PWM,5,pump,")).toEqual({ id: 5, reason: "syntax" });
    expect(nak("PWM,5,valve,1")).toEqual({ id: 5, reason: "range:channel" });
    expect(nak("PWM,5,,1")).toEqual({ id: 5, reason: "syntax" });
    expect(nak("PWM,5,pump,1,0")).toEqual({ id: 5, reason: "range:hold_ms" });
    expect(nak("RATE,6,0")).toEqual({ id: 6, reason: "range:hz" });
    expect(nak("RATE,6,101")).toEqual({ id: 6, reason: "range:hz" });
    expect(nak("PING,7,8")).toEqual({ id: 7, reason: "syntax" });
    expect(nak("PWM,7")).toEqual({ id: 7, reason: "syntax" });
    expect(nak("EMU,8,pump_failure")).toEqual({ id: 8, reason: "unknown" });
    expect(nak("FOO,9")).toEqual({ id: 9, reason: "unknown" });
  });

  it("gives no NAK without a trustworthy id", () => {
    expect(nak("PING,0")).toBeNull();
    expect(nak("PWM,70000,pump,1")).toBeNull();
    expect(nak("FOO")).toBeNull();
    expect(nak("FOO,bar")).toBeNull();
    const bad = parseCommandLine("PING,1*0000");
    expect(!bad.ok && nakFor(bad.error)).toBeNull();
    const long = parseCommandLine(`PING,${"0".repeat(200)}1*0000`);
    expect(!long.ok && long.error.kind).toBe("too_long");
    expect(!long.ok && nakFor(long.error)).toBeNull();
  });

  it("names the field and keeps its raw text", () => {
    const r = parseDeviceLine(withCrc("TLM,1,2,3,4,5,6,7,8,9,zz"));
    expect(r).toEqual({
      ok: false,
      error: { kind: "bad_field", field: "flags", problem: "syntax", raw: "zz" },
    });
    if (!r.ok) expect(describeLineError(r.error)).toBe('bad_field flags: not a valid value ("zz")');
    const t = parseDeviceLine(withCrc("TLM,1,4294967296,3,4,5,6,7,8,9,0"));
    if (!t.ok) expect(describeLineError(t.error)).toBe('bad_field t_ms: out of range ("4294967296")');
    expect(t.ok).toBe(false);
  });
});

describe("EVT", () => {
  it("decodes every known event and keeps unknown codes raw", () => {
    expect(parseDeviceLine(withCrc("EVT,SENSOR,cold:short"))).toEqual({
      ok: true,
      value: { type: "EVT", event: { code: "SENSOR", channel: "cold", state: "short" } },
    });
    expect(parseDeviceLine(withCrc("EVT,HB_LOST,0003012"))).toEqual({
      ok: true,
      value: { type: "EVT", event: { code: "HB_LOST", sinceCommandMs: 3012 } },
    });
    expect(parseDeviceLine(withCrc("EVT,PUMP_STALL,7"))).toEqual({
      ok: true,
      value: { type: "EVT", event: { code: "unrecognized", rawCode: "PUMP_STALL", detail: "7" } },
    });
  });
});

describe("line types that only look like TLM", () => {
  // A good TLM body behind each type: only the type decides the path.
  const body = "1,2,3,4,5,6,7,8,9,0";
  it.each(["TLMX", "TL", "XLM", "TXM", "TLX", "tlm", "ATLM"])(
    "%s is an unknown type, not telemetry",
    (type) => {
      expect(parseDeviceLine(withCrc(`${type},${body}`))).toEqual({
        ok: false,
        error: { kind: "unknown_type", lineType: type },
      });
      const slot = new TlmSlot();
      const bytes = enc(withCrc(`${type},${body}`));
      expect(parseDeviceBytes(bytes, 0, bytes.length, slot)).toEqual({
        ok: false,
        error: { kind: "unknown_type", lineType: type },
      });
    },
  );
});

describe("TLM names its first bad field, with that field's text", () => {
  const FIELDS = [
    "seq",
    "t_ms",
    "adc_hot",
    "adc_cold",
    "adc_amb",
    "pulses",
    "pump_duty",
    "heater_duty",
    "fan_duty",
    "flags",
  ] as const;
  const good = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
  // Largest value + 1 of each field (docs/protocol.md): uint32, ADC counts 0-4095, duties 0-255.
  const tooBig = [
    "4294967296",
    "4294967296",
    "4096",
    "4096",
    "4096",
    "4294967296",
    "256",
    "256",
    "256",
    "100000000",
  ];
  const parseBoth = (line: string) => {
    const bytes = enc(line);
    const slot = new TlmSlot();
    return [parseDeviceLine(line), parseDeviceBytes(bytes, 0, bytes.length, slot)];
  };
  it.each(FIELDS.map((f, i) => [f, i] as const))("%s: syntax and range, the rest good", (field, i) => {
    for (const [raw, problem] of [
      ["x", "syntax"],
      [tooBig[i] as string, "range"],
    ] as const) {
      const fields = [...good];
      fields[i] = raw;
      // A later field bad as well: the first one is named.
      if (i < 9) fields[9] = "zz";
      for (const r of parseBoth(withCrc(`TLM,${fields.join(",")}`)))
        expect(r).toEqual({ ok: false, error: { kind: "bad_field", field, problem, raw } });
    }
  });
});

describe("an empty TLM field", () => {
  it("is a syntax error in every field but adc_amb, on both paths", () => {
    const names = [
      "seq",
      "t_ms",
      "adc_hot",
      "adc_cold",
      "adc_amb",
      "pulses",
      "pump_duty",
      "heater_duty",
      "fan_duty",
      "flags",
    ];
    for (let i = 0; i < 10; i++) {
      const fields = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
      fields[i] = "";
      const line = enc(withCrc(`TLM,${fields.join(",")}`));
      for (const r of [parseDeviceLine(line), parseDeviceBytes(line, 0, line.length, new TlmSlot())]) {
        if (i === 4) expect(r.ok && r.value.type === "TLM" && r.value.adcAmb).toBe(ADC_AMB_ABSENT);
        else
          expect(r).toEqual({
            ok: false,
            error: { kind: "bad_field", field: names[i], problem: "syntax", raw: "" },
          });
      }
    }
  });
});

describe("TLM lines the fast path must not accept", () => {
  // Each is refused by the general path; the allocation-free path must give the same answer.
  it.each([
    ["every field empty", "TLM,,,,,,,,,,0", { kind: "bad_field", field: "seq", problem: "syntax", raw: "" }],
    [
      "an empty seq beside an absent probe",
      "TLM,,2,3,4,,6,7,8,9,0",
      {
        kind: "bad_field",
        field: "seq",
        problem: "syntax",
        raw: "",
      },
    ],
    [
      "a stray letter that would shift the fields",
      "TLM,1x2,3,4,5,6,7,8,9,A",
      {
        kind: "malformed",
        problem: "TLM needs at least 10 fields, got 9",
      },
    ],
    [
      "every field too big",
      "TLM,4294967296,4294967296,4096,4096,4096,4294967296,256,256,256,0",
      { kind: "bad_field", field: "seq", problem: "range", raw: "4294967296" },
    ],
  ] as const)("%s", (_name, body, error) => {
    const line = enc(withCrc(body));
    expect(parseDeviceBytes(line, 0, line.length, new TlmSlot())).toEqual({ ok: false, error });
    expect(parseDeviceLine(line)).toEqual({ ok: false, error });
  });
});

describe("edges written by hand", () => {
  it("TLM with zeros everywhere names the bad field, not a zero before it", () => {
    for (let i = 0; i < 9; i++) {
      const fields = Array.from({ length: 10 }, () => "0");
      fields[i] = "x";
      fields[9] = "zz";
      const r = parseDeviceLine(withCrc(`TLM,${fields.join(",")}`));
      expect(r.ok ? "ok" : r.error).toMatchObject({ kind: "bad_field", problem: "syntax", raw: "x" });
    }
    expect(parseDeviceLine(withCrc("TLM,0,0,0,0,0,0,0,0,0,zz"))).toEqual({
      ok: false,
      error: { kind: "bad_field", field: "flags", problem: "syntax", raw: "zz" },
    });
  });

  it("a line with no type before its first comma is malformed, on both sides", () => {
    const want = { ok: false, error: { kind: "malformed", problem: "empty line type" } };
    expect(parseDeviceLine(withCrc(",1"))).toStrictEqual(want);
    expect(parseCommandLine(withCrc(",1"))).toStrictEqual(want);
  });

  it("a HELLO's uid is eight hex digits, each half checked, zeros allowed", () => {
    const hello = (uid: string) => parseDeviceLine(withCrc(`HELLO,1.0,looptwin,0.3.0,uno,${uid}`));
    expect(hello("00000000")).toEqual({
      ok: true,
      value: {
        type: "HELLO",
        major: 1,
        minor: 0,
        fwName: "looptwin",
        fwVersion: "0.3.0",
        board: "uno",
        uid: "00000000",
      },
    });
    expect(hello("aB12cD34").ok).toBe(true);
    for (const uid of ["zzzz0000", "0000zzzz", "0000000", "000000000"])
      expect(hello(uid)).toEqual({
        ok: false,
        error: { kind: "bad_field", field: "uid", problem: "syntax", raw: uid },
      });
  });

  it("names what is wrong with the envelope, whole messages", () => {
    const noTrailer = { kind: "malformed", problem: "no *CCCC CRC trailer at the end of the line" };
    for (const line of ["", "*", "ABC", "PING,1", "PING,1*12", "PING,1,0000"])
      expect(parseCommandLine(line)).toStrictEqual({ ok: false, error: noTrailer });
    expect(parseCommandLine("PING,1*12G4")).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "the CRC after * is not 4 hex digits" },
    });
    expect(parseCommandLine(withCrc("PING,*1"))).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "a * inside the fields" },
    });
    // A range shorter than five bytes has no trailer, whatever the bytes before it hold.
    expect(parseDeviceBytes(enc("*FFFF"), 3, 5)).toStrictEqual({ ok: false, error: noTrailer });
    // Five bytes is the shortest envelope: an empty body, whose CRC is the init value FFFF.
    expect(parseDeviceLine("*FFFF")).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "empty line type" },
    });
  });

  it("says how many fields a command needs, with its id when it has one", () => {
    const cmd = (body: string) => parseCommandLine(withCrc(body), { acceptEmu: true });
    expect(cmd("PING,1,2")).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "PING needs 1 fields, got 2", id: 1 },
    });
    expect(cmd("PWM,2,pump")).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "PWM needs 3 or 4 fields, got 2", id: 2 },
    });
    expect(cmd("EMU,3")).toStrictEqual({
      ok: false,
      error: { kind: "malformed", problem: "EMU needs at least 2 fields, got 1", id: 3 },
    });
  });

  it("a NAK's id must be a number", () => {
    expect(parseDeviceLine(withCrc("NAK,x,syntax"))).toEqual({
      ok: false,
      error: { kind: "bad_field", field: "id", problem: "syntax", raw: "x" },
    });
    expect(parseDeviceLine(withCrc("NAK,65536,syntax"))).toEqual({
      ok: false,
      error: { kind: "bad_field", field: "id", problem: "range", raw: "65536" },
    });
  });

  it("says how many fields a short line has and how many it needs", () => {
    const problem = (line: string) => {
      const r = parseDeviceLine(withCrc(line));
      return r.ok ? "ok" : r.error;
    };
    expect(problem("ACK")).toStrictEqual({
      kind: "malformed",
      problem: "ACK needs at least 1 fields, got 0",
    });
    expect(problem("NAK,1")).toStrictEqual({
      kind: "malformed",
      problem: "NAK needs at least 2 fields, got 1",
    });
    expect(problem("EVT,BOOT")).toStrictEqual({
      kind: "malformed",
      problem: "EVT needs at least 2 fields, got 1",
    });
    expect(problem("HELLO,1.0,a,b,c")).toStrictEqual({
      kind: "malformed",
      problem: "HELLO needs at least 5 fields, got 4",
    });
    expect(problem("TLM,1,2,3,4,5,6,7,8,9")).toStrictEqual({
      kind: "malformed",
      problem: "TLM needs at least 10 fields, got 9",
    });
  });

  it("a command error without a readable id carries no id at all", () => {
    for (const body of ["FOO", "FOO,bar", "PING,0"]) {
      const r = parseCommandLine(withCrc(body));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.hasOwn(r.error, "id")).toBe(false);
    }
    expect(parseCommandLine(withCrc("FOO"))).toStrictEqual({
      ok: false,
      error: { kind: "unknown_type", lineType: "FOO" },
    });
  });

  it("event details are plain decimal numbers: no exponent, sign, space or hex", () => {
    for (const detail of [" 12", "12 "])
      expect(parseDeviceLine(withCrc(`EVT,HB_LOST,${detail}`))).toMatchObject({
        error: { field: "detail", problem: "syntax" },
      });
    for (const detail of ["1e3", "+5", "0x10", "1.5", "-0"]) {
      expect(parseDeviceLine(withCrc(`EVT,HB_LOST,${detail}`))).toEqual({
        ok: false,
        error: { kind: "bad_field", field: "detail", problem: "range", raw: detail },
      });
    }
    expect(parseDeviceLine(withCrc("EVT,WDT,0e5")).ok).toBe(false);
    expect(parseDeviceLine(withCrc("EVT,HB_LOST,4294967295"))).toEqual({
      ok: true,
      value: { type: "EVT", event: { code: "HB_LOST", sinceCommandMs: 4294967295 } },
    });
    expect(parseDeviceLine(withCrc("EVT,HB_LOST,4294967296")).ok).toBe(false);
  });

  it("an EMU fault spec is printable ASCII, space and ~ included", () => {
    for (const spec of ["pump\tfailure", "pump\u007ffailure", "pump\u001ffailure", "pump_é"]) {
      const r = parseCommandLine(withCrc(`EMU,3,${spec}`), { acceptEmu: true });
      expect(r.ok ? "ok" : r.error).toMatchObject({
        kind: "bad_field",
        field: "spec",
        problem: "syntax",
        id: 3,
      });
    }
    expect(parseCommandLine(withCrc("EMU,4, a b~"), { acceptEmu: true })).toEqual({
      ok: true,
      value: { type: "EMU", id: 4, faultSpec: " a b~" },
    });
  });

  it("an EMU command needs a fault spec", () => {
    expect(parseCommandLine(withCrc("EMU,3,"), { acceptEmu: true })).toEqual({
      ok: false,
      error: { kind: "bad_field", field: "spec", problem: "syntax", raw: "", id: 3 },
    });
  });
});
