/**
 * Parses one line (without its `\n`) into a message or a {@link LineError}; never throws.
 *
 * Checks, in this order (the golden vectors pin it): length (at most 159 bytes) -> `*CCCC`
 * trailer -> CRC -> no `*` among the fields -> line type -> number of fields -> each field from
 * left to right. Device lines may carry unknown trailing fields (kept in `extra`); commands may
 * not (the device answers `NAK,<id>,syntax`).
 *
 * The `*Bytes` variants read a byte range in place; with a {@link TlmSlot} a TLM line is parsed
 * without allocating (the hot path of every live, emulated and replayed stream).
 */
import { err, ok, type Result } from "../core/result.js";
import { CRC16_INIT, crc16Update } from "./crc16.js";
import { FIELD_RANGE, FIELD_SYNTAX, FieldCursor, hex4At, latin1 } from "./fieldCursor.js";
import type { LineError } from "./lineError.js";
import {
  ADC_AMB_ABSENT,
  COMMAND_TYPES,
  type CommandType,
  type DeviceEvent,
  type DeviceMessage,
  EVT_CODES,
  type EvtMessage,
  type HostCommand,
  isOneOf,
  LIMITS,
  MAX_LINE_CONTENT_BYTES,
  OVERTEMP_CHANNELS,
  PWM_CHANNELS,
  RESET_CAUSES,
  SENSOR_CHANNELS,
  SENSOR_STATES,
  type TlmMessage,
  type WireField,
} from "./messages.js";

const STAR = 42;
const COMMA = 44;

export type DeviceParseResult = Result<DeviceMessage, LineError>;
export type CommandParseResult = Result<HostCommand, LineError>;

/**
 * A reusable, mutable TLM message for the allocation-free path. After a successful TLM parse into
 * it, `result` is the (same, preallocated) ok result whose value is this slot: read or copy the
 * fields before the next parse overwrites them.
 */
export class TlmSlot implements TlmMessage {
  readonly type = "TLM" as const;
  seq = 0;
  tMs = 0;
  adcHot = 0;
  adcCold = 0;
  adcAmb = 0;
  pulses = 0;
  pumpDuty = 0;
  heaterDuty = 0;
  fanDuty = 0;
  flags = 0;
  extra: readonly string[] | undefined = undefined;
  readonly result: { readonly ok: true; readonly value: TlmMessage } = { ok: true, value: this };

  /** A plain, independent copy (without `extra` when there is none). */
  snapshot(): TlmMessage {
    const { seq, tMs, adcHot, adcCold, adcAmb, pulses, pumpDuty, heaterDuty, fanDuty, flags, extra } = this;
    const m: TlmMessage = {
      type: "TLM",
      seq,
      tMs,
      adcHot,
      adcCold,
      adcAmb,
      pulses,
      pumpDuty,
      heaterDuty,
      fanDuty,
      flags,
    };
    return extra === undefined ? m : { ...m, extra };
  }
}

const cur = new FieldCursor();
/** Commas in the body found by the envelope check (so field counts are known up front). */
let bodyCommas = 0;

/** Parses a device -> host line (what the host reads). */
export function parseDeviceLine(line: string | Uint8Array): DeviceParseResult {
  const bytes = typeof line === "string" ? encodeLine(line) : line;
  return parseDeviceBytes(bytes, 0, bytes.length);
}

/**
 * Parses the device line in `bytes[start, end)` (no `\n`). With `slot`, a valid TLM line fills it
 * and returns `slot.result` without allocating.
 */
export function parseDeviceBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  slot?: TlmSlot,
): DeviceParseResult {
  const bodyEnd = checkEnvelope(bytes, start, end);
  if (typeof bodyEnd !== "number") return err(bodyEnd);
  const typeEnd = fieldEndAt(bytes, start, bodyEnd);
  cur.reset(bytes, typeEnd + 1, bodyEnd);
  if (typeEnd - start === 3 && bytes[start] === 84 && bytes[start + 1] === 76 && bytes[start + 2] === 77) {
    if (slot !== undefined && readGoodTlm(bytes, typeEnd + 1, bodyEnd, slot)) return slot.result;
    return parseTlm(slot, bytes, start, bodyEnd);
  }
  const shape = scanBody(bytes, start, bodyEnd);
  if (shape !== null) return err(shape);
  if (typeEnd === start) return err({ kind: "malformed", problem: "empty line type" });
  const type = latin1(bytes, start, typeEnd);
  switch (type) {
    case "HELLO":
      return parseHello();
    case "ACK": {
      if (bodyCommas < 1) return fieldCount(type, 1);
      const id = readId();
      if (id < 0) return badField("id", id);
      return ok(withExtra({ type: "ACK", id }));
    }
    case "NAK": {
      if (bodyCommas < 2) return fieldCount(type, 2);
      // Id 0 is the device saying it could not read the command's id (`PING,x` -> `NAK,0,syntax`).
      const id = cur.uint(LIMITS.idMax);
      if (id < 0) return badField("id", id);
      const reason = cur.token();
      if (reason === null) return badField("reason", FIELD_SYNTAX);
      return ok(withExtra({ type: "NAK", id, reason }));
    }
    case "EVT":
      return parseEvt();
    default:
      return err({ kind: "unknown_type", lineType: type });
  }
}

