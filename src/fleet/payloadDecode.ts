/**
 * Reads what arrives from the broker (docs/mqtt.md payloads) into typed messages, checking the
 * fields a subscriber uses. Broker messages are untrusted input: a payload that is not JSON, not
 * an object or lacks a field is a Result error naming the topic kind and the field, never a throw;
 * the fleet view counts and skips it.
 */
import { err, ok, type Result } from "../core/result.js";
import type { ParsedTopic } from "./topics.js";

export interface DecodedStatus {
  readonly kind: "status";
  readonly online: boolean;
  readonly command: string;
  readonly source: string;
  readonly link: string;
  readonly firmware: string;
  readonly uid: string;
  readonly reason: string;
  readonly droppedMessages: number;
  readonly sentAtMs: number | null;
  /** The operator's setpoints (NaN where null); null when the rig published none (or is older). */
  readonly setpoints: {
    readonly pumpDuty: number;
    readonly heaterDuty: number;
    readonly fanDuty: number;
  } | null;
  /** Injections in force (endS Infinity where null); empty when the rig published none. */
  readonly injections: readonly { readonly text: string; readonly startS: number; readonly endS: number }[];
}

/** The newest telemetry row, by field name (NaN where null or absent). */
export interface DecodedTelemetry {
  readonly kind: "telemetry";
  readonly sentAtMs: number;
  readonly fields: readonly string[];
  /** Rows in arrival order; each value NaN where the payload had null. */
  readonly rows: readonly Float64Array[];
}

export interface DecodedAlarm {
  readonly alarmId: number;
  readonly cause: string;
  readonly severity: "warning" | "critical";
  readonly diagnosis: string;
  readonly evidence: readonly string[];
  readonly raisedAtS: number;
  readonly acknowledged: boolean;
  readonly conditionActive: boolean;
}

export interface DecodedOpenAlarms {
  readonly kind: "alarms/open";
  readonly alarms: readonly DecodedAlarm[];
}

export interface DecodedAlarmEvent {
  readonly kind: "alarms";
  readonly event: string;
  readonly alarmId: number;
  readonly tS: number;
  readonly cause: string;
  readonly severity: "warning" | "critical";
  /** The detector's level at the transition (NaN where null or absent). */
  readonly level: number;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
  readonly sentAtMs: number;
  /** Escalated: the old severity; rediagnosed: the old diagnosis ("" otherwise). */
  readonly from: string;
  /** Cleared: how long the alarm was open [s] (NaN otherwise). */
  readonly durationS: number;
}

export interface DecodedPerformance {
  readonly kind: "performance";
  /** The numeric figures by name (NaN for null). */
  readonly figures: Readonly<Record<string, number>>;
  readonly stability: string;
}

export interface DecodedHilVerdict {
  readonly kind: "hil_verdict";
  readonly runId: string;
  readonly scenario: string;
  readonly status: string;
}

export interface DecodedHilSummary {
  readonly kind: "hil_summary";
  readonly runId: string;
  readonly passed: boolean;
  readonly counts: Readonly<Record<string, number>>;
}

export type DecodedMessage =
  | DecodedStatus
  | DecodedTelemetry
  | DecodedOpenAlarms
  | DecodedAlarmEvent
  | DecodedPerformance
  | DecodedHilVerdict
  | DecodedHilSummary;

type Obj = Record<string, unknown>;

class FieldError extends Error {}

