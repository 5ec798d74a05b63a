/**
 * The device behaviour sessions of tests/fixtures/protocol/sessions (format in the README there),
 * replayed against any implementation of the device: parsing, pattern matching and the replay
 * loop. The firmware's host tests replay the same files in C++ (firmware/test/sessions.cpp); here
 * the TypeScript emulated device and the firmware in simavr replay them, and the differential
 * test compares what both wrote.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc16, crcHex } from "../../src/protocol/crc16.js";
import type { ResetCause } from "../../src/protocol/messages.js";
import { unescapeInput } from "../protocol/vectorFile.js";

export const SESSIONS_DIR = fileURLToPath(new URL("../fixtures/protocol/sessions/", import.meta.url));

export interface SensorValues {
  hot?: number;
  cold?: number;
  amb?: number;
  pulses?: number;
}

export type Directive =
  | { readonly kind: "boot"; readonly lineNo: number; readonly cause: ResetCause }
  | { readonly kind: "at"; readonly lineNo: number; readonly tMs: number }
  | { readonly kind: "recv"; readonly lineNo: number; readonly tMs: number; readonly bytes: Uint8Array }
  | { readonly kind: "sensors"; readonly lineNo: number; readonly tMs: number; readonly values: SensorValues }
  | { readonly kind: "expect"; readonly lineNo: number; readonly pattern: string }
  | { readonly kind: "expect-tlm"; readonly lineNo: number; readonly pattern: string }
  | { readonly kind: "expect-no-event-until"; readonly lineNo: number; readonly tMs: number }
  | {
      readonly kind: "expect-tlm-count";
      readonly lineNo: number;
      readonly fromMs: number;
      readonly toMs: number;
      readonly min: number;
      readonly max: number;
    };

export interface Session {
  readonly name: string;
  readonly directives: readonly Directive[];
  /** Time of the last directive [ms]. */
  readonly endMs: number;
}

function uint(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new Error(`${what}: not a number: ${text}`);
  return Number(text);
}

/** `recv` text -> bytes: `*{CRC}` becomes `*` and the CRC of the bytes before it; escapes as in the vectors. */
export function recvBytes(text: string): Uint8Array {
  const parts = text.split("*{CRC}");
  const out: number[] = [];
  parts.forEach((p, i) => {
    for (const b of unescapeInput(p)) out.push(b);
    if (i < parts.length - 1) {
      const crc = crcHex(crc16(Uint8Array.from(out)));
      out.push(42);
      for (const c of crc) out.push(c.charCodeAt(0));
    }
  });
  out.push(10);
  return Uint8Array.from(out);
}

export function parseSession(name: string, text: string): Session {
  const directives: Directive[] = [];
  let endMs = 0;
  text.split("\n").forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.startsWith("#")) return;
    const where = `${name}:${lineNo}`;
    const [word, ...rest] = line.split(" ");
    switch (word) {
      case "boot":
        directives.push({ kind: "boot", lineNo, cause: rest[0] as ResetCause });
        return;
      case "at": {
        const tMs = uint(rest[0], where);
        endMs = Math.max(endMs, tMs);
        if (rest.length === 1) directives.push({ kind: "at", lineNo, tMs });
        else if (rest[1] === "recv") {
          const idx = line.indexOf(" recv");
          const payload = line.length > idx + 5 ? line.slice(idx + 6) : "";
          directives.push({ kind: "recv", lineNo, tMs, bytes: recvBytes(payload) });
        } else if (rest[1] === "sensors") {
          const values: SensorValues = {};
          for (const kv of rest.slice(2)) {
            const [k, v] = kv.split("=");
            if (k !== "hot" && k !== "cold" && k !== "amb" && k !== "pulses")
              throw new Error(`${where}: sensor ${k}`);
            values[k] = uint(v, where);
          }
          directives.push({ kind: "sensors", lineNo, tMs, values });
        } else throw new Error(`${where}: unknown at-directive ${rest[1]}`);
        return;
      }
      case "expect":
        directives.push({ kind: "expect", lineNo, pattern: line.slice(7) });
        return;
      case "expect-tlm":
        directives.push({ kind: "expect-tlm", lineNo, pattern: line.slice(11) });
        return;
      case "expect-no-event-until": {
        const tMs = uint(rest[0], where);
        endMs = Math.max(endMs, tMs);
        directives.push({ kind: "expect-no-event-until", lineNo, tMs });
        return;
      }
      case "expect-tlm-count": {
        const [a, b, c, d] = rest.map((x) => uint(x, where));
        endMs = Math.max(endMs, b as number);
        directives.push({
          kind: "expect-tlm-count",
          lineNo,
          fromMs: a as number,
          toMs: b as number,
          min: c as number,
          max: d as number,
        });
        return;
      }
      default:
        throw new Error(`${where}: unknown directive ${word}`);
    }
  });
  return { name, directives, endMs };
}

