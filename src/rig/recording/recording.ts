/**
 * Recording format (docs/design.md 6): NDJSON, one JSON object per line, each with a `type`.
 * The first line is the {@link HeaderRecord} (format name and version, rig config, the firmware's
 * HELLO, start time); every later line is one {@link RecordingRecord}. Writers always end a line
 * with `\n`, so a file cut mid-line by a crash is read up to its last whole line.
 *
 * Times: `atMs` on every record is host time in milliseconds since the header's start (a
 * monotonic clock, the same one for the whole file); rig time (`tS`) is device time as the
 * telemetry converter unwrapped it. Numbers that may be NaN (an open thermistor, no flow estimate
 * yet) are written as `null` and read back as NaN, so samples round-trip exactly.
 *
 * The union is open for extension: a newer writer may add record types, and a reader keeps an
 * unknown type as {@link UnknownRecord} (counted), never as an error. Other parts (dashboard, HIL,
 * detection) write `twin`, `residual`, `alarm` and `label` records through the same writer.
 */
import type { RigSample } from "../../model/rigSample.js";
import type { HelloMessage } from "../../protocol/messages.js";

/** `format` field of every recording header. */
export const RECORDING_FORMAT = "looptwin-recording";
/** Version of the record layout; a reader refuses a different one. */
export const RECORDING_FORMAT_VERSION = 1;

/** The firmware's HELLO as recorded (fields as in the protocol's HELLO message). */
export interface RecordedHello {
  readonly major: number;
  readonly minor: number;
  readonly fwName: string;
  readonly fwVersion: string;
  readonly board: string;
  readonly uid: string;
}

/** A HELLO as a recording holds it (in the header and in `hello` records): its fields, no `type`. */
export function recordedHello(h: HelloMessage): RecordedHello {
  return {
    major: h.major,
    minor: h.minor,
    fwName: h.fwName,
    fwVersion: h.fwVersion,
    board: h.board,
    uid: h.uid,
  };
}

/** What produced the data. */
export interface RecordedSource {
  readonly kind: "serial" | "emulator" | "pty" | "firmata" | "replay" | "simulation";
  /** Port path, link path or file, when there is one. */
  readonly path?: string;
}

/** First line of every recording. */
export interface HeaderRecord {
  readonly type: "header";
  readonly format: typeof RECORDING_FORMAT;
  readonly version: number;
  /** Wall-clock start, ISO 8601 UTC. */
  readonly startTime: string;
  readonly source: RecordedSource;
  /** The rig configuration in force (calibration, channels), as JSON; `null` when none. */
  readonly rig: unknown;
  /** HELLO of the device at start; `null` when it had not answered yet (or has no HELLO). */
  readonly hello: RecordedHello | null;
  /** Name and version of the writing program, e.g. `looptwin 0.1.0`. */
  readonly writer: string;
}

/** One raw protocol line as it crossed the wire, without its `\n`; bytes as latin1 characters. */
export interface RawRecord {
  readonly type: "raw";
  readonly atMs: number;
  /** `rx` device -> host, `tx` host -> device. */
  readonly dir: "rx" | "tx";
  readonly line: string;
}

/** The numeric fields of a {@link RigSample}, in the order they are written. */
export const SAMPLE_FIELDS = [
  "tS",
  "seq",
  "tMs",
  "tHotC",
  "tColdC",
  "tAmbC",
  "flowLpm",
  "adcHot",
  "adcCold",
  "adcAmb",
  "pulses",
  "pumpDuty",
  "heaterDuty",
  "fanDuty",
  "flags",
] as const satisfies readonly (keyof RigSample)[];

/** One converted sample; the fields of {@link RigSample} (NaN written as `null`). */
export interface SampleRecord {
  readonly type: "sample";
  readonly atMs: number;
  readonly sample: RigSample;
}

/** The twin's predicted state at a rig time (written by the dashboard and the HIL runner). */
export interface TwinRecord {
  readonly type: "twin";
  readonly atMs: number;
  readonly tS: number;
  /** Named state values in engineering units, e.g. `{ tHotC, tColdC, flowLpm }`. */
  readonly values: Readonly<Record<string, number>>;
}

