/**
 * Formats messages and commands as wire lines `<TYPE>,<field>,...*<CRC>` (without the `\n`, which
 * the sender appends). Numbers are written in canonical form (decimal, no leading zeros; flags in
 * uppercase hex), so `parseX(formatX(m))` gives `m` back. Values outside the protocol's ranges
 * are a programming error: they throw a {@link ConfigError} naming the wire field and the value.
 */
import { ConfigError } from "../core/errors.js";
import { crc16, crcHex } from "./crc16.js";
import {
  ADC_AMB_ABSENT,
  type DeviceEvent,
  type DeviceMessage,
  type HostCommand,
  isOneOf,
  LIMITS,
  MAX_LINE_CONTENT_BYTES,
  PWM_CHANNELS,
  type WireField,
} from "./messages.js";

/** Appends `*` and the CRC of `body`: the one way every line gets its trailer. */
export function withCrc(body: string): string {
  return `${body}*${crcHex(crc16(body))}`;
}

/** A device -> host line (HELLO, TLM, ACK, NAK, EVT), with its CRC. */
export function formatDeviceMessage(m: DeviceMessage): string {
  let body: string;
  switch (m.type) {
    case "HELLO":
      body = [
        "HELLO",
        `${uint("major", m.major, 0, LIMITS.versionMax)}.${uint("minor", m.minor, 0, LIMITS.versionMax)}`,
        token("fw_name", m.fwName),
        token("fw_version", m.fwVersion),
        token("board", m.board),
        uidText(m.uid),
      ].join(",");
      break;
    case "TLM": {
      const U32 = LIMITS.uint32Max;
      const amb =
        m.adcAmb === ADC_AMB_ABSENT ? "" : String(uint("adc_amb", m.adcAmb, 0, LIMITS.adcMaxCounts));
      body = `TLM,${uint("seq", m.seq, 0, U32)},${uint("t_ms", m.tMs, 0, U32)},${uint("adc_hot", m.adcHot, 0, LIMITS.adcMaxCounts)},${uint("adc_cold", m.adcCold, 0, LIMITS.adcMaxCounts)},${amb},${uint("pulses", m.pulses, 0, U32)},${uint("pump_duty", m.pumpDuty, 0, LIMITS.dutyMax)},${uint("heater_duty", m.heaterDuty, 0, LIMITS.dutyMax)},${uint("fan_duty", m.fanDuty, 0, LIMITS.dutyMax)},${uint("flags", m.flags, 0, U32).toString(16).toUpperCase()}`;
      break;
    }
    case "ACK":
      body = `ACK,${id(m.id)}`;
      break;
    case "NAK":
      body = `NAK,${uint("id", m.id, 0, LIMITS.idMax)},${token("reason", m.reason)}`;
      break;
    case "EVT": {
      const [code, detail] = eventFields(m.event);
      body = `EVT,${token("code", code)},${token("detail", detail)}`;
      break;
    }
  }
  if (m.extra !== undefined) for (const f of m.extra) body += `,${extraField(f)}`;
  return checked(withCrc(body));
}

/** A host -> device command line (PWM, RATE, PING, INFO, SAFE, EMU), with its CRC. */
export function formatCommand(c: HostCommand): string {
  switch (c.type) {
    case "PWM": {
      if (!isOneOf(PWM_CHANNELS, c.channel))
        throw new ConfigError("channel", c.channel, `must be one of ${PWM_CHANNELS.join(", ")}`);
      const hold = c.holdMs === null ? "" : `,${uint("hold_ms", c.holdMs, 1, LIMITS.holdMsMax)}`;
      return checked(
        withCrc(`PWM,${id(c.id)},${c.channel},${uint("duty", c.duty, 0, LIMITS.dutyMax)}${hold}`),
      );
    }
    case "RATE":
      return checked(withCrc(`RATE,${id(c.id)},${uint("hz", c.rateHz, LIMITS.rateHzMin, LIMITS.rateHzMax)}`));
    case "PING":
    case "INFO":
    case "SAFE":
      return withCrc(`${c.type},${id(c.id)}`);
    case "EMU": {
      if (!/^[\x20-\x29\x2b-\x7e]+$/.test(c.faultSpec))
        throw new ConfigError("spec", c.faultSpec, "must be non-empty printable ASCII without *");
      return checked(withCrc(`EMU,${id(c.id)},${c.faultSpec}`));
    }
  }
}

/** The `<code>` and `<detail>` fields of an event. */
export function eventFields(e: DeviceEvent): readonly [code: string, detail: string] {
  switch (e.code) {
    case "BOOT":
      return [e.code, e.resetCause];
    case "WDT":
      return [e.code, "0"];
    case "HB_LOST":
      return [e.code, String(uint("detail", e.sinceCommandMs, 0, LIMITS.uint32Max))];
    case "OVERTEMP":
    case "HOLD_EXPIRED":
      return [e.code, e.channel];
    case "SENSOR":
      return [e.code, `${e.channel}:${e.state}`];
    case "unrecognized":
      return [e.rawCode, e.detail];
  }
}

function uint(field: WireField, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(field, v, `must be an integer ${min}-${max}`);
  return v;
}

function id(v: number): number {
  return uint("id", v, LIMITS.idMin, LIMITS.idMax);
}

/** Printable ASCII, no `,` or `*`, not empty. */
function token(field: WireField, s: string): string {
  if (!/^[\x21-\x29\x2b\x2d-\x7e]+$/.test(s))
    throw new ConfigError(field, s, "must be one or more printable ASCII characters without , or *");
  return s;
}

function uidText(uid: string): string {
  if (!/^[0-9A-Fa-f]{8}$/.test(uid)) throw new ConfigError("uid", uid, "must be 8 hex digits");
  return uid;
}

function extraField(s: string): string {
  if (!/^[\x20-\x29\x2b\x2d-\x7e]*$/.test(s))
    throw new ConfigError("extra", s, "a trailing field must be printable ASCII without , or *");
  return s;
}

function checked(line: string): string {
  if (line.length > MAX_LINE_CONTENT_BYTES)
    throw new ConfigError("line", line, `is ${line.length} bytes, at most ${MAX_LINE_CONTENT_BYTES}`);
  return line;
}
