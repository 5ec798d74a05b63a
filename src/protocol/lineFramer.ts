/**
 * Cuts a byte stream into lines (docs/design.md 4): `\n` terminates, a `\r` right before it is
 * dropped, and a line of more than 159 bytes before its `\n` (160 with it; a `\r` counts, as in the
 * firmware's line assembler) is discarded up to the next `\n` and reported once as overlong.
 *
 * Memory is bounded whatever arrives: the framer owns one 159-byte buffer for a line split across
 * chunks and keeps nothing else; an overlong line is only counted, never stored. Lines that lie
 * within one chunk are handed out as views of that chunk, without copying.
 */
import { MAX_LINE_CONTENT_BYTES } from "./messages.js";

const LF = 10;
const CR = 13;

/** Where the framer delivers. Called synchronously from {@link LineFramer.push}. */
export interface LineSink {
  /**
   * A complete line, without `\n` and its preceding `\r`: `bytes[start, end)`. The view is only
   * valid during the call (it may be the framer's own buffer or the caller's chunk).
   */
  onLine(bytes: Uint8Array, start: number, end: number): void;
  /** An overlong line ended; `lengthBytes` were received before its `\n` and discarded. */
  onOverflow(lengthBytes: number): void;
}

export class LineFramer {
  private readonly sink: LineSink;
  private readonly buf = new Uint8Array(MAX_LINE_CONTENT_BYTES);
  /** Bytes of the current, unfinished line held in `buf`. */
  private held = 0;
  /** Bytes of the current line seen so far (held or, once overlong, discarded). */
  private seen = 0;

  constructor(sink: LineSink) {
    this.sink = sink;
  }

  /** Bytes the framer holds for an unfinished line (never more than 159). */
  get bufferedBytes(): number {
    return this.held;
  }

  /** The framer's whole buffer capacity in bytes: what it can ever retain. */
  get capacityBytes(): number {
    return this.buf.length;
  }

  /** Feeds a chunk of bytes; delivers every line it completes. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.hold(chunk, pos, n);
        return;
      }
      if (this.seen === 0) {
        // The whole line is in this chunk: hand out a view.
        this.emit(chunk, pos, nl, nl - pos);
      } else {
        this.hold(chunk, pos, nl);
        this.emit(this.buf, 0, this.held, this.seen);
      }
      this.held = 0;
      this.seen = 0;
      pos = nl + 1;
    }
  }

  /**
   * Ends the stream: forgets an unfinished last line (a capture cut mid-line) and returns how many
   * bytes it had, 0 when the stream ended on a `\n`.
   */
  end(): number {
    const pending = this.seen;
    this.held = 0;
    this.seen = 0;
    return pending;
  }

  private hold(chunk: Uint8Array, from: number, to: number): void {
    const count = to - from;
    const seen = this.seen + count;
    if (seen <= MAX_LINE_CONTENT_BYTES) this.buf.set(chunk.subarray(from, to), this.held);
    this.held = seen <= MAX_LINE_CONTENT_BYTES ? seen : 0;
    this.seen = seen;
  }

  private emit(bytes: Uint8Array, start: number, end: number, lengthBytes: number): void {
    if (lengthBytes > MAX_LINE_CONTENT_BYTES) {
      this.sink.onOverflow(lengthBytes);
      return;
    }
    this.sink.onLine(bytes, start, end > start && bytes[end - 1] === CR ? end - 1 : end);
  }
}
