/**
 * CSV text written straight into a reused byte buffer and handed on in large chunks (64 KiB by
 * default): the writer behind `simulate`, `replay` and `detect` output. Building one string per
 * row and joining them cost about three times the simulation itself (issue 16: 520,000 rows/s).
 *
 * `fixed(x, d)` writes exactly the bytes of `x.toFixed(d)` (tests/core/csvWriter.test.ts compares
 * them on random and edge values): the integer nearest to |x| 10^d is found in floating point, and
 * only when that product lies within its rounding error of a tie, or beyond 2^52, is the exact
 * answer asked of `toFixed` itself. Non-finite values write nothing (an empty field): NaN is never
 * written. Digits are stored through a DataView two at a time and a repeated field is copied four
 * bytes at a time: copying a repeated field byte by byte was a third of the formatting of a seed
 * row (with src/model/seedRk4.ts the 24 h seed run went from about 2.8 to 4 M rows per CPU second,
 * `npm run bench -- --only csv`).
 *
 * A chunk is a view of the writer's buffer, valid only during the sink call: sinks write it
 * synchronously or copy it (src/cli/fdSink.ts, {@link textSink}). A chunk always ends between two
 * fields, so a multi-byte character is never split.
 */
/** Receives each full chunk; the bytes are reused after the call returns. */
export type CsvSink = (chunk: Buffer) => void;

/** Exact powers of ten 10^0 ... 10^22 (every one representable as a double). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Largest |x| 10^d handled without `toFixed`: below it every integer and half-integer is exact. */
const EXACT_LIMIT = 2 ** 52;
const INT32_LIMIT = 2 ** 31;
const CHAR_0 = 48;
const CHAR_MINUS = 45;
const CHAR_DOT = 46;
const CHAR_COMMA = 44;
const CHAR_NEWLINE = 10;

/** Longest text `toFixed` gives for decimals <= 20: 21 digits, a point and 20 decimals. */
const MEMO_BYTES = 64;

/** The last value a {@link CsvWriter.fixedRepeated} column wrote, and its bytes. */
export class FixedMemo {
  x = Number.NaN;
  decimals = -1;
  length = 0;
  readonly bytes = new Uint8Array(MEMO_BYTES);
  /** `bytes` four at a time: a repeated field is copied in words, not byte by byte. */
  readonly words = new DataView(this.bytes.buffer);
}

export class CsvWriter {
  private readonly buf: Buffer;
  /** `buf` as a DataView: digits are stored two at a time, a memo copied four at a time. */
  private readonly words: DataView;
  private readonly sink: CsvSink;
  private pos = 0;

