/**
 * Writes a recording (see recording.ts) to a file: records are buffered in memory and written with
 * synchronous writes at least every `flushIntervalMs`, when the buffer grows past
 * `maxBufferedBytes`, and on {@link RecordingWriter.flush}/{@link RecordingWriter.close}, so a
 * crash loses at most the last interval and an exit handler can flush without awaiting anything.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { type Clock, wallClock } from "../../core/clock.js";
import { ConfigError, OperationalError } from "../../core/errors.js";
import type { RigSample } from "../../model/rigSample.js";
import {
  encodeRecord,
  type HeaderRecord,
  type KnownRecord,
  RECORDING_FORMAT,
  RECORDING_FORMAT_VERSION,
  type RecordedHello,
  type RecordedSource,
} from "./recording.js";

/** Anything records can be written to: a file writer, or an array in tests. */
export interface RecordSink {
  /** Host milliseconds since the recording started (the `atMs` of a record written now). */
  atMs(): number;
  write(record: KnownRecord): void;
}

/** What the caller supplies for the header; the rest is filled in. */
export interface RecordingHeaderInput {
  readonly source: RecordedSource;
  /** Rig configuration as JSON. @default null */
  readonly rig?: unknown;
  /** HELLO at start, when known. @default null */
  readonly hello?: RecordedHello | null;
  /** Wall-clock start. @default new Date() */
  readonly startTime?: Date;
  /** @default "looptwin" */
  readonly writer?: string;
}

export interface RecordingWriterOptions {
  /** Write buffered records at least this often [ms]. @default 500 */
  readonly flushIntervalMs?: number;
  /** Write at once when this many characters are buffered. @default 65536 */
  readonly maxBufferedChars?: number;
  /** Host clock for `atMs`. @default wallClock */
  readonly clock?: Clock;
  /** Clock reading at which the recording starts (`atMs` 0). @default the clock now */
  readonly startMs?: number;
  /** Timer functions (fake timers in tests). @default globalThis */
  readonly timers?: {
    setInterval(fn: () => void, ms: number): unknown;
    clearInterval(handle: unknown): void;
  };
}

/** Builds the header record. */
export function makeHeader(input: RecordingHeaderInput): HeaderRecord {
  return {
    type: "header",
    format: RECORDING_FORMAT,
    version: RECORDING_FORMAT_VERSION,
    startTime: (input.startTime ?? new Date()).toISOString(),
    source: input.source,
    rig: input.rig ?? null,
    hello: input.hello ?? null,
    writer: input.writer ?? "looptwin",
  };
}

export class RecordingWriter implements RecordSink {
  readonly path: string;
  private fd: number | null;
  private readonly clock: Clock;
  private readonly startMs: number;
  private readonly maxBufferedChars: number;
  private readonly timers: NonNullable<RecordingWriterOptions["timers"]>;
  private readonly interval: unknown;
  private buffered: string[] = [];
  private bufferedChars = 0;
  private written = 0;

  /** Creates (truncates) `path` and writes the header at once. Throws a ConfigError if it cannot. */
  constructor(path: string, header: RecordingHeaderInput, options: RecordingWriterOptions = {}) {
    const flushIntervalMs = options.flushIntervalMs ?? 500;
    if (!(flushIntervalMs > 0 && flushIntervalMs <= 1000)) {
      throw new ConfigError("flushIntervalMs", flushIntervalMs, "must be > 0 and <= 1000 ms");
    }
    this.path = path;
    this.clock = options.clock ?? wallClock;
    this.startMs = options.startMs ?? this.clock.nowMs();
    this.maxBufferedChars = options.maxBufferedChars ?? 65_536;
    this.timers = options.timers ?? {
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    };
    try {
      this.fd = openSync(path, "w");
    } catch (e) {
      throw new ConfigError("--out", path, `cannot create the recording (${(e as Error).message})`, {
        cause: e,
      });
    }
    this.writeNow(encodeRecord(makeHeader(header)));
    const handle = this.timers.setInterval(() => this.flush(), flushIntervalMs);
    (handle as { unref?: () => void } | null)?.unref?.();
    this.interval = handle;
  }