/** Largest value of each decimal TLM field, in wire order (adc_amb's empty form aside). */
const TLM_DECIMAL_MAX = [
  LIMITS.uint32Max,
  LIMITS.uint32Max,
  LIMITS.adcMaxCounts,
  LIMITS.adcMaxCounts,
  LIMITS.adcMaxCounts,
  LIMITS.uint32Max,
  LIMITS.dutyMax,
  LIMITS.dutyMax,
  LIMITS.dutyMax,
] as const;
/** Index of adc_amb, the one field that may be empty, in {@link TLM_DECIMAL_MAX}. */
const AMB_FIELD = 4;
/**
 * The decimal fields of the line {@link readGoodTlm} is reading (scratch, never escapes). Unsigned
 * 32-bit, so that what is read back is a small integer where it fits, as the general path's
 * numbers are (doubles from a Float64Array would make the slot's fields doubles, boxed at every
 * call that passes one on).
 */
const tlmFields = new Uint32Array(TLM_DECIMAL_MAX.length);

/**
 * The hot path of the hot path: one pass over a TLM body `bytes[from, bodyEnd)` that accepts only
 * a line every field of which is good and that has no trailing fields, and fills `slot`; anything
 * else returns false and {@link parseTlm} reads the line again to name what is wrong (so the
 * errors and their precedence stay those of the general path). One inlined loop, no method call
 * per field: the general path's ten FieldCursor calls were a third of the parse.
 */
function readGoodTlm(bytes: Uint8Array, from: number, bodyEnd: number, slot: TlmSlot): boolean {
  const fields = tlmFields;
  let ambAbsent = false;
  let i = from;
  for (let f = 0; f < TLM_DECIMAL_MAX.length; f++) {
    if (f === AMB_FIELD && bytes[i] === COMMA) {
      ambAbsent = true;
      i++;
      continue;
    }
    const fieldStart = i;
    let v = 0;
    for (; i < bodyEnd; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === fieldStart || i >= bodyEnd || bytes[i] !== COMMA || v > TLM_DECIMAL_MAX[f]!) return false;
    fields[f] = v;
    i++;
  }
  // flags: hex, either case, up to the end of the body.
  const flagsStart = i;
  let flags = 0;
  for (; i < bodyEnd; i++) {
    const ch = bytes[i]!;
    let d: number;
    if (ch >= 48 && ch <= 57) d = ch - 48;
    else if (ch >= 65 && ch <= 70) d = ch - 55;
    else if (ch >= 97 && ch <= 102) d = ch - 87;
    else return false;
    flags = flags * 16 + d;
  }
  if (i === flagsStart || flags > LIMITS.uint32Max) return false;
  slot.seq = fields[0]!;
  slot.tMs = fields[1]!;
  slot.adcHot = fields[2]!;
  slot.adcCold = fields[3]!;
  slot.adcAmb = ambAbsent ? ADC_AMB_ABSENT : fields[AMB_FIELD]!;
  slot.pulses = fields[5]!;
  slot.pumpDuty = fields[6]!;
  slot.heaterDuty = fields[7]!;
  slot.fanDuty = fields[8]!;
  slot.flags = flags;
  slot.extra = undefined;
  return true;
}

/**
 * The general TLM path: reads the 10 fields straight away and counts the body's commas and stars only when
 * something is wrong (or there are trailing fields), so that a good line is read once after its CRC.
 * A good TLM body has exactly 10 numeric fields, hence no `*`, and the error precedence (stray `*`,
 * then field count, then the first bad field) is restored on the error path.
 */