export function readSessions(dir = SESSIONS_DIR): Session[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => parseSession(f, readFileSync(`${dir}/${f}`, "utf8")));
}

/** Whether `line` matches a session pattern (placeholders `{u} {h} {a..b} {*} {CRC}`). */
export function matchPattern(pattern: string, line: string): boolean {
  return matchFrom(pattern, 0, line, 0);
}

function matchFrom(pat: string, pi: number, line: string, li: number): boolean {
  if (pi === pat.length) return li === line.length;
  if (pat[pi] !== "{")
    return li < line.length && line[li] === pat[pi] && matchFrom(pat, pi + 1, line, li + 1);
  const close = pat.indexOf("}", pi);
  if (close < 0) return false;
  const token = pat.slice(pi + 1, close);
  const next = close + 1;
  if (token === "CRC") {
    if (li === 0 || line[li - 1] !== "*" || li + 4 > line.length) return false;
    const want = crcHex(crc16(Buffer.from(line.slice(0, li - 1), "latin1")));
    return line.slice(li, li + 4) === want && matchFrom(pat, next, line, li + 4);
  }
  if (token === "*") {
    for (let end = li; end <= line.length; end++) {
      if (end > li && (line[end - 1] === "," || line[end - 1] === "*")) break;
      if (matchFrom(pat, next, line, end)) return true;
    }
    return false;
  }
  const digitClass = token === "h" ? /[0-9A-Fa-f]/ : /[0-9]/;
  const range = /^(\d+)\.\.(\d+)$/.exec(token);
  if (token !== "u" && token !== "h" && range === null) return false;
  for (let end = li + 1; end <= line.length && digitClass.test(line[end - 1] as string); end++) {
    if (range !== null) {
      const v = Number(line.slice(li, end));
      if (v < Number(range[1]) || v > Number(range[2])) continue;
    }
    if (matchFrom(pat, next, line, end)) return true;
  }
  return false;
}

/** A line the device wrote, with the device time [ms since power-up] when the host had it. */
export interface TimedLine {
  readonly tMs: number;
  readonly line: string;
}

/** The device under replay. */
export interface SessionDevice {
  /** Runs the device to `tMs` [ms since power-up]. */
  advanceTo(tMs: number): Promise<void>;
  /** Bytes from the host, now. */
  receive(bytes: Uint8Array): void;
  /** The sensors read these from now on. */
  setSensors(values: SensorValues): void;
  /** Every line the device wrote so far, in order. */
  readonly lines: readonly TimedLine[];
}

export interface ReplayResult {
  /** Failed checks, each naming the session line. Empty when the session passed. */
  readonly failures: string[];
  /** Every line the device wrote. */
  readonly lines: readonly TimedLine[];
}

export interface ReplayOptions {
  /**
   * Latency allowed [ms]: an expected event line may arrive this long after the time of its
   * `expect`. A device behind a real UART hears a command only after its bytes (87 us each at
   * 115200 baud, so a burst of commands queues), writes its answer behind whatever it is sending,
   * and sees a sensor change only after a full ADC scan. @default 0
   */
  readonly latencyMs?: number;
  /**
   * `expect-tlm-count` windows are taken this much later [ms]: a RATE takes effect when its bytes
   * have arrived, not when the host sent them (the sessions promise 10 ms of slack). @default 0
   */
  readonly windowShiftMs?: number;
  /**
   * A `sensors` change immediately followed by a `recv` at the same millisecond is applied this
   * much earlier (never before the directive before it) [ms]: the session means the command to
   * meet the new readings, and a device that scans its ADC (the firmware: one scan ~10 ms) only
   * has them a scan or two later. @default 0
   */
  readonly sensorLeadMs?: number;
  /**
   * Rewrites a pattern before matching, for a device that cannot produce a value the session
   * sets (e.g. a pulse counter jump no flow meter can make).
   */
  readonly relax?: (pattern: string, kind: "expect" | "expect-tlm") => string;
}

/** The session time a directive runs at (0 for those without one). */
function directiveTime(d: Directive): number {
  switch (d.kind) {
    case "at":
    case "recv":
    case "sensors":
    case "expect-no-event-until":
      return d.tMs;
    case "expect-tlm-count":
      return d.toMs;
    default:
      return 0;
  }
}

function tlmTMs(line: string): number {
  return Number(line.split(",")[2]);
}

type Check = { readonly d: Directive; readonly atMs: number; readonly relaxed: string };

/**
 * Replays one session on `device` (already booted as the session says). The inputs (`recv`,
 * `sensors`) are applied on the session's clock; the checks are judged afterwards on the lines
 * the device wrote, each with its arrival time: so waiting for a late line never delays the
 * inputs that follow it. An `expect-tlm` judges the latest TLM whose own `t_ms` is at most the
 * directive's time.
 */
