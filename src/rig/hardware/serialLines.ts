/**
 * The serial line stream: `@serialport/parser-readline` (docs/design.md 3, the rig layer) behind a
 * small bounding stage that keeps the wire protocol's guarantees (docs/design.md 4): a line is at
 * most 159 bytes before its `\n`, anything longer is discarded up to the next `\n` and counted
 * once as overlong, with its length.
 *
 * Why a stage in front: the parser keeps everything since the last delimiter (`Buffer.concat` of
 * its buffer and each chunk), so a device that streams 10 MB without a newline would cost 10 MB,
 * and it has no notion of an overlong line. The stage lets through at most 160 bytes of any line:
 * the first 159 as they came, then, when a 160th byte arrives without a newline, that byte and a
 * `\n` of its own; the parser therefore hands out a 160-byte line, which no valid line can be, and
 * the stage discards the rest of the line (its own `\n` included) and reports its full length
 * when it ends. So the parser never holds more than 160 bytes, and the stage holds nothing but a
 * counter. It also passes an empty line on as `\r\n`, because the parser would swallow it and the
 * statistics count it (as malformed). Chunks without an overlong or empty line pass through as
 * they are (no copy).
 */
import { Transform, type TransformCallback } from "node:stream";
import { ReadlineParser } from "@serialport/parser-readline";
import { MAX_LINE_CONTENT_BYTES } from "../../protocol/messages.js";

const LF = 10;
const CR = 13;
const NEWLINE = Buffer.from("\n");
const CRLF = Buffer.from("\r\n");

/** Cuts every line to at most `MAX_LINE_CONTENT_BYTES + 1` bytes before its `\n` (see above). */
export class LineBound extends Transform {
  /** Bytes of the current line seen so far (passed on or, once overlong, discarded). */
  private seen = 0;
  private readonly onOverflow: (lengthBytes: number) => void;

  constructor(onOverflow: (lengthBytes: number) => void) {
    super();
    this.onOverflow = onOverflow;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const n = chunk.length;
    let pos = 0;
    let passFrom = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      const lineEnd = nl < 0 ? n : nl;
      const before = this.seen;
      this.seen += lineEnd - pos;
      if (this.seen > MAX_LINE_CONTENT_BYTES) {
        if (before <= MAX_LINE_CONTENT_BYTES) {
          // This chunk makes the line overlong: pass up to and including its 160th byte, then a
          // newline, so that the parser ends the line there with 160 bytes.
          const cut = pos + (MAX_LINE_CONTENT_BYTES + 1 - before);
          this.push(chunk.subarray(passFrom, cut));
          this.push(NEWLINE);
        }
        // The rest of an overlong line is dropped, its newline included.
        if (nl < 0) {
          passFrom = n;
          break;
        }
        this.onOverflow(this.seen);
        this.seen = 0;
        passFrom = nl + 1;
        pos = nl + 1;
        continue;
      }
      if (nl < 0) break;
      if (this.seen === 0) {
        // An empty line: the parser would drop it (a stream does not emit empty chunks), so it
        // goes on as "\r\n", which it hands out as "\r" and SerialLines as the empty line it was.
        this.push(chunk.subarray(passFrom, nl));
        this.push(CRLF);
        passFrom = nl + 1;
      }
      this.seen = 0;
      pos = nl + 1;
    }
    if (passFrom === 0) this.push(chunk);
    else if (passFrom < n) this.push(chunk.subarray(passFrom));
    callback();
  }
}

/** Where the line stream delivers, synchronously with {@link SerialLines.write}. */
export interface SerialLineSink {
  /** A line without its `\n` and a `\r` before it: `bytes[start, end)`, valid during the call. */
  onLine(bytes: Uint8Array, start: number, end: number): void;
  /** An overlong line ended; `lengthBytes` came before its `\n`, all discarded. */
  onOverflow(lengthBytes: number): void;
}

/**
 * One connection's line stream: bytes in, lines out. A new one per connection, so that a line cut
 * off by a disconnect is not glued to the first line of the next.
 */
export class SerialLines {
  private readonly bound: LineBound;
  private readonly parser: ReadlineParser;
  private ended = false;

  constructor(sink: SerialLineSink) {
    this.bound = new LineBound((n) => sink.onOverflow(n));
    // Lines as Buffers (no `encoding`): the CRC and the parse work on the bytes, and a latin1 or
    // utf8 string would be a copy per line.
    this.parser = new ReadlineParser({ delimiter: NEWLINE, encoding: undefined });
    this.parser.on("data", (line: Buffer) => {
      if (this.ended) return;
      // The bounding stage's 160-byte stand-in for an overlong line: already counted there.
      if (line.length > MAX_LINE_CONTENT_BYTES) return;
      const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
      sink.onLine(line, 0, end);
    });
    this.bound.pipe(this.parser);
  }

  /** Feeds bytes from the port. */
  write(chunk: Buffer): void {
    if (!this.ended) this.bound.write(chunk);
  }

  /** Bytes the parser holds for an unfinished line (at most 160, whatever arrived). */
  get bufferedBytes(): number {
    return this.parser.buffer.length;
  }

  /** Ends the stream: an unfinished last line is forgotten, nothing more is delivered. */
  end(): void {
    this.ended = true;
    this.bound.unpipe(this.parser);
    this.bound.destroy();
    this.parser.destroy();
  }
}