function parseTlm(
  slot: TlmSlot | undefined,
  bytes: Uint8Array,
  start: number,
  bodyEnd: number,
): DeviceParseResult {
  const U32 = LIMITS.uint32Max;
  let bad: WireField | null = null;
  let code = 0;
  const seq = cur.uint(U32);
  const tMs = seq < 0 ? -1 : cur.uint(U32);
  const adcHot = tMs < 0 ? -1 : cur.uint(LIMITS.adcMaxCounts);
  const adcCold = adcHot < 0 ? -1 : cur.uint(LIMITS.adcMaxCounts);
  let adcAmb = ADC_AMB_ABSENT;
  let ambCode = adcCold < 0 ? -1 : 0;
  if (ambCode === 0) {
    if (cur.nextIsEmpty()) cur.skipField();
    else {
      const v = cur.uint(LIMITS.adcMaxCounts);
      if (v < 0) ambCode = v;
      else adcAmb = v;
    }
  }
  const pulses = ambCode < 0 ? -1 : cur.uint(U32);
  const pumpDuty = pulses < 0 ? -1 : cur.uint(LIMITS.dutyMax);
  const heaterDuty = pumpDuty < 0 ? -1 : cur.uint(LIMITS.dutyMax);
  const fanDuty = heaterDuty < 0 ? -1 : cur.uint(LIMITS.dutyMax);
  const flags = fanDuty < 0 ? -1 : cur.hex(U32);
  if (flags < 0) {
    if (seq < 0) [bad, code] = ["seq", seq];
    else if (tMs < 0) [bad, code] = ["t_ms", tMs];
    else if (adcHot < 0) [bad, code] = ["adc_hot", adcHot];
    else if (adcCold < 0) [bad, code] = ["adc_cold", adcCold];
    else if (ambCode < 0) [bad, code] = ["adc_amb", ambCode];
    else if (pulses < 0) [bad, code] = ["pulses", pulses];
    else if (pumpDuty < 0) [bad, code] = ["pump_duty", pumpDuty];
    else if (heaterDuty < 0) [bad, code] = ["heater_duty", heaterDuty];
    else if (fanDuty < 0) [bad, code] = ["fan_duty", fanDuty];
    else [bad, code] = ["flags", flags];
  }
  const hasExtra = cur.pos <= bodyEnd;
  if (bad !== null || hasExtra) {
    const shape = scanBody(bytes, start, bodyEnd);
    if (shape !== null) return err(shape);
    if (bodyCommas < 10) return fieldCount("TLM", 10);
    if (bad !== null) return badField(bad, code);
  }
  const extra = hasExtra ? cur.remaining() : undefined;
  if (slot !== undefined) {
    slot.seq = seq;
    slot.tMs = tMs;
    slot.adcHot = adcHot;
    slot.adcCold = adcCold;
    slot.adcAmb = adcAmb;
    slot.pulses = pulses;
    slot.pumpDuty = pumpDuty;
    slot.heaterDuty = heaterDuty;
    slot.fanDuty = fanDuty;
    slot.flags = flags;
    slot.extra = extra;
    return slot.result;
  }
  const m: TlmMessage = {
    type: "TLM",
    seq,
    tMs,
    adcHot,
    adcCold,
    adcAmb,
    pulses,
    pumpDuty,
    heaterDuty,
    fanDuty,
    flags,
  };
  return ok(extra === undefined ? m : { ...m, extra });
}

function parseHello(): DeviceParseResult {
  if (bodyCommas < 5) return fieldCount("HELLO", 5);
  const major = cur.uint(LIMITS.versionMax, true);
  if (major < 0) return badField("major", major);
  // uint(.., stopAtDot) leaves `pos` on the dot when there is one.
  if (cur.pos !== cur.fieldEnd) return badField("minor", FIELD_SYNTAX);
  cur.pos++;
  const minor = cur.uint(LIMITS.versionMax);
  if (minor < 0) return badField("minor", minor);
  const fwName = cur.token();
  if (fwName === null) return badField("fw_name", FIELD_SYNTAX);
  const fwVersion = cur.token();
  if (fwVersion === null) return badField("fw_version", FIELD_SYNTAX);
  const board = cur.token();
  if (board === null) return badField("board", FIELD_SYNTAX);
  const uidStart = cur.pos;
  const uid = cur.token();
  if (
    uid === null ||
    uid.length !== 8 ||
    hex4At(cur.bytes, uidStart) < 0 ||
    hex4At(cur.bytes, uidStart + 4) < 0
  )
    return badField("uid", FIELD_SYNTAX);
  return ok(withExtra({ type: "HELLO", major, minor, fwName, fwVersion, board, uid }));
}

