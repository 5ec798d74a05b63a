/**
 * Reads a recording (see recording.ts). Streaming: records come out as the file is read, so an
 * hour-long recording replays in constant memory. Lines that cannot be read are counted and
 * skipped; a last line without its `\n` (a file cut by a crash) is not read: the recording ends
 * at its last whole line.
 */
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { InputFileError } from "../../core/errors.js";
import {
  decodeHeader,
  decodeRecord,
  type HeaderRecord,
  isDecodeProblem,
  type RecordingRecord,
} from "./recording.js";

/** What the reader skipped. */
export interface RecordingReadStats {
  /** Whole lines read, the header included. */
  lines: number;
  records: number;
  /** Lines that were not a readable record. */
  badLines: number;
  /** Line number and problem of the first bad line. */
  firstProblem: { line: number; problem: string } | null;
  /** Records of a type this version does not know. */
  unknownRecords: number;
  /** Bytes after the last `\n` (a cut line), not read. */
  truncatedBytes: number;
}

export function emptyReadStats(): RecordingReadStats {
  return { lines: 0, records: 0, badLines: 0, firstProblem: null, unknownRecords: 0, truncatedBytes: 0 };
}

/** Incremental reader of recording text: feed chunks, get records; pure. */
export class RecordingParser {
  readonly file: string;
  readonly stats = emptyReadStats();
  private tail = "";
  private headerRecord: HeaderRecord | null = null;

  constructor(file: string) {
    this.file = file;
  }

  get header(): HeaderRecord | null {
    return this.headerRecord;
  }

  /** Parses the whole lines in `text` (appended to what came before) into `out`. */
  push(text: string, out: RecordingRecord[]): void {
    let start = 0;
    const buf = this.tail + text;
    for (;;) {
      const nl = buf.indexOf("\n", start);
      if (nl < 0) break;
      this.line(buf.slice(start, nl), out);
      start = nl + 1;
    }
    this.tail = buf.slice(start);
  }

  /** Ends the input: a remaining partial line is counted as truncated. Throws if there was no header. */
  end(): void {
    this.stats.truncatedBytes = Buffer.byteLength(this.tail, "utf8");
    this.tail = "";
    if (this.headerRecord === null) {
      throw new InputFileError(this.file, "empty recording: no complete header line", { line: 1 });
    }
  }

  private line(raw: string, out: RecordingRecord[]): void {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    this.stats.lines++;
    if (this.headerRecord === null) {
      const h = decodeHeader(text);
      if (isDecodeProblem(h)) throw new InputFileError(this.file, h.problem, { line: 1 });
      this.headerRecord = h;
      return;
    }
    if (text.trim() === "") return;
    const r = decodeRecord(text);
    if (isDecodeProblem(r)) {
      this.stats.badLines++;
      this.stats.firstProblem ??= { line: this.stats.lines, problem: r.problem };
      return;
    }
    if (r.type === "unknown") this.stats.unknownRecords++;
    this.stats.records++;
    out.push(r);
  }
}

/** A recording opened for streaming: the header first, then the records. */
export interface RecordingStream {
  readonly header: HeaderRecord;
  readonly records: AsyncIterable<RecordingRecord>;
  /** Complete once `records` has been iterated to the end. */
  readonly stats: RecordingReadStats;
}

/**
 * Opens `path` and reads up to its header; the records stream lazily. Throws an InputFileError
 * when the file cannot be read or does not start with a recording header.
 */
export async function openRecording(path: string, signal?: AbortSignal): Promise<RecordingStream> {
  const parser = new RecordingParser(path);
  const stream = createReadStream(path, { highWaterMark: 256 * 1024, signal });
  const decoder = new StringDecoder("utf8");
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const pending: RecordingRecord[] = [];
  let done = false;
  const pull = async (): Promise<void> => {
    try {
      const next = await iterator.next();
      if (next.done) {
        parser.push(decoder.end(), pending);
        parser.end();
        done = true;
      } else {
        parser.push(decoder.write(next.value), pending);
      }
    } catch (e) {
      stream.destroy();
      if (e instanceof InputFileError) throw e;
      throw new InputFileError(path, `cannot read: ${(e as Error).message}`, {}, { cause: e });
    }
  };
  while (parser.header === null && !done) await pull();
  const header = parser.header;
  if (header === null) throw new InputFileError(path, "empty recording: no complete header line");
  async function* records(): AsyncGenerator<RecordingRecord> {
    try {
      for (;;) {
        if (pending.length > 0) {
          const batch = pending.splice(0, pending.length);
          for (const r of batch) yield r;
        }
        if (done) return;
        await pull();
      }
    } finally {
      stream.destroy();
    }
  }
  return { header, records: records(), stats: parser.stats };
}

/** Reads a whole recording into memory (tests, small files). */
export async function readRecording(
  path: string,
  signal?: AbortSignal,
): Promise<{ header: HeaderRecord; records: RecordingRecord[]; stats: RecordingReadStats }> {
  const rec = await openRecording(path, signal);
  const records: RecordingRecord[] = [];
  for await (const r of rec.records) records.push(r);
  return { header: rec.header, records, stats: rec.stats };
}