export async function replaySession(
  session: Session,
  device: SessionDevice,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const failures: string[] = [];
  const relax = options.relax ?? ((p: string) => p);
  const latencyMs = options.latencyMs ?? 0;
  const shiftMs = options.windowShiftMs ?? 0;
  const checks: Check[] = [];
  let nowMs = 0;
  const advance = async (tMs: number): Promise<void> => {
    if (tMs > nowMs) nowMs = tMs;
    await device.advanceTo(nowMs);
  };
  const lead = options.sensorLeadMs ?? 0;
  const directives = session.directives.map((d, i, all) => {
    const next = all[i + 1];
    if (lead <= 0 || d.kind !== "sensors" || next?.kind !== "recv" || next.tMs !== d.tMs) return d;
    let prevMs = 0;
    for (const p of all.slice(0, i)) prevMs = Math.max(prevMs, directiveTime(p));
    return { ...d, tMs: Math.max(prevMs, d.tMs - lead) };
  });
  for (const d of directives) {
    switch (d.kind) {
      case "boot":
        break;
      case "at":
        await advance(d.tMs);
        break;
      case "recv":
        await advance(d.tMs);
        device.receive(d.bytes);
        break;
      case "sensors":
        await advance(d.tMs);
        device.setSensors(d.values);
        break;
      case "expect":
      case "expect-tlm":
        // Relaxed now: the relaxation may depend on what the session has set so far.
        checks.push({ d, atMs: nowMs, relaxed: relax(d.pattern, d.kind) });
        break;
      case "expect-no-event-until":
        await advance(d.tMs);
        checks.push({ d, atMs: d.tMs, relaxed: "" });
        break;
      case "expect-tlm-count":
        await advance(d.toMs);
        checks.push({ d, atMs: d.toMs, relaxed: "" });
        break;
    }
  }
  await advance(nowMs + Math.max(latencyMs, shiftMs) + 1);

  const events = device.lines.filter((l) => !l.line.startsWith("TLM,"));
  const tlm = device.lines.filter((l) => l.line.startsWith("TLM,"));
  const fail = (d: Directive, what: string): void => {
    failures.push(`${session.name}:${d.lineNo}: ${what}`);
  };
  let next = 0;
  for (const { d, atMs, relaxed } of checks) {
    switch (d.kind) {
      case "expect": {
        const got = events[next];
        if (got === undefined) {
          fail(d, `expected ${d.pattern}, no further event line`);
          break;
        }
        next++;
        if (!matchPattern(relaxed, got.line))
          fail(d, `expected ${d.pattern}, got ${got.line} (at ${got.tMs} ms)`);
        else if (got.tMs > atMs + latencyMs)
          fail(d, `expected ${d.pattern} by ${atMs + latencyMs} ms, it came at ${got.tMs} ms`);
        break;
      }
      case "expect-tlm": {
        let got: TimedLine | undefined;
        for (const l of tlm) if (tlmTMs(l.line) <= atMs) got = l;
        if (got === undefined) fail(d, `expected TLM ${d.pattern}, no TLM by ${atMs} ms`);
        else if (!matchPattern(relaxed, got.line))
          fail(d, `expected TLM ${d.pattern} at ${atMs} ms, latest is ${got.line}`);
        break;
      }
      case "expect-no-event-until": {
        const extra: TimedLine[] = [];
        while (next < events.length && (events[next] as TimedLine).tMs < d.tMs)
          extra.push(events[next++] as TimedLine);
        if (extra.length > 0)
          fail(
            d,
            `no event expected before ${d.tMs} ms, got ${extra.map((l) => `${l.line} (${l.tMs} ms)`).join(", ")}`,
          );
        break;
      }
      case "expect-tlm-count": {
        const fromMs = d.fromMs + shiftMs;
        const toMs = d.toMs + shiftMs;
        const n = tlm.filter((l) => {
          const t = tlmTMs(l.line);
          return t >= fromMs && t < toMs;
        }).length;
        if (n < d.min || n > d.max)
          fail(d, `${n} TLM lines in [${fromMs}, ${toMs}) ms, want ${d.min}-${d.max}`);
        break;
      }
      default:
        break;
    }
  }
  const left = events.slice(next);
  if (left.length > 0)
    failures.push(
      `${session.name}: unmatched event lines ${left.map((l) => `${l.line} (${l.tMs} ms)`).join(", ")}`,
    );
  for (const l of device.lines) {
    const star = l.line.lastIndexOf("*");
    if (star < 0 || l.line.slice(star + 1) !== crcHex(crc16(Buffer.from(l.line.slice(0, star), "latin1"))))
      failures.push(`${session.name}: line with a wrong CRC: ${l.line}`);
  }
  return { failures, lines: device.lines };
}