function parseEvt(): DeviceParseResult {
  if (bodyCommas < 2) return fieldCount("EVT", 2);
  const code = cur.token();
  if (code === null) return badField("code", FIELD_SYNTAX);
  const detail = cur.token();
  if (detail === null) return badField("detail", FIELD_SYNTAX);
  const event = isOneOf(EVT_CODES, code)
    ? decodeKnownEvent(code, detail)
    : { code: "unrecognized" as const, rawCode: code, detail };
  if (event === null) return badField("detail", FIELD_RANGE);
  return ok(withExtra<EvtMessage>({ type: "EVT", event }));
}

/** The typed event of a known code, or `null` when its detail is not one this version defines. */
function decodeKnownEvent(code: (typeof EVT_CODES)[number], detail: string): DeviceEvent | null {
  switch (code) {
    case "BOOT":
      return isOneOf(RESET_CAUSES, detail) ? { code, resetCause: detail } : null;
    case "WDT":
      return decimalUint32(detail) === 0 ? { code } : null;
    case "HB_LOST": {
      const sinceCommandMs = decimalUint32(detail);
      return sinceCommandMs >= 0 ? { code, sinceCommandMs } : null;
    }
    case "OVERTEMP":
      return isOneOf(OVERTEMP_CHANNELS, detail) ? { code, channel: detail } : null;
    case "HOLD_EXPIRED":
      return isOneOf(PWM_CHANNELS, detail) ? { code, channel: detail } : null;
    case "SENSOR": {
      const colon = detail.indexOf(":");
      const channel = detail.slice(0, colon);
      const state = detail.slice(colon + 1);
      return colon > 0 && isOneOf(SENSOR_CHANNELS, channel) && isOneOf(SENSOR_STATES, state)
        ? { code, channel, state }
        : null;
    }
  }
}

/** Options of {@link parseCommandLine}. */
export interface CommandParseOptions {
  /** Accept `EMU,<id>,<fault spec>` (the emulator does; real firmware does not). @default false */
  readonly acceptEmu?: boolean;
}

/** Parses a host -> device command line (what the device, or the emulator, reads). */
export function parseCommandLine(
  line: string | Uint8Array,
  options?: CommandParseOptions,
): CommandParseResult {
  const bytes = typeof line === "string" ? encodeLine(line) : line;
  return parseCommandBytes(bytes, 0, bytes.length, options);
}

/** Fields after the type: [min, max] per command type. */
const COMMAND_FIELD_COUNTS: Readonly<Record<CommandType, readonly [number, number]>> = {
  PWM: [3, 4],
  RATE: [2, 2],
  PING: [1, 1],
  INFO: [1, 1],
  SAFE: [1, 1],
  EMU: [2, Number.POSITIVE_INFINITY],
};

