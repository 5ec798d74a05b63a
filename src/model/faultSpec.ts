/**
 * Fault specifications (docs/design.md 5, a contract):
 * `KIND[:key=value[,key=value...]]`, e.g. `pump_degradation:start=120,severity=0.3,ramp=20`.
 *
 * Keys: `start` (s, default 0), `end` (s, default never), `ramp` (s to reach full severity,
 * default 0), `severity` (0-1, default 1), `value` (bias K, drift K/s, noise K rms, or the link
 * error rate), `channel` (`hot`, `cold`, `amb` for sensor faults).
 */
import { ConfigError } from "../core/errors.js";

/** Faults that change the physics of the loop. */
export const PHYSICAL_FAULT_KINDS = [
  "pump_degradation",
  "pump_failure",
  "hx_fouling",
  "heater_overpower",
] as const;
/** Faults of one thermistor channel. */
export const SENSOR_FAULT_KINDS = [
  "sensor_bias",
  "sensor_drift",
  "sensor_noise",
  "sensor_stuck",
  "sensor_open",
  "sensor_short",
] as const;
/** Faults of the flow meter. */
export const FLOW_METER_FAULT_KINDS = ["flow_blockage"] as const;
/** Faults of the serial link and the device itself (emulator only). */
export const LINK_FAULT_KINDS = ["link_corrupt", "link_drop", "link_disconnect", "device_reboot"] as const;

export const FAULT_KINDS = [
  ...PHYSICAL_FAULT_KINDS,
  ...SENSOR_FAULT_KINDS,
  ...FLOW_METER_FAULT_KINDS,
  ...LINK_FAULT_KINDS,
] as const;

export type PhysicalFaultKind = (typeof PHYSICAL_FAULT_KINDS)[number];
export type SensorFaultKind = (typeof SENSOR_FAULT_KINDS)[number];
export type LinkFaultKind = (typeof LINK_FAULT_KINDS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Thermistor channels, in TLM order. */
export const SENSOR_CHANNELS = ["hot", "cold", "amb"] as const;
export type SensorChannel = (typeof SENSOR_CHANNELS)[number];

export const FAULT_SPEC_KEYS = ["start", "end", "ramp", "severity", "value", "channel"] as const;

/** A parsed, validated fault specification. Times are rig/simulation seconds. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** Onset [s]. */
  readonly startS: number;
  /** End [s]; `Infinity` when the fault never ends. */
  readonly endS: number;
  /** Seconds from onset to full severity (linear ramp); 0 for a step. */
  readonly rampS: number;
  /** Full severity, 0-1. */
  readonly severity: number;
  /** Bias [K], drift [K/s], noise [K rms], or a link error rate (0-1); `undefined` when the kind takes none. */
  readonly value: number | undefined;
  /** Thermistor channel, for sensor faults only. */
  readonly channel: SensorChannel | undefined;
}

/** Kinds whose `value` is required, with what it means. */
const VALUE_MEANING: Partial<Record<FaultKind, string>> = {
  sensor_bias: "bias in K",
  sensor_drift: "drift in K/s",
  sensor_noise: "noise in K rms",
  link_corrupt: "byte error rate, 0-1",
  link_drop: "line loss rate, 0-1",
};

export function isPhysicalFault(kind: FaultKind): kind is PhysicalFaultKind {
  return (PHYSICAL_FAULT_KINDS as readonly string[]).includes(kind);
}

export function isSensorFault(kind: FaultKind): kind is SensorFaultKind {
  return (SENSOR_FAULT_KINDS as readonly string[]).includes(kind);
}

export function isLinkFault(kind: FaultKind): kind is LinkFaultKind {
  return (LINK_FAULT_KINDS as readonly string[]).includes(kind);
}

function parseNumber(field: string, text: string, spec: string): number {
  const v = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(v))
    throw new ConfigError(field, text, `must be a finite number in fault spec ${JSON.stringify(spec)}`);
  return v;
}

/**
 * Parses one fault spec. Throws a {@link ConfigError} naming the argument (`argName`, e.g.
 * `--fault`), the key and the value on any problem.
 */