  atMs(): number {
    return this.clock.nowMs() - this.startMs;
  }

  /** Buffers one record (ignored after close). */
  write(record: KnownRecord): void {
    if (this.fd === null) return;
    const line = encodeRecord(record);
    this.buffered.push(line);
    this.bufferedChars += line.length;
    if (this.bufferedChars >= this.maxBufferedChars) this.flush();
  }

  /** Convenience: a sample record at the current host time. */
  writeSample(sample: RigSample): void {
    this.write({ type: "sample", atMs: this.atMs(), sample });
  }

  /** Writes everything buffered, synchronously (safe in exit and signal handlers). */
  flush(): void {
    if (this.fd === null || this.buffered.length === 0) return;
    const text = this.buffered.join("");
    this.buffered = [];
    this.bufferedChars = 0;
    this.writeNow(text);
  }

  /** Flushes and closes the file; idempotent. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    this.timers.clearInterval(this.interval);
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** Bytes written to the file so far. */
  get bytesWritten(): number {
    return this.written;
  }

  private writeNow(text: string): void {
    if (this.fd === null) return;
    const buf = Buffer.from(text, "utf8");
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      this.written += buf.length;
    } catch (e) {
      throw new OperationalError(
        `cannot write the recording ${this.path}: ${(e as Error).message}`,
        { path: this.path },
        { cause: e },
      );
    }
  }
}

/** A sink that keeps records in an array (tests, and in-memory capture). */
export class MemoryRecordSink implements RecordSink {
  readonly records: KnownRecord[] = [];
  private readonly clock: Clock;
  private readonly startMs: number;

  constructor(clock: Clock = wallClock) {
    this.clock = clock;
    this.startMs = clock.nowMs();
  }

  atMs(): number {
    return this.clock.nowMs() - this.startMs;
  }

  write(record: KnownRecord): void {
    if (record.type === "sample") this.records.push({ ...record, sample: { ...record.sample } });
    else this.records.push(record);
  }
}

/**
 * A sink that holds records until the file can be created (the header wants the HELLO, which the
 * handshake brings), then passes them and everything after to the writer. Holds at most
 * `capacity` records (the oldest are dropped and counted).
 */
export class RecordingRelay implements RecordSink {
  private readonly clock: Clock;
  /** Clock reading of `atMs` 0: give it to the writer as `startMs`. */
  readonly startMs: number;
  private readonly capacity: number;
  private held: KnownRecord[] = [];
  private target: RecordSink | null = null;
  dropped = 0;

  constructor(clock: Clock = wallClock, capacity = 100_000) {
    this.clock = clock;
    this.startMs = clock.nowMs();
    this.capacity = capacity;
  }

  atMs(): number {
    return this.clock.nowMs() - this.startMs;
  }

  write(record: KnownRecord): void {
    if (this.target !== null) {
      this.target.write(record);
      return;
    }
    if (this.held.length >= this.capacity) {
      this.held.shift();
      this.dropped++;
    }
    this.held.push(record.type === "sample" ? { ...record, sample: { ...record.sample } } : record);
  }

  /** Sends what is held to `sink`, and everything from now on. */
  attach(sink: RecordSink): void {
    for (const r of this.held) sink.write(r);
    this.held = [];
    this.target = sink;
  }
}

/**
 * Flushes and closes `writer` on every way out of the process: normal exit, `process.exit`, an
 * uncaught exception (the 'exit' event still fires). Signals are the CLI's to handle (it closes
 * the writer itself). Returns the function that removes the hook.
 */
export function closeOnExit(writer: RecordingWriter): () => void {
  const hook = (): void => {
    try {
      writer.close();
    } catch {
      // Nothing more can be done on the way out.
    }
  };
  process.on("exit", hook);
  return () => process.off("exit", hook);
}