  /** `capacityBytes` is the chunk size (at least 1 KiB: the longest number field fits many times). */
  constructor(sink: CsvSink, capacityBytes = 65_536) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes >= 1024))
      throw new RangeError(`CsvWriter: capacityBytes must be an integer >= 1024 (got ${capacityBytes})`);
    this.buf = Buffer.alloc(capacityBytes);
    this.words = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.sink = sink;
  }

  /** The bytes of `x.toFixed(decimals)` (0 <= decimals <= 20); nothing when x is not finite. */
  fixed(x: number, decimals: number): void {
    if (!Number.isFinite(x)) return;
    const negative = x < 0;
    const abs = negative ? -x : x;
    const scale = POW10[decimals] as number;
    const scaled = abs * scale;
    if (!(scaled < EXACT_LIMIT)) {
      this.text(x.toFixed(decimals));
      return;
    }
    let n = Math.floor(scaled);
    const frac = scaled - n;
    // The exact |x| 10^d differs from `scaled` by at most half an ulp (<= scaled 2^-53): only a
    // fraction that close to 1/2 can round the other way, and then toFixed decides.
    if (Math.abs(frac - 0.5) <= scaled * 2 ** -51 + Number.MIN_VALUE) {
      this.text(x.toFixed(decimals));
      return;
    }
    if (frac > 0.5) n += 1;
    if (this.pos + decimals + 20 > this.buf.length) this.flush();
    const buf = this.buf;
    let pos = this.pos;
    if (negative) buf[pos++] = CHAR_MINUS;
    if (decimals === 0) {
      this.pos = writeUint(this.words, pos, n);
      return;
    }
    // floor(|x|) 10^d is exact (below 2^52) and not above |x| 10^d, so neither `scaled` nor n is
    // below it: 0 <= part <= scale. No division, and only a carry (|x| rounding up to the next
    // integer) to correct.
    let whole = Math.floor(abs);
    let part = n - whole * scale;
    if (part >= scale) {
      whole += 1;
      part -= scale;
    }
    const words = this.words;
    pos = writeUint(words, pos, whole);
    buf[pos++] = CHAR_DOT;
    this.pos =
      decimals <= 9 ? writePadded(words, pos, part, decimals) : writeLongPadded(words, pos, part, decimals);
  }

  /**
   * `fixed(x, decimals)` for a column whose value often repeats from row to row (a constant
   * input, a parameter): when x equals the memo's last value its bytes are copied instead of
   * formatted again. One memo per column.
   */
  fixedRepeated(x: number, decimals: number, memo: FixedMemo): void {
    this.reserve(MEMO_BYTES * 2);
    const buf = this.buf;
    const bytes = memo.bytes;
    let pos = this.pos;
    if (x === memo.x && decimals === memo.decimals) {
      // Whole words, up to three bytes past the field: they lie in the reserved room and are
      // overwritten by what follows (a chunk ends at `pos`).
      const length = memo.length;
      const words = this.words;
      const from = memo.words;
      for (let i = 0; i < length; i += 4) words.setUint32(pos + i, from.getUint32(i));
      this.pos = pos + length;
      return;
    }
    this.fixed(x, decimals);
    const length = this.pos - pos;
    if (length > MEMO_BYTES) return;
    for (let i = 0; i < length; i++) bytes[i] = buf[pos++] as number;
    memo.x = x;
    memo.decimals = decimals;
    memo.length = length;
  }

  /** The bytes of `String(n)` for an integer n; other values as `String(n)` (NaN writes nothing). */
  int(n: number): void {
    if (Number.isInteger(n) && Math.abs(n) < EXACT_LIMIT && !Object.is(n, -0)) {
      this.reserve(20);
      if (n < 0) {
        this.buf[this.pos++] = CHAR_MINUS;
        this.pos = writeUint(this.words, this.pos, -n);
      } else this.pos = writeUint(this.words, this.pos, n);
      return;
    }
    if (!Number.isNaN(n)) this.text(String(n));
  }

  /** `text` as UTF-8, unquoted (the caller quotes a field that may hold a comma or quote). */
  text(text: string): void {
    if (text.length === 0) return;
    if (3 * text.length > this.buf.length) {
      this.flush();
      this.sink(Buffer.from(text, "utf8"));
      return;
    }
    this.reserve(3 * text.length);
    this.pos += this.buf.write(text, this.pos, "utf8");
  }

  comma(): void {
    this.reserve(1);
    this.buf[this.pos++] = CHAR_COMMA;
  }

  newline(): void {
    this.reserve(1);
    this.buf[this.pos++] = CHAR_NEWLINE;
  }

  /** Hands what is buffered to the sink. Call at the end (and wherever output must not wait). */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.pos = 0;
    this.sink(chunk);
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.flush();
  }
}

/**
 * "00" to "99", each as one 16-bit big-endian word of its two ASCII bytes: two digits per division
 * halves the chain of divisions, and one store writes both.
 */
const DIGIT_PAIRS = Uint16Array.from(
  { length: 100 },
  (_, i) => ((CHAR_0 + Math.floor(i / 10)) << 8) | (CHAR_0 + (i % 10)),
);

/** Writes the decimal digits of the integer 0 <= v < 2^53 at `pos`; returns the position after. */
function writeUint(out: DataView, pos: number, v: number): number {
  if (v >= INT32_LIMIT) return writeLongPadded(out, pos, v, 1);
  return writePadded(out, pos, v, uintDigits(v));
}

/** Writes 0 <= v < 2^31 as exactly `digits` digits, zeros in front; returns the end. */
function writePadded(out: DataView, pos: number, v: number, digits: number): number {
  let i = v | 0;
  const end = pos + digits;
  let at = end;
  while (at - pos >= 2) {
    const q = (i / 100) | 0;
    at -= 2;
    out.setUint16(at, DIGIT_PAIRS[i - q * 100] as number);
    i = q;
  }
  if (at > pos) out.setUint8(pos, CHAR_0 + i - ((i / 10) | 0) * 10);
  return end;
}

/** Writes the integer 0 <= v < 2^53 with at least `minDigits` digits (the rare long case). */
function writeLongPadded(out: DataView, pos: number, v: number, minDigits: number): number {
  let count = 1;
  while (count < 16 && v >= (POW10[count] as number)) count++;
  if (count < minDigits) count = minDigits;
  const end = pos + count;
  for (let at = end - 1; at >= pos; at--) {
    const q = Math.floor(v / 10);
    out.setUint8(at, CHAR_0 + (v - q * 10));
    v = q;
  }
  return end;
}

/** Number of decimal digits of the integer 0 <= v < 2^31. */
function uintDigits(v: number): number {
  if (v < 100_000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
  return v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
}

/** A sink that hands each chunk on as a string (for writers that take text, such as CliIo). */
export function textSink(write: (text: string) => unknown): CsvSink {
  return (chunk) => {
    write(chunk.toString("utf8"));
  };
}
