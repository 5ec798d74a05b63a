/**
 * An off-screen terminal for the dashboard's screen tests and screenshot: blessed writes to a fake
 * TTY stream whose bytes go into an `@xterm/headless` terminal, and keys are typed into a fake TTY
 * input. The xterm buffer is what a person would see.
 */
import { PassThrough, Writable } from "node:stream";
import xterm from "@xterm/headless";

/** A writable that looks like a TTY of `columns` x `rows` to blessed and feeds an xterm. */
export class FakeTtyOutput extends Writable {
  columns: number;
  rows: number;
  readonly isTTY = true;
  bytes = 0;
  /** Every chunk written (for colour and byte checks). */
  readonly chunks: string[] = [];
  private readonly term: InstanceType<typeof xterm.Terminal>;

  constructor(term: InstanceType<typeof xterm.Terminal>, columns: number, rows: number) {
    super();
    this.term = term;
    this.columns = columns;
    this.rows = rows;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    this.bytes += Buffer.byteLength(text, "utf8");
    this.chunks.push(text);
    this.term.write(text);
    cb();
  }

  /** Resizes the terminal and tells blessed, as a real TTY's SIGWINCH does. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.term.resize(columns, rows);
    this.emit("resize");
  }

  /** Needed by blessed for cursor queries; nothing to do. */
  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }
}

/** A readable that looks like a TTY keyboard. */
export class FakeTtyInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(on: boolean): this {
    this.isRaw = on;
    return this;
  }
  /** Types keys (raw bytes, e.g. "?" or "\x7f" for backspace, "\r" for enter, "\x03" for Ctrl-C). */
  type(keys: string): void {
    this.write(keys);
  }
}

export interface OffscreenTerminal {
  readonly term: InstanceType<typeof xterm.Terminal>;
  readonly output: FakeTtyOutput;
  readonly input: FakeTtyInput;
  /** Resolves once the xterm has parsed everything written so far. */
  settle(): Promise<void>;
  /** The visible screen as text lines (trailing spaces trimmed). */
  lines(): string[];
  text(): string;
  dispose(): void;
}

export function offscreenTerminal(cols: number, rows: number): OffscreenTerminal {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const output = new FakeTtyOutput(term, cols, rows);
  const input = new FakeTtyInput();
  const lines = (): string[] => {
    const out: string[] = [];
    const buf = term.buffer.active;
    for (let y = 0; y < term.rows; y++)
      out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? "");
    return out;
  };
  return {
    term,
    output,
    input,
    settle: async () => {
      // Key handling and rendering run on the event loop; then xterm parses what was written.
      await new Promise((r) => setImmediate(r));
      await new Promise<void>((r) => term.write("", r));
    },
    lines,
    text: () => lines().join("\n"),
    dispose: () => term.dispose(),
  };
}