/** Parses the command line in `bytes[start, end)` (no `\n`). */
export function parseCommandBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  options?: CommandParseOptions,
): CommandParseResult {
  const bodyEnd = checkEnvelope(bytes, start, end);
  if (typeof bodyEnd !== "number") return err(bodyEnd);
  const shape = scanBody(bytes, start, bodyEnd);
  if (shape !== null) return err(shape);
  const typeEnd = fieldEndAt(bytes, start, bodyEnd);
  if (typeEnd === start) return err({ kind: "malformed", problem: "empty line type" });
  const type = latin1(bytes, start, typeEnd);
  cur.reset(bytes, typeEnd + 1, bodyEnd);
  if (!isOneOf(COMMAND_TYPES, type) || (type === "EMU" && options?.acceptEmu !== true)) {
    return err(withId({ kind: "unknown_type", lineType: type }, peekId()));
  }
  const [min, max] = COMMAND_FIELD_COUNTS[type];
  if (bodyCommas < min || bodyCommas > max) {
    const want =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} or ${max}`;
    return err(
      withId({ kind: "malformed", problem: `${type} needs ${want} fields, got ${bodyCommas}` }, peekId()),
    );
  }
  const id = readId();
  if (id < 0) return badField("id", id);
  switch (type) {
    case "PWM": {
      const channelText = cur.token();
      if (channelText === null || !isOneOf(PWM_CHANNELS, channelText))
        return badField("channel", channelText === null ? FIELD_SYNTAX : FIELD_RANGE, id);
      const duty = cur.uint(LIMITS.dutyMax);
      if (duty < 0) return badField("duty", duty, id);
      let holdMs: number | null = null;
      if (bodyCommas === 4) {
        holdMs = cur.uint(LIMITS.holdMsMax);
        if (holdMs === 0) holdMs = FIELD_RANGE;
        if (holdMs < 0) return badField("hold_ms", holdMs, id);
      }
      return ok({ type, id, channel: channelText, duty, holdMs });
    }
    case "RATE": {
      let rateHz = cur.uint(LIMITS.rateHzMax);
      if (rateHz === 0) rateHz = FIELD_RANGE;
      if (rateHz < 0) return badField("hz", rateHz, id);
      return ok({ type, id, rateHz });
    }
    case "PING":
    case "INFO":
    case "SAFE":
      return ok({ type, id });
    case "EMU": {
      const faultSpec = cur.rest();
      if (!isPrintable(faultSpec)) return badField("spec", FIELD_SYNTAX, id);
      return ok({ type, id, faultSpec });
    }
  }
}

/** Checks the length, the `*CCCC` trailer and the CRC of `bytes[start, end)`; returns the index of the `*`. */
function checkEnvelope(bytes: Uint8Array, start: number, end: number): number | LineError {
  const length = end - start;
  if (length > MAX_LINE_CONTENT_BYTES) return { kind: "too_long", lengthBytes: length };
  const star = end - 5;
  if (length < 5 || bytes[star] !== STAR)
    return { kind: "malformed", problem: "no *CCCC CRC trailer at the end of the line" };
  const receivedCrc = hex4At(bytes, star + 1);
  if (receivedCrc < 0) return { kind: "malformed", problem: "the CRC after * is not 4 hex digits" };
  const c = crc16Update(CRC16_INIT, bytes, start, star);
  if (c !== receivedCrc) return { kind: "crc", receivedCrc, computedCrc: c };
  return star;
}

/** Counts the body's commas into `bodyCommas`; a `*` among the fields is malformed. */
function scanBody(bytes: Uint8Array, start: number, bodyEnd: number): LineError | null {
  let commas = 0;
  for (let i = start; i < bodyEnd; i++) {
    const b = bytes[i];
    if (b === COMMA) commas++;
    else if (b === STAR) return { kind: "malformed", problem: "a * inside the fields" };
  }
  bodyCommas = commas;
  return null;
}

function fieldEndAt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && bytes[i] !== COMMA) i++;
  return i;
}

/** Reads a command id (1-65535); FIELD_SYNTAX / FIELD_RANGE on failure. */
function readId(): number {
  const id = cur.uint(LIMITS.idMax);
  return id === 0 ? FIELD_RANGE : id;
}

/** The id in the first field, if it is one, without moving the cursor (for NAKs). */
function peekId(): number | undefined {
  if (bodyCommas < 1) return undefined;
  const pos = cur.pos;
  const id = readId();
  cur.pos = pos;
  return id > 0 ? id : undefined;
}

function withId<E extends LineError>(e: E, id: number | undefined): E {
  return id === undefined ? e : { ...e, id };
}

function fieldCount(type: string, want: number): { readonly ok: false; readonly error: LineError } {
  return err({ kind: "malformed", problem: `${type} needs at least ${want} fields, got ${bodyCommas}` });
}

function badField(
  field: WireField,
  code: number,
  id?: number,
): { readonly ok: false; readonly error: LineError } {
  const e: LineError = {
    kind: "bad_field",
    field,
    problem: code === FIELD_RANGE ? "range" : "syntax",
    raw: cur.lastRaw(),
  };
  return err(withId(e, id));
}

/** Adds the unknown trailing fields, if any, to a device message. */
function withExtra<M extends DeviceMessage>(m: M): M {
  return cur.pos <= cur.end ? { ...m, extra: cur.remaining() } : m;
}

/** A decimal uint32 (leading zeros accepted), or -1. */
function decimalUint32(s: string): number {
  if (!/^[0-9]+$/.test(s)) return -1;
  const v = Number(s);
  return v <= LIMITS.uint32Max ? v : -1;
}

function isPrintable(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

const utf8 = new TextEncoder();

/** A string line as bytes (ASCII fast, UTF-8 otherwise, as the CRC sees it). */
function encodeLine(line: string): Uint8Array {
  const out = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c > 0x7f) return utf8.encode(line);
    out[i] = c;
  }
  return out;
}
