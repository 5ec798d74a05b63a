/** fast-check generators of valid protocol messages and commands (shared by the property tests). */
import fc from "fast-check";
import {
  type DeviceEvent,
  type DeviceMessage,
  EVT_CODES,
  type HostCommand,
  OVERTEMP_CHANNELS,
  PWM_CHANNELS,
  RESET_CAUSES,
  SENSOR_CHANNELS,
  SENSOR_STATES,
  type TlmMessage,
} from "../../src/protocol/messages.js";

const u32 = fc.integer({ min: 0, max: 4294967295 });
const adc = fc.integer({ min: 0, max: 4095 });
const duty = fc.integer({ min: 0, max: 255 });
const id = fc.integer({ min: 1, max: 65535 });
/** One or more printable ASCII characters other than `,` and `*`. */
export const token = fc.stringMatching(/^[\x21-\x29\x2b\x2d-\x7e]{1,12}$/);
/** An unknown trailing field: printable ASCII without `,` and `*`, possibly empty. */
const extraField = fc.stringMatching(/^[\x20-\x29\x2b\x2d-\x7e]{0,8}$/);
const extra = fc.option(fc.array(extraField, { minLength: 1, maxLength: 3 }), { nil: undefined });

function withExtra<M extends object>(m: M, e: readonly string[] | undefined): M {
  return e === undefined ? m : { ...m, extra: e };
}

export const tlmArb: fc.Arbitrary<TlmMessage> = fc
  .record({
    seq: u32,
    tMs: u32,
    adcHot: adc,
    adcCold: adc,
    adcAmb: fc.oneof(fc.constant(-1), adc),
    pulses: u32,
    pumpDuty: duty,
    heaterDuty: duty,
    fanDuty: duty,
    flags: u32,
    e: extra,
  })
  .map(({ e, ...f }) => withExtra<TlmMessage>({ type: "TLM", ...f }, e));

export const eventArb: fc.Arbitrary<DeviceEvent> = fc.oneof(
  fc.constantFrom(...RESET_CAUSES).map((resetCause) => ({ code: "BOOT" as const, resetCause })),
  fc.constant({ code: "WDT" as const }),
  u32.map((sinceCommandMs) => ({ code: "HB_LOST" as const, sinceCommandMs })),
  fc.constantFrom(...OVERTEMP_CHANNELS).map((channel) => ({ code: "OVERTEMP" as const, channel })),
  fc.constantFrom(...PWM_CHANNELS).map((channel) => ({ code: "HOLD_EXPIRED" as const, channel })),
  fc
    .record({ channel: fc.constantFrom(...SENSOR_CHANNELS), state: fc.constantFrom(...SENSOR_STATES) })
    .map((r) => ({ code: "SENSOR" as const, ...r })),
  fc
    .record({ rawCode: token.filter((c) => !(EVT_CODES as readonly string[]).includes(c)), detail: token })
    .map((r) => ({ code: "unrecognized" as const, ...r })),
);

export const deviceMessageArb: fc.Arbitrary<DeviceMessage> = fc.oneof(
  tlmArb,
  fc
    .record({
      major: fc.integer({ min: 0, max: 255 }),
      minor: fc.integer({ min: 0, max: 255 }),
      fwName: token,
      fwVersion: token,
      board: token,
      uid: fc.stringMatching(/^[0-9A-Fa-f]{8}$/),
      e: extra,
    })
    .map(({ e, ...f }) => withExtra<DeviceMessage>({ type: "HELLO", ...f }, e)),
  fc.record({ id, e: extra }).map(({ id, e }) => withExtra<DeviceMessage>({ type: "ACK", id }, e)),
  fc
    .record({ id, reason: token, e: extra })
    .map(({ id, reason, e }) => withExtra<DeviceMessage>({ type: "NAK", id, reason }, e)),
  fc
    .record({ event: eventArb, e: extra })
    .map(({ event, e }) => withExtra<DeviceMessage>({ type: "EVT", event }, e)),
);

/** fc.record builds null-prototype objects; messages are plain objects. */
const plain = <T extends object>(r: T): T => ({ ...r });

export const commandArb: fc.Arbitrary<HostCommand> = fc.oneof(
  fc
    .record({
      type: fc.constant("PWM" as const),
      id,
      channel: fc.constantFrom(...PWM_CHANNELS),
      duty,
      holdMs: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 86_400_000 })),
    })
    .map(plain),
  fc.record({ type: fc.constant("RATE" as const), id, rateHz: fc.integer({ min: 1, max: 100 }) }).map(plain),
  fc.record({ type: fc.constantFrom("PING" as const, "INFO" as const, "SAFE" as const), id }).map(plain),
  fc
    .record({
      type: fc.constant("EMU" as const),
      id,
      faultSpec: fc.stringMatching(/^[\x20-\x29\x2b-\x7e]{1,60}$/),
    })
    .map(plain),
);
