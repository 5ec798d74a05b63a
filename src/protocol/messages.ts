/**
 * Wire protocol v1 messages (docs/design.md 4, docs/protocol.md) as discriminated unions on
 * `type`, with the runtime lists they derive from. Field names on the wire (`WIRE_FIELDS`) are
 * the ones error reports, NAK reasons and the golden vectors use.
 */

/** Line types the device sends to the host. */
export const DEVICE_LINE_TYPES = ["HELLO", "TLM", "ACK", "NAK", "EVT"] as const;
export type DeviceLineType = (typeof DEVICE_LINE_TYPES)[number];

/** Line types the host sends to the device. `EMU` is accepted only by the emulator. */
export const COMMAND_TYPES = ["PWM", "RATE", "PING", "INFO", "SAFE", "EMU"] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Actuator channels of `PWM` (and `EVT,HOLD_EXPIRED`). */
export const PWM_CHANNELS = ["pump", "heater", "fan"] as const;
export type PwmChannel = (typeof PWM_CHANNELS)[number];

/** Thermistor channels (`EVT,SENSOR`); `OVERTEMP` names only `hot` or `cold`. */
export const SENSOR_CHANNELS = ["hot", "cold", "amb"] as const;
export type SensorChannel = (typeof SENSOR_CHANNELS)[number];

export const OVERTEMP_CHANNELS = ["hot", "cold"] as const;
export type OvertempChannel = (typeof OVERTEMP_CHANNELS)[number];

export const SENSOR_STATES = ["open", "short", "ok"] as const;
export type SensorState = (typeof SENSOR_STATES)[number];

/** Reset causes reported by `EVT,BOOT,<cause>`. */
export const RESET_CAUSES = ["POWERON", "EXTERNAL", "BROWNOUT", "WDT"] as const;
export type ResetCause = (typeof RESET_CAUSES)[number];

/** Event codes of `EVT,<code>,<detail>` this version knows; others parse as `unrecognized`. */
export const EVT_CODES = ["BOOT", "WDT", "HB_LOST", "OVERTEMP", "HOLD_EXPIRED", "SENSOR"] as const;
export type EvtCode = (typeof EVT_CODES)[number];

/** NAK reasons without a field; `range:<field>` is the fourth kind. */
export const NAK_REASON_WORDS = ["unknown", "syntax", "interlock"] as const;
export type NakReason = (typeof NAK_REASON_WORDS)[number] | `range:${string}`;

/** TLM `flags` bits (docs/design.md 4). */
export const TLM_FLAG = {
  /** A timed override (`hold_ms`) is running. */
  holdActive: 1 << 0,
  /** No valid command for 3 s: SAFE state. */
  heartbeatLost: 1 << 1,
  /** Over-temperature interlock tripped (latched). */
  overtemp: 1 << 2,
  /** A thermistor reads open or short. */
  sensorOutOfRange: 1 << 3,
  /** A watchdog reset happened since boot. */
  watchdogReset: 1 << 4,
} as const;

/** Longest line: 160 bytes including the `\n` terminator (docs/design.md 4). */
export const MAX_LINE_BYTES = 160;
/** Longest line content before the `\n` (a `\r` before it counts, as in the firmware). */
export const MAX_LINE_CONTENT_BYTES = MAX_LINE_BYTES - 1;

/** Value of {@link TlmMessage.adcAmb} when the rig has no ambient probe (empty field). */
export const ADC_AMB_ABSENT = -1;

/** Numeric limits of the fields. */
export const LIMITS = {
  uint32Max: 4294967295,
  adcMaxCounts: 4095,
  dutyMax: 255,
  idMin: 1,
  idMax: 65535,
  rateHzMin: 1,
  rateHzMax: 100,
  /** Longest accepted `hold_ms` (24 h, as the firmware: keeps wrap-safe millis arithmetic valid). */
  holdMsMax: 86_400_000,
  versionMax: 255,
} as const;

/**
 * Unknown trailing fields a newer minor version added, raw, in order. Present only when there are
 * some; {@link formatDeviceMessage} writes them back.
 */
interface Extensible {
  readonly extra?: readonly string[];
}

/** `HELLO,<major>.<minor>,<fw_name>,<fw_version>,<board>,<uid>`: at boot and in answer to INFO. */
export interface HelloMessage extends Extensible {
  readonly type: "HELLO";
  readonly major: number;
  readonly minor: number;
  readonly fwName: string;
  readonly fwVersion: string;
  readonly board: string;
  /** 8 hex digits as sent (the firmware writes uppercase). */
  readonly uid: string;
}

