/**
 * File side of `looptwin calibrate`: streams a recording (NDJSON, src/rig/recording/recording.ts) or a
 * `simulate --sensors` CSV line by line into calibration data. The CSV's parsing is pure and lives
 * in src/model/calibration/simulateCsvSamples.ts; a recording's lines are decoded by the
 * recording format's own decoder, and its samples' applied duties and converted readings are what
 * the fit uses. A recording's last line without its newline (cut by a crash) is left out, as the
 * recording reader does; any other unreadable line is an error naming the file, line and field.
 */
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { InputFileError } from "../core/errors.js";
import { DUTY_MAX } from "../core/units.js";
import {
  type CalibrationData,
  CalibrationDataBuilder,
  type CalibrationDataOptions,
} from "../model/calibration/calibrationData.js";
import { SimulateCsvSampleReader } from "../model/calibration/simulateCsvSamples.js";
import { LOOP_PARAM_NAMES } from "../model/loopParams.js";
import { parseCommandLine } from "../protocol/parse.js";
import {
  decodeHeader,
  decodeRecord,
  type HeaderRecord,
  isDecodeProblem,
} from "../rig/recording/recording.js";

export const CALIBRATION_FORMATS = ["recording", "csv"] as const;
export type CalibrationFormat = (typeof CALIBRATION_FORMATS)[number];

export interface CalibrationInput {
  readonly data: CalibrationData;
  readonly format: CalibrationFormat;
  /** The recording's header (recordings only). */
  readonly header: HeaderRecord | undefined;
  /** Loop parameters found in the recording header's rig config (numbers at its top level or under `params`). */
  readonly headerParams: Record<string, number>;
  /** Thermistor offsets in the recording header's rig config (`_sensors.offsetsK`), if any. */
  readonly headerOffsetsK: { hot?: number; cold?: number; amb?: number } | undefined;
  /** Things worth telling the user (a cut last line). */
  readonly notes: readonly string[];
}

/** Reads the first bytes of `path` to tell a recording from a CSV. */
export function sniffCalibrationFormat(path: string, shown: string): CalibrationFormat | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputFileError(shown, `cannot read${code ? ` (${code})` : ""}`, {}, { cause: e });
  }
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf
      .subarray(0, n)
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimStart();
    if (head.startsWith("{")) return "recording";
    if (/^t_s\s*,/.test(head)) return "csv";
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The lines of a file, streamed; `complete` is false for a last line without its newline. */
async function* fileLines(
  path: string,
  shown: string,
): AsyncGenerator<{ text: string; lineNo: number; complete: boolean }> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoder = new StringDecoder("utf8");
  let tail = "";
  let lineNo = 0;
  try {
    for await (const chunk of stream) {
      const buf = tail + decoder.write(chunk as Buffer);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf("\n", start);
        if (nl < 0) break;
        lineNo++;
        yield { text: buf.slice(start, nl), lineNo, complete: true };
        start = nl + 1;
      }
      tail = buf.slice(start);
    }
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    const code = (e as { code?: string }).code;
    throw new InputFileError(shown, `cannot read${code ? ` (${code})` : ""}`, {}, { cause: e });
  } finally {
    stream.destroy();
  }
  tail += decoder.end();
  if (tail !== "") yield { text: tail, lineNo: lineNo + 1, complete: false };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The places a recording header's `rig` may hold loop parameters, later ones overriding earlier
 * ones: the rig config itself (numbers at its top level, or under `params`), and as the HIL runner
 * writes it, the `--config` file under `config` and the scenario's overrides under `rig.params`.
 */
function rigSections(rig: unknown): Record<string, unknown>[] {
  if (!isObject(rig)) return [];
  const out: Record<string, unknown>[] = [rig];
  if (isObject(rig.params)) out.push(rig.params);
  if (isObject(rig.config)) {
    out.push(rig.config);
    if (isObject(rig.config.params)) out.push(rig.config.params);
  }
  if (isObject(rig.rig) && isObject(rig.rig.params)) out.push(rig.rig.params);
  return out;
}