/** Residuals (measured minus predicted) at a rig time. */
export interface ResidualRecord {
  readonly type: "residual";
  readonly atMs: number;
  readonly tS: number;
  readonly values: Readonly<Record<string, number>>;
}

/** An alarm's lifecycle step. */
export interface AlarmRecord {
  readonly type: "alarm";
  readonly atMs: number;
  readonly tS: number;
  /** The detector or rule that raised it. */
  readonly source: string;
  readonly state: "raised" | "acknowledged" | "cleared";
  /** Fault diagnosis, when isolation named one. */
  readonly diagnosis?: string;
  readonly score?: number;
  readonly message?: string;
}

/** A command line sent (each attempt, retries included, with the same id). */
export interface CommandRecord {
  readonly type: "command";
  readonly atMs: number;
  readonly id: number;
  /** The line as sent, without `\n`. */
  readonly line: string;
  /** 1 for the first attempt, 2.. for retries. */
  readonly attempt: number;
}

/** How a command ended: ACK, NAK with its reason, timeout after the last retry, or cancelled. */
export interface AnswerRecord {
  readonly type: "answer";
  readonly atMs: number;
  readonly id: number;
  readonly result: "ack" | "nak" | "timeout" | "cancelled";
  readonly reason?: string;
  /** Host milliseconds from the first attempt to the answer. */
  readonly rttMs: number;
}

/** A device event line (`EVT,<code>,<detail>`), as sent. */
export interface EventRecord {
  readonly type: "event";
  readonly atMs: number;
  readonly code: string;
  readonly detail: string;
}

/** A HELLO after the header's (a reconnect or a device reboot). */
export interface HelloRecord {
  readonly type: "hello";
  readonly atMs: number;
  readonly hello: RecordedHello;
}

/** Link state change of the source. */
export interface LinkRecord {
  readonly type: "link";
  readonly atMs: number;
  readonly state: "CONNECTED" | "RECONNECTING" | "DISCONNECTED" | "REPLAY";
  readonly reason?: string;
}

/**
 * Samples that are missing: a disconnect (no data from `fromTS` to `toTS`), lost lines (a TLM seq
 * gap) or a device reboot. `toTS` is the rig time of the first sample after the gap.
 */
export interface GapRecord {
  readonly type: "gap";
  readonly atMs: number;
  readonly reason: "disconnect" | "seq" | "reboot";
  readonly fromTS: number;
  readonly toTS: number;
  /** Samples lost, when the sequence numbers tell. */
  readonly lostSamples?: number;
}

/** Ground truth of an injected fault: when it started or ended, and its spec (docs/design.md 5). */
export interface LabelRecord {
  readonly type: "label";
  readonly atMs: number;
  readonly tS: number;
  readonly action: "start" | "end";
  /** The fault spec text, e.g. `pump_degradation:severity=0.3`. */
  readonly fault: string;
  /** Who injected it: the injector on a real rig, the emulator, or a HIL scenario. */
  readonly by: "injector" | "emulator" | "scenario" | "operator";
}

/** A free-text note (operator remark, scenario step). */
export interface NoteRecord {
  readonly type: "note";
  readonly atMs: number;
  readonly text: string;
}

/** Every record type after the header, as written by this version. */
export type KnownRecord =
  | RawRecord
  | SampleRecord
  | TwinRecord
  | ResidualRecord
  | AlarmRecord
  | CommandRecord
  | AnswerRecord
  | EventRecord
  | HelloRecord
  | LinkRecord
  | GapRecord
  | LabelRecord
  | NoteRecord;

export const RECORD_TYPES = [
  "raw",
  "sample",
  "twin",
  "residual",
  "alarm",
  "command",
  "answer",
  "event",
  "hello",
  "link",
  "gap",
  "label",
  "note",
] as const satisfies readonly KnownRecord["type"][];

