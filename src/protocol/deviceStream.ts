/**
 * Bytes from the device -> messages and statistics: a {@link LineFramer}, the allocation-free TLM
 * parse and a {@link StreamStats}, wired once. Every host-side source (serial port, emulator link,
 * raw replay) pushes its chunks here.
 */
import type { LineError } from "./lineError.js";
import { LineFramer } from "./lineFramer.js";
import type { DeviceMessage, TlmMessage } from "./messages.js";
import { parseDeviceBytes, TlmSlot } from "./parse.js";
import { StreamStats, type StreamSummary } from "./streamStats.js";

/** Callbacks of a {@link DeviceStreamDecoder}; all optional, all synchronous. */
export interface DeviceStreamHandler {
  /**
   * A valid TLM line. The message is a reused slot: read or copy it (`{...tlm}`) during the call,
   * do not keep it.
   */
  onTlm?(tlm: TlmMessage): void;
  /** A valid line of any other type (a fresh object, yours to keep). */
  onMessage?(message: Exclude<DeviceMessage, TlmMessage>): void;
  /** A rejected line; `line` is its bytes (a view valid during the call), empty for an overlong one. */
  onError?(error: LineError, line: Uint8Array): void;
}

const NO_BYTES = new Uint8Array(0);

export class DeviceStreamDecoder {
  readonly stats = new StreamStats();
  private readonly handler: DeviceStreamHandler;
  private readonly framer: LineFramer;
  private readonly slot = new TlmSlot();
  private bytes = 0;

  constructor(handler: DeviceStreamHandler = {}) {
    this.handler = handler;
    this.framer = new LineFramer({
      onLine: (b, start, end) => this.line(b, start, end),
      onOverflow: (lengthBytes) => {
        const error: LineError = { kind: "too_long", lengthBytes };
        this.stats.observeError(error);
        this.handler.onError?.(error, NO_BYTES);
      },
    });
  }

  /** Feeds bytes as they arrive, in chunks of any size. */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.framer.push(chunk);
  }

  /** Ends the stream; returns the bytes of an unfinished last line, which are dropped. */
  end(): number {
    return this.framer.end();
  }

  /** Bytes pushed so far. */
  get bytesReceived(): number {
    return this.bytes;
  }

  /** The statistics so far. */
  summary(): StreamSummary {
    return this.stats.summary();
  }

  private line(b: Uint8Array, start: number, end: number): void {
    const r = parseDeviceBytes(b, start, end, this.slot);
    if (r.ok) {
      const m = r.value;
      if (m.type === "TLM") {
        this.stats.observeTlm(m.seq, m.tMs, m.pulses, m.extra === undefined ? 0 : m.extra.length);
        this.handler.onTlm?.(m);
      } else {
        this.stats.observe(r);
        this.handler.onMessage?.(m);
      }
    } else {
      this.stats.observeError(r.error);
      this.handler.onError?.(r.error, b.subarray(start, end));
    }
  }
}