/** Loop parameters in a header's rig config (see {@link rigSections}). */
export function paramsOfRig(rig: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const section of rigSections(rig))
    for (const name of LOOP_PARAM_NAMES) {
      const v = section[name];
      if (typeof v === "number" && Number.isFinite(v)) out[name] = v;
    }
  return out;
}

function offsetsOfRig(rig: unknown): CalibrationInput["headerOffsetsK"] {
  let found: CalibrationInput["headerOffsetsK"];
  for (const section of rigSections(rig)) {
    if (!isObject(section._sensors) || !isObject(section._sensors.offsetsK)) continue;
    const o = section._sensors.offsetsK;
    const pick = (k: string): number | undefined => (typeof o[k] === "number" ? (o[k] as number) : undefined);
    found = { hot: pick("hot"), cold: pick("cold"), amb: pick("amb") };
  }
  return found;
}

const DUTY_FIELDS = ["pumpDuty", "heaterDuty", "fanDuty"] as const;

/**
 * When acknowledged PWM commands took effect, in rig time: the device applies a command between
 * the host sending it and the ACK coming back, so its midpoint, moved from host to rig time by the
 * latest sample's host-minus-rig offset, dates the duty change better than the next TLM does.
 */
class AppliedCommands {
  private readonly sent = new Map<number, { atMs: number; channel: string; duty: number }>();
  private applied: { tS: number; channel: string; duty: number }[] = [];
  private hostMinusRigMs = Number.NaN;

  sample(atMs: number, tS: number): void {
    this.hostMinusRigMs = atMs - tS * 1000;
  }

  command(atMs: number, id: number, line: string): void {
    if (!line.startsWith("PWM,") || this.sent.has(id)) return;
    const parsed = parseCommandLine(line);
    if (!parsed.ok || parsed.value.type !== "PWM") return;
    this.sent.set(id, { atMs, channel: parsed.value.channel, duty: parsed.value.duty });
  }

  answer(atMs: number, id: number, result: string): void {
    const c = this.sent.get(id);
    this.sent.delete(id);
    if (c === undefined || result !== "ack" || !Number.isFinite(this.hostMinusRigMs)) return;
    this.applied.push({
      tS: ((c.atMs + atMs) / 2 - this.hostMinusRigMs) / 1000,
      channel: c.channel,
      duty: c.duty,
    });
  }

  /**
   * The time the change seen between two samples took effect: the latest acknowledged command in
   * (`prevS`, `tS`] that set a channel to the duty it now shows; undefined when none did.
   */
  changeTime(prevS: number, tS: number, duties: Readonly<Record<string, number>>): number | undefined {
    let best: number | undefined;
    for (const a of this.applied)
      if (a.tS > prevS && a.tS <= tS && duties[a.channel] === a.duty) best = Math.max(best ?? a.tS, a.tS);
    this.applied = this.applied.filter((a) => a.tS > tS);
    return best;
  }
}