/** A record of a type this version does not know (from a newer writer), kept as parsed. */
export interface UnknownRecord {
  readonly type: "unknown";
  readonly rawType: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/** What a reader yields after the header. */
export type RecordingRecord = KnownRecord | UnknownRecord;

function nanToNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/** Serialises one record to its line, `\n` included. NaN in samples becomes `null`. */
export function encodeRecord(record: HeaderRecord | KnownRecord): string {
  if (record.type === "sample") {
    // Written by hand: fixed field order, NaN as null, no intermediate object.
    const s = record.sample;
    let out = `{"type":"sample","atMs":${record.atMs},"sample":{`;
    for (let i = 0; i < SAMPLE_FIELDS.length; i++) {
      const k = SAMPLE_FIELDS[i]!;
      out += `${i === 0 ? "" : ","}"${k}":${nanToNull(s[k])}`;
    }
    return `${out}}}\n`;
  }
  return `${JSON.stringify(record, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v))}\n`;
}

/** Why a line could not be read. */
export interface DecodeProblem {
  readonly problem: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  if (v === null) return Number.NaN;
  return typeof v === "number" ? v : undefined;
}

/** Parses the header line; a problem names what is wrong. */
export function decodeHeader(line: string): HeaderRecord | DecodeProblem {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { problem: "first line is not JSON (not a looptwin recording?)" };
  }
  if (!isObject(v) || v.type !== "header")
    return { problem: 'first line is not a header record ("type":"header")' };
  if (v.format !== RECORDING_FORMAT)
    return { problem: `format ${JSON.stringify(v.format)} is not ${JSON.stringify(RECORDING_FORMAT)}` };
  if (v.version !== RECORDING_FORMAT_VERSION) {
    return {
      problem: `format version ${JSON.stringify(v.version)} is not supported (this reader reads ${RECORDING_FORMAT_VERSION})`,
    };
  }
  if (typeof v.startTime !== "string") return { problem: "header.startTime is missing" };
  return v as unknown as HeaderRecord;
}

/**
 * Parses one record line (without `\n`). Unknown types become {@link UnknownRecord}; a line that
 * is not JSON, or a known type with missing fields, is a problem (the reader counts and skips it).
 */
export function decodeRecord(line: string): RecordingRecord | DecodeProblem {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { problem: "not JSON" };
  }
  if (!isObject(v)) return { problem: "not a JSON object" };
  const type = v.type;
  if (typeof type !== "string") return { problem: "no type" };
  if (typeof v.atMs !== "number" && (RECORD_TYPES as readonly string[]).includes(type))
    return { problem: `${type}.atMs is not a number` };
  switch (type) {
    case "sample": {
      const s = v.sample;
      if (!isObject(s)) return { problem: "sample.sample is not an object" };
      const sample = {} as Record<string, number>;
      for (const k of SAMPLE_FIELDS) {
        const x = num(s[k]);
        if (x === undefined) return { problem: `sample.${k} is not a number` };
        sample[k] = x;
      }
      return { type: "sample", atMs: v.atMs as number, sample: sample as unknown as RigSample };
    }
    case "raw":
      if (typeof v.line !== "string" || (v.dir !== "rx" && v.dir !== "tx"))
        return { problem: "raw needs dir rx|tx and a line" };
      return v as unknown as RawRecord;
    case "twin":
    case "residual": {
      if (typeof v.tS !== "number" || !isObject(v.values)) return { problem: `${type} needs tS and values` };
      const values: Record<string, number> = {};
      for (const [k, x] of Object.entries(v.values)) values[k] = num(x) ?? Number.NaN;
      return { ...(v as unknown as TwinRecord), type, values } as TwinRecord | ResidualRecord;
    }
    case "gap": {
      const fromTS = num(v.fromTS);
      const toTS = num(v.toTS);
      if (fromTS === undefined || toTS === undefined) return { problem: "gap needs fromTS and toTS" };
      return { ...(v as unknown as GapRecord), fromTS, toTS };
    }
    case "alarm":
    case "command":
    case "answer":
    case "event":
    case "hello":
    case "link":
    case "label":
    case "note":
      return v as unknown as KnownRecord;
    case "header":
      return { problem: "a second header" };
    default:
      return { type: "unknown", rawType: type, value: v };
  }
}

/** True when `r` is a {@link DecodeProblem}. */
export function isDecodeProblem(r: object): r is DecodeProblem {
  return "problem" in r;
}