/**
 * One telemetry sample. Field names match the model's `RawTelemetry`, so a TLM message converts
 * without copying.
 */
export interface TlmMessage extends Extensible {
  readonly type: "TLM";
  /** uint32, +1 per TLM, wraps. */
  readonly seq: number;
  /** Device millis, uint32, wraps. */
  readonly tMs: number;
  /** 12-bit oversampled counts 0-4095. */
  readonly adcHot: number;
  readonly adcCold: number;
  /** Counts, or {@link ADC_AMB_ABSENT} (-1) when the field is empty. */
  readonly adcAmb: number;
  /** Cumulative flow pulses, uint32, wraps. */
  readonly pulses: number;
  /** Duties 0-255 as applied now by the device. */
  readonly pumpDuty: number;
  readonly heaterDuty: number;
  readonly fanDuty: number;
  /** Bit set of {@link TLM_FLAG}. */
  readonly flags: number;
}

export interface AckMessage extends Extensible {
  readonly type: "ACK";
  readonly id: number;
}

export interface NakMessage extends Extensible {
  readonly type: "NAK";
  readonly id: number;
  /** One token: `unknown`, `syntax`, `range:<field>`, `interlock`, or one a newer device added. */
  readonly reason: string;
}

/** The decoded `<code>,<detail>` of an EVT line. */
export type DeviceEvent =
  | { readonly code: "BOOT"; readonly resetCause: ResetCause }
  | { readonly code: "WDT" }
  | { readonly code: "HB_LOST"; readonly sinceCommandMs: number }
  | { readonly code: "OVERTEMP"; readonly channel: OvertempChannel }
  | { readonly code: "HOLD_EXPIRED"; readonly channel: PwmChannel }
  | { readonly code: "SENSOR"; readonly channel: SensorChannel; readonly state: SensorState }
  /** A code this version does not know (a newer minor version): kept raw. */
  | { readonly code: "unrecognized"; readonly rawCode: string; readonly detail: string };

export interface EvtMessage extends Extensible {
  readonly type: "EVT";
  readonly event: DeviceEvent;
}

/** Everything the device sends. */
export type DeviceMessage = HelloMessage | TlmMessage | AckMessage | NakMessage | EvtMessage;

/** `PWM,<id>,<channel>,<duty>[,<hold_ms>]`. */
export interface PwmCommand {
  readonly type: "PWM";
  readonly id: number;
  readonly channel: PwmChannel;
  readonly duty: number;
  /** Dead-man hold: the device reverts to the previous duty after this long; `null` = no hold. */
  readonly holdMs: number | null;
}

/** `RATE,<id>,<hz>`: telemetry rate 1-100 Hz. */
export interface RateCommand {
  readonly type: "RATE";
  readonly id: number;
  readonly rateHz: number;
}

/** `PING,<id>` (heartbeat), `INFO,<id>` (ask for HELLO), `SAFE,<id>`. */
export interface SimpleCommand {
  readonly type: "PING" | "INFO" | "SAFE";
  readonly id: number;
}

/**
 * `EMU,<id>,<fault spec>`: only the emulator accepts it (real firmware answers `NAK,<id>,unknown`).
 * The spec (docs/design.md 5 syntax) is everything after the second comma and may contain commas.
 */
export interface EmuCommand {
  readonly type: "EMU";
  readonly id: number;
  readonly faultSpec: string;
}

/** Everything the host sends. */
export type HostCommand = PwmCommand | RateCommand | SimpleCommand | EmuCommand;

/**
 * Field names on the wire, in wire order, per line type (docs/protocol.md "Test vectors");
 * HELLO's version field is split into `major` and `minor`. PWM's `hold_ms` is optional.
 */
export const WIRE_FIELDS = {
  HELLO: ["major", "minor", "fw_name", "fw_version", "board", "uid"],
  TLM: [
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
  ],
  ACK: ["id"],
  NAK: ["id", "reason"],
  EVT: ["code", "detail"],
  PWM: ["id", "channel", "duty", "hold_ms"],
  RATE: ["id", "hz"],
  PING: ["id"],
  INFO: ["id"],
  SAFE: ["id"],
  EMU: ["id", "spec"],
} as const satisfies Record<DeviceLineType | CommandType, readonly string[]>;

/** A field name as on the wire (`t_ms`, `adc_hot`, `hold_ms`, ...). */
export type WireField = (typeof WIRE_FIELDS)[keyof typeof WIRE_FIELDS][number];

/** Whether `s` is one of the `as const` strings in `list`. */
export function isOneOf<T extends string>(list: readonly T[], s: string): s is T {
  return (list as readonly string[]).includes(s);
}