async function readRecordingSamples(
  path: string,
  shown: string,
  builder: CalibrationDataBuilder,
  notes: string[],
): Promise<HeaderRecord> {
  let header: HeaderRecord | undefined;
  const commands = new AppliedCommands();
  let prev: { tS: number; pump: number; heater: number; fan: number } | undefined;
  for await (const { text: raw, lineNo, complete } of fileLines(path, shown)) {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!complete) {
      notes.push(`${shown}: line ${lineNo} has no newline (a recording cut mid-line): left out`);
      break;
    }
    if (header === undefined) {
      const h = decodeHeader(lineNo === 1 ? text.replace(/^\uFEFF/, "") : text);
      if (isDecodeProblem(h)) throw new InputFileError(shown, h.problem, { line: lineNo });
      header = h;
      continue;
    }
    if (text.trim() === "") continue;
    const r = decodeRecord(text);
    if (isDecodeProblem(r)) {
      const field = /^([A-Za-z]+\.[A-Za-z]+)/.exec(r.problem)?.[1];
      throw new InputFileError(shown, r.problem, { line: lineNo, ...(field ? { column: field } : {}) });
    }
    if (r.type === "command") {
      if (typeof r.line === "string" && typeof r.id === "number") commands.command(r.atMs, r.id, r.line);
      continue;
    }
    if (r.type === "answer") {
      if (typeof r.id === "number") commands.answer(r.atMs, r.id, String(r.result));
      continue;
    }
    if (r.type !== "sample") continue;
    const s = r.sample;
    if (!Number.isFinite(s.tS))
      throw new InputFileError(shown, `sample time is not a number (got ${s.tS})`, {
        line: lineNo,
        column: "sample.tS",
      });
    if (!(s.tS > builder.lastTimeS))
      throw new InputFileError(
        shown,
        `sample time does not increase (${s.tS} s after ${builder.lastTimeS} s)`,
        {
          line: lineNo,
          column: "sample.tS",
        },
      );
    for (const f of DUTY_FIELDS) {
      const d = s[f];
      if (!(d >= 0 && d <= DUTY_MAX))
        throw new InputFileError(shown, `applied duty must be 0-${DUTY_MAX} (got ${d})`, {
          line: lineNo,
          column: `sample.${f}`,
        });
    }
    const changed =
      prev !== undefined &&
      (prev.pump !== s.pumpDuty || prev.heater !== s.heaterDuty || prev.fan !== s.fanDuty);
    const dutyChangeTS = changed
      ? commands.changeTime((prev as { tS: number }).tS, s.tS, {
          pump: s.pumpDuty,
          heater: s.heaterDuty,
          fan: s.fanDuty,
        })
      : undefined;
    commands.sample(r.atMs, s.tS);
    builder.push({
      tS: s.tS,
      tHotC: s.tHotC,
      tColdC: s.tColdC,
      tAmbC: s.tAmbC,
      flowLpm: s.flowLpm,
      pumpDuty: s.pumpDuty,
      heaterDuty: s.heaterDuty,
      fanDuty: s.fanDuty,
      ...(dutyChangeTS !== undefined ? { dutyChangeTS } : {}),
    });
    prev = { tS: s.tS, pump: s.pumpDuty, heater: s.heaterDuty, fan: s.fanDuty };
  }
  if (header === undefined)
    throw new InputFileError(shown, "empty recording: no complete header line", { line: 1 });
  if (builder.count === 0)
    throw new InputFileError(shown, "the recording has no sample records", { line: 2 });
  return header;
}

async function readCsvSamples(path: string, shown: string, builder: CalibrationDataBuilder): Promise<void> {
  const reader = new SimulateCsvSampleReader(shown, builder);
  for await (const { text, lineNo } of fileLines(path, shown)) reader.line(text, lineNo);
  reader.finish();
}

/**
 * Reads `path` (shown as `shown` in messages) as calibration data. `format` undefined: guessed
 * from the first bytes (`{` a recording, `t_s,` a CSV).
 */
export async function readCalibrationInput(
  path: string,
  shown: string,
  format: CalibrationFormat | undefined,
  options: CalibrationDataOptions,
): Promise<CalibrationInput> {
  const chosen = format ?? sniffCalibrationFormat(path, shown);
  if (chosen === undefined)
    throw new InputFileError(
      shown,
      'cannot tell the format: neither a recording (a JSON header line) nor a simulate CSV (header "t_s,..."); give --format',
      { line: 1 },
    );
  const builder = new CalibrationDataBuilder(shown);
  const notes: string[] = [];
  let header: HeaderRecord | undefined;
  switch (chosen) {
    case "recording":
      header = await readRecordingSamples(path, shown, builder, notes);
      break;
    case "csv":
      await readCsvSamples(path, shown, builder);
      break;
    default: {
      const never: never = chosen;
      throw new InputFileError(shown, `unknown format ${String(never)}`);
    }
  }
  return {
    data: builder.build({ dutyChangeAt: chosen === "recording" ? "midpoint" : "sample", ...options }),
    format: chosen,
    header,
    headerParams: paramsOfRig(header?.rig),
    headerOffsetsK: offsetsOfRig(header?.rig),
    notes,
  };
}