export function parseFaultSpec(text: string, argName = "--fault"): FaultSpec {
  const colon = text.indexOf(":");
  const kindText = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(FAULT_KINDS as readonly string[]).includes(kindText)) {
    throw new ConfigError(
      `${argName} kind`,
      kindText,
      `unknown fault kind (one of ${FAULT_KINDS.join(", ")})`,
    );
  }
  const kind = kindText as FaultKind;
  const seen = new Set<string>();
  let startS = 0;
  let endS = Number.POSITIVE_INFINITY;
  let rampS = 0;
  let severity = 1;
  let value: number | undefined;
  let channel: SensorChannel | undefined;
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if (colon >= 0 && rest.trim() === "")
    throw new ConfigError(argName, text, "nothing after ':' (expected key=value pairs)");
  for (const pair of rest === "" ? [] : rest.split(",")) {
    const eq = pair.indexOf("=");
    if (eq < 0)
      throw new ConfigError(argName, pair, `expected key=value in fault spec ${JSON.stringify(text)}`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    const field = `${argName} ${kind}.${key}`;
    if (seen.has(key)) throw new ConfigError(field, raw, "given twice");
    seen.add(key);
    switch (key) {
      case "start":
        startS = parseNumber(field, raw, text);
        if (startS < 0) throw new ConfigError(field, raw, "must be >= 0 s");
        break;
      case "end":
        endS = parseNumber(field, raw, text);
        break;
      case "ramp":
        rampS = parseNumber(field, raw, text);
        if (rampS < 0) throw new ConfigError(field, raw, "must be >= 0 s");
        break;
      case "severity":
        severity = parseNumber(field, raw, text);
        if (severity < 0 || severity > 1) throw new ConfigError(field, raw, "must be between 0 and 1");
        break;
      case "value":
        value = parseNumber(field, raw, text);
        break;
      case "channel":
        if (!(SENSOR_CHANNELS as readonly string[]).includes(raw)) {
          throw new ConfigError(field, raw, `unknown channel (one of ${SENSOR_CHANNELS.join(", ")})`);
        }
        channel = raw as SensorChannel;
        break;
      default:
        throw new ConfigError(field, raw, `unknown key (one of ${FAULT_SPEC_KEYS.join(", ")})`);
    }
  }
  if (endS <= startS)
    throw new ConfigError(`${argName} ${kind}.end`, endS, `must be after start (${startS} s)`);
  if (isSensorFault(kind)) {
    if (channel === undefined)
      throw new ConfigError(
        `${argName} ${kind}.channel`,
        undefined,
        "required for sensor faults (hot, cold or amb)",
      );
  } else if (channel !== undefined) {
    throw new ConfigError(`${argName} ${kind}.channel`, channel, "only sensor faults take a channel");
  }
  const meaning = VALUE_MEANING[kind];
  if (meaning !== undefined) {
    if (value === undefined)
      throw new ConfigError(`${argName} ${kind}.value`, undefined, `required (${meaning})`);
    if ((kind === "link_corrupt" || kind === "link_drop") && (value < 0 || value > 1)) {
      throw new ConfigError(`${argName} ${kind}.value`, value, "must be a rate between 0 and 1");
    }
    if (kind === "sensor_noise" && value < 0)
      throw new ConfigError(`${argName} ${kind}.value`, value, "must be >= 0 K rms");
  } else if (value !== undefined) {
    throw new ConfigError(`${argName} ${kind}.value`, value, `${kind} takes no value`);
  }
  if (kind === "link_disconnect" && !Number.isFinite(endS)) {
    throw new ConfigError(
      `${argName} ${kind}.end`,
      "never",
      "a disconnect needs an end (the time the device comes back)",
    );
  }
  return { kind, startS, endS, rampS, severity, value, channel };
}

/** Formats a spec back to its canonical text; `parseFaultSpec(formatFaultSpec(s))` equals `s`. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  if (spec.startS !== 0) parts.push(`start=${spec.startS}`);
  if (Number.isFinite(spec.endS)) parts.push(`end=${spec.endS}`);
  if (spec.rampS !== 0) parts.push(`ramp=${spec.rampS}`);
  if (spec.severity !== 1) parts.push(`severity=${spec.severity}`);
  if (spec.value !== undefined) parts.push(`value=${spec.value}`);
  if (spec.channel !== undefined) parts.push(`channel=${spec.channel}`);
  return parts.length === 0 ? spec.kind : `${spec.kind}:${parts.join(",")}`;
}

/**
 * How far the fault is in at time `tS`, from 0 (inactive) to `severity`: zero before `start` and
 * from `end` on, a linear ramp over `ramp` seconds after `start`.
 */
export function faultLevel(spec: FaultSpec, tS: number): number {
  if (tS < spec.startS || tS >= spec.endS) return 0;
  if (spec.rampS > 0) {
    const frac = (tS - spec.startS) / spec.rampS;
    if (frac < 1) return spec.severity * frac;
  }
  return spec.severity;
}

/** True while the fault is in force at `tS` (ground-truth label). */
export function isFaultActive(spec: FaultSpec, tS: number): boolean {
  return tS >= spec.startS && tS < spec.endS;
}
