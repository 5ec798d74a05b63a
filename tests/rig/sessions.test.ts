/**
 * The firmware's device behaviour sessions (tests/fixtures/protocol/sessions, format in the README
 * there) replayed against the emulated device: every session file, every expectation. The
 * emulator runs with `acceptEmu: false`, i.e. answering `EMU` as real firmware does.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { FaultSpec } from "../../src/model/faultSpec.js";
import { crc16, crcHex } from "../../src/protocol/crc16.js";
import type { ResetCause } from "../../src/protocol/messages.js";
import {
  type DevicePlant,
  EmulatedDevice,
  type SensorCounts,
} from "../../src/rig/emulator/emulatedDevice.js";

const dir = fileURLToPath(new URL("../fixtures/protocol/sessions/", import.meta.url));
const sessionFiles = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort();

/** Sensors as the session scripts them: raw counts and a cumulative pulse count, held until changed. */
class ScriptedSensors implements DevicePlant {
  counts = { adcHot: 2048, adcCold: 2048, adcAmb: 2048, pulses: 0 };
  advanceTo(): void {}
  setDuty(): void {}
  readSensors(out: SensorCounts): void {
    out.adcHot = this.counts.adcHot;
    out.adcCold = this.counts.adcCold;
    out.adcAmb = this.counts.adcAmb;
    out.pulses = this.counts.pulses;
  }
  addFault(_spec: FaultSpec): void {}
  clearFaults(): void {}
  resetPulses(): void {}
}

/** The golden vectors' escapes: `\\`, `\t`, `\r`, `\n`, `\xHH`. */
function unescapeVector(s: string): string {
  return s.replace(/\\(\\|t|r|n|x[0-9A-Fa-f]{2})/g, (_m, e: string) => {
    if (e === "\\") return "\\";
    if (e === "t") return "\t";
    if (e === "r") return "\r";
    if (e === "n") return "\n";
    return String.fromCharCode(Number.parseInt(e.slice(1), 16));
  });
}

/** A `recv` line as bytes: escapes applied, `*{CRC}` replaced by the CRC of the bytes before it. */
function recvBytes(text: string): Buffer {
  const at = text.indexOf("*{CRC}");
  const line =
    at < 0
      ? unescapeVector(text)
      : (() => {
          const body = unescapeVector(text.slice(0, at));
          const crc = crcHex(crc16(Buffer.from(body, "latin1")));
          return `${body}*${crc}${unescapeVector(text.slice(at + 6))}`;
        })();
  return Buffer.from(`${line}\n`, "latin1");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

/** Pattern -> matcher (placeholders `{u}`, `{h}`, `{a..b}`, `{*}`, `{CRC}`). */
function matcher(pattern: string): (line: string) => boolean {
  const ranges: [number, number][] = [];
  let re = "";
  for (const part of pattern.split(/(\{[^}]*\})/)) {
    if (part === "{u}") re += "\\d+";
    else if (part === "{h}") re += "[0-9A-Fa-f]+";
    else if (part === "{*}") re += "[^,*]*";
    else if (part === "{CRC}") re += "[0-9A-F]{4}";
    else if (/^\{\d+\.\.\d+\}$/.test(part)) {
      const [a, b] = part.slice(1, -1).split("..").map(Number) as [number, number];
      ranges.push([a, b]);
      re += "(\\d+)";
    } else re += escapeRegex(part);
  }
  const rx = new RegExp(`^${re}$`);
  return (line) => {
    const m = rx.exec(line);
    if (m === null) return false;
    return ranges.every(([a, b], i) => {
      const v = Number(m[i + 1]);
      return v >= a && v <= b;
    });
  };
}

function crcOk(line: string): boolean {
  const star = line.lastIndexOf("*");
  return star >= 0 && line.slice(star + 1) === crcHex(crc16(Buffer.from(line.slice(0, star), "latin1")));
}

function runSession(name: string): void {
  const directives = readFileSync(`${dir}${name}`, "utf8")
    .split("\n")
    .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  let cause: ResetCause = "POWERON";
  if (directives[0]?.startsWith("boot ")) cause = directives.shift()!.slice(5).trim() as ResetCause;
  const sensors = new ScriptedSensors();
  const events: string[] = [];
  const tlm: string[] = [];
  let partial = "";
  let nextEvent = 0;
  const dev = new EmulatedDevice({
    plant: sensors,
    resetCause: cause,
    acceptEmu: false,
    seed: 1,
    output: {
      write: (b) => {
        const parts = (partial + b.toString("latin1")).split("\n");
        partial = parts.pop() ?? "";
        for (const line of parts) {
          expect(crcOk(line), `${name}: bad CRC on ${line}`).toBe(true);
          (line.startsWith("TLM,") ? tlm : events).push(line);
        }
      },
    },
  });
  for (const d of directives) {
    const where = `${name}: ${d}`;
    const at = /^at (\d+)(?: (recv|sensors)(?: (.*))?)?$/.exec(d);
    if (at !== null) {
      dev.advanceTo(Number(at[1]));
      if (at[2] === "recv") dev.receive(recvBytes(at[3] ?? ""));
      else if (at[2] === "sensors") {
        for (const kv of (at[3] ?? "").trim().split(/\s+/)) {
          const [k, v] = kv.split("=") as [string, string];
          const key = { hot: "adcHot", cold: "adcCold", amb: "adcAmb", pulses: "pulses" }[k] as
            | keyof ScriptedSensors["counts"]
            | undefined;
          expect(key, where).toBeDefined();
          if (key !== undefined) sensors.counts[key] = Number(v);
        }
      }
      continue;
    }
    const ev = /^expect (.*)$/.exec(d);
    if (ev !== null) {
      const line = events[nextEvent];
      expect(
        line,
        `${where}: no event line (events so far: ${events.slice(nextEvent).join(" | ")})`,
      ).toBeDefined();
      expect(matcher(ev[1]!)(line!), `${where}: got ${line}`).toBe(true);
      nextEvent++;
      continue;
    }
    const et = /^expect-tlm (.*)$/.exec(d);
    if (et !== null) {
      const line = tlm.at(-1);
      expect(line !== undefined && matcher(et[1]!)(line), `${where}: latest TLM ${line}`).toBe(true);
      continue;
    }
    const quiet = /^expect-no-event-until (\d+)$/.exec(d);
    if (quiet !== null) {
      dev.advanceTo(Number(quiet[1]));
      expect(events.slice(nextEvent), where).toEqual([]);
      continue;
    }
    const count = /^expect-tlm-count (\d+) (\d+) (\d+) (\d+)$/.exec(d);
    if (count !== null) {
      const [from, to, min, max] = count.slice(1, 5).map(Number) as [number, number, number, number];
      dev.advanceTo(to);
      const n = tlm.filter((l) => {
        const t = Number(l.split(",")[2]);
        return t >= from && t < to;
      }).length;
      expect(n >= min && n <= max, `${where}: ${n} TLM lines`).toBe(true);
      continue;
    }
    throw new Error(`${where}: unknown directive`);
  }
  expect(events.slice(nextEvent), `${name}: unmatched event lines at the end`).toEqual([]);
}

describe("firmware behaviour sessions against the emulated device", () => {
  it("finds the session files", () => {
    expect(sessionFiles.length).toBeGreaterThanOrEqual(10);
  });
  it.each(sessionFiles)("%s", (name) => {
    runSession(name);
  });
});