function field<T>(o: Obj, name: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[name];
  if (!check(v)) throw new FieldError(`${name}: expected ${what}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumOrNull = (v: unknown): v is number | null => v === null || isNum(v);
const isSeverity = (v: unknown): v is "warning" | "critical" => v === "warning" || v === "critical";
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A number field that may be null or absent (NaN then); another type is a FieldError. */
function optionalNumber(o: Obj, name: string): number {
  const v = o[name];
  return v === undefined || v === null ? Number.NaN : field(o, name, isNum, "a number or null");
}

/** A status's `setpoints` (optional: rigs before it was added publish none). */
function statusSetpoints(o: Obj): DecodedStatus["setpoints"] {
  if (o.setpoints === undefined || o.setpoints === null) return null;
  const sp = field(o, "setpoints", isObj, "an object or null");
  const duty = (name: string): number => {
    const v = field(sp, name, isNumOrNull, "a number or null");
    return v === null ? Number.NaN : v;
  };
  return { pumpDuty: duty("pumpDuty"), heaterDuty: duty("heaterDuty"), fanDuty: duty("fanDuty") };
}

/** A status's `injections` (optional: rigs before it was added publish none). */
function statusInjections(o: Obj): DecodedStatus["injections"] {
  if (o.injections === undefined) return [];
  return field(o, "injections", Array.isArray, "an array").map((x, i) => {
    if (!isObj(x)) throw new FieldError(`injections[${i}]: expected an object`);
    const endS = field(x, "endS", isNumOrNull, "a number or null");
    return {
      text: field(x, "text", isString, "a string"),
      startS: field(x, "startS", isNum, "a number"),
      endS: endS === null ? Number.POSITIVE_INFINITY : endS,
    };
  });
}

/** Largest payload read [bytes]: a telemetry batch of 1000 rows is about 200 kB. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Decodes a payload of the topic kind `topic.kind`; a problem names the kind and the field. */
export function decodePayload(
  topic: ParsedTopic,
  payload: Uint8Array | string,
): Result<DecodedMessage, string> {
  const kind = topic.kind;
  const size = typeof payload === "string" ? payload.length : payload.byteLength;
  if (size === 0) return err(`${kind}: empty payload (a retained message being cleared)`);
  if (size > MAX_PAYLOAD_BYTES) return err(`${kind}: payload of ${size} bytes is over ${MAX_PAYLOAD_BYTES}`);
  let o: unknown;
  try {
    o = JSON.parse(typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8"));
  } catch {
    return err(`${kind}: not JSON`);
  }
  if (!isObj(o)) return err(`${kind}: not a JSON object`);
  if (o.v !== 1) return err(`${kind}: v: expected 1 (payload format version)`);
  try {
    return ok(decodeObject(topic, o));
  } catch (e) {
    if (e instanceof FieldError) return err(`${kind}: ${e.message}`);
    throw e;
  }
}

function decodeObject(topic: ParsedTopic, o: Obj): DecodedMessage {
  switch (topic.kind) {
    case "status":
      return {
        kind: "status",
        online: field(o, "online", isBool, "true or false"),
        command: field(o, "command", isString, "a string"),
        source: field(o, "source", isString, "a string"),
        link: field(o, "link", isString, "a string"),
        firmware: field(o, "firmware", isString, "a string"),
        uid: field(o, "uid", isString, "a string"),
        reason: field(o, "reason", isString, "a string"),
        droppedMessages: field(o, "droppedMessages", isNum, "a number"),
        sentAtMs: field(o, "sentAtMs", isNumOrNull, "a number or null"),
        setpoints: statusSetpoints(o),
        injections: statusInjections(o),
      };
    case "telemetry": {
      const fields = field(o, "fields", isStrings, "an array of field names");
      const rowsIn = field(o, "rows", Array.isArray, "an array of rows");
      const rows = rowsIn.map((r, i) => {
        if (!Array.isArray(r) || r.length !== fields.length)
          throw new FieldError(`rows[${i}]: expected ${fields.length} values`);
        const row = new Float64Array(r.length);
        for (let k = 0; k < r.length; k++) {
          const x = r[k];
          if (!isNumOrNull(x)) throw new FieldError(`rows[${i}][${k}]: expected a number or null`);
          row[k] = x === null ? Number.NaN : x;
        }
        return row;
      });
      return { kind: "telemetry", sentAtMs: field(o, "sentAtMs", isNum, "a number"), fields, rows };
    }
    case "alarms/open": {
      const list = field(o, "alarms", Array.isArray, "an array");
      return {
        kind: "alarms/open",
        alarms: list.map((a, i) => {
          if (!isObj(a)) throw new FieldError(`alarms[${i}]: expected an object`);
          return {
            alarmId: field(a, "alarmId", isNum, "a number"),
            cause: field(a, "cause", isString, "a string"),
            severity: field(a, "severity", isSeverity, "warning or critical"),
            diagnosis: field(a, "diagnosis", isString, "a string"),
            evidence: field(a, "evidence", isStrings, "an array of strings"),
            raisedAtS: field(a, "raisedAtS", isNum, "a number"),
            acknowledged: field(a, "acknowledged", isBool, "true or false"),
            conditionActive: field(a, "conditionActive", isBool, "true or false"),
          };
        }),
      };
    }
    case "alarms":
      return {
        kind: "alarms",
        event: field(o, "event", isString, "a string"),
        alarmId: field(o, "alarmId", isNum, "a number"),
        tS: field(o, "tS", isNum, "a number"),
        cause: field(o, "cause", isString, "a string"),
        severity: field(o, "severity", isSeverity, "warning or critical"),
        level: optionalNumber(o, "level"),
        diagnosis: field(o, "diagnosis", isString, "a string"),
        evidence: field(o, "evidence", isStrings, "an array of strings"),
        sentAtMs: field(o, "sentAtMs", isNum, "a number"),
        from: o.from === undefined ? "" : field(o, "from", isString, "a string"),
        durationS: optionalNumber(o, "durationS"),
      };
    case "performance": {
      const figures: Record<string, number> = {};
      for (const [k, v] of Object.entries(o)) {
        if (k === "v" || k === "sentAtMs") continue;
        if (isNumOrNull(v)) figures[k] = v === null ? Number.NaN : v;
      }
      return { kind: "performance", figures, stability: field(o, "stability", isString, "a string") };
    }
    case "hil_verdict":
      return {
        kind: "hil_verdict",
        runId: topic.runId,
        scenario: topic.scenario,
        status: field(o, "status", isString, "a string"),
      };
    case "hil_summary": {
      const c = field(o, "counts", isObj, "an object");
      const counts: Record<string, number> = {};
      for (const k of ["passed", "failed", "error", "skipped"]) counts[k] = field(c, k, isNum, "a number");
      return {
        kind: "hil_summary",
        runId: topic.runId,
        passed: field(o, "passed", isBool, "true or false"),
        counts,
      };
    }
  }
}
