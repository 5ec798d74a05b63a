/**
 * The one capability every rig connection offers (a serial port with this project's firmware, the
 * emulator, a Firmata board, a replayed recording): open, a stream of samples and events, commands
 * answered by ACK or NAK, link statistics, close.
 *
 * Error contract (after serialport's): a close you asked for is not an error (the event stream
 * just ends, the link goes DISCONNECTED with reason "closed"); losing the device is a link event
 * (RECONNECTING, then CONNECTED again with a `gap` event, or DISCONNECTED when reconnecting is off
 * or gave up). `send` rejects with {@link NakError}, {@link CommandTimeoutError} or
 * {@link LinkDownError}; `open` with a `ProtocolVersionError`, {@link HandshakeTimeoutError} or
 * the port's own error.
 */
import type { RigSample } from "../../model/rigSample.js";
import type { DeviceEvent, HelloMessage, HostCommand } from "../../protocol/messages.js";
import type { StreamSummary } from "../../protocol/streamStats.js";

/** Link states (the dashboard shows them as they are). */
export const LINK_STATES = ["CONNECTED", "RECONNECTING", "DISCONNECTED", "REPLAY"] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** A command without its id: the source numbers commands itself. */
export type RigCommand = HostCommand extends infer C
  ? C extends HostCommand
    ? Omit<C, "id">
    : never
  : never;

/** What a source emits, in order. */
export type RigEvent =
  /**
   * A converted sample. To subscribers (`subscribe`) the object is reused for the next sample:
   * copy it to keep it. The async iterator (`events()`) hands out copies.
   */
  | { readonly kind: "sample"; readonly sample: RigSample }
  /** A HELLO: at connect, after a device reboot, or in answer to INFO. */
  | { readonly kind: "hello"; readonly hello: HelloMessage; readonly reboot: boolean }
  /** A device event line (EVT). */
  | { readonly kind: "device_event"; readonly event: DeviceEvent }
  /** The link changed state. */
  | { readonly kind: "link"; readonly state: LinkState; readonly reason: string }
  /**
   * Samples are missing from rig time `fromTS` to `toTS` (the first sample after the gap):
   * `disconnect` (the device was gone), `seq` (lines lost: `lostSamples` of them) or `reboot`.
   */
  | {
      readonly kind: "gap";
      readonly reason: "disconnect" | "seq" | "reboot";
      readonly fromTS: number;
      readonly toTS: number;
      readonly lostSamples: number;
    };

/** Counters of one source. */
export interface LinkStats {
  readonly state: LinkState;
  /** Port path or file now in use. */
  readonly path: string;
  /** Unit id from HELLO, when known. */
  readonly uid: string | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Line counts, CRC errors, malformed, sequence gaps, lost samples, reboots (protocol stats). */
  readonly stream: StreamSummary;
  readonly commands: {
    readonly sent: number;
    readonly retries: number;
    readonly acks: number;
    readonly naks: number;
    readonly timeouts: number;
    /** ACK/NAK for an id no command was waiting for (a late duplicate answer). */
    readonly stray: number;
  };
  readonly reconnects: number;
  readonly gaps: number;
  readonly samples: number;
  /** Events dropped because the `events()` consumer fell behind its queue capacity. */
  readonly droppedEvents: number;
}

export interface SendOptions {
  /** Abandons the command (rejects with AbortedError); the device may still apply it. */
  readonly signal?: AbortSignal;
}

export interface RigSource {
  /** Kind of source, e.g. `serial`, `firmata`, `replay`. */
  readonly kind: string;
  readonly state: LinkState;
  /** HELLO of the connected device (null before the handshake, and for sources without one). */
  readonly hello: HelloMessage | null;
  /** Opens and completes the handshake; rejects (and leaves the source closed) if it cannot. */
  open(signal?: AbortSignal): Promise<void>;
  /** Deliberate close: stops reconnecting, ends `events()`; never rejects, idempotent. */
  close(): Promise<void>;
  /** Every event from now on, as an async iterable that ends at close. */
  events(options?: { readonly capacity?: number }): AsyncIterable<RigEvent>;
  /** Synchronous listener (the allocation-free path); returns the unsubscribe function. */
  subscribe(listener: (e: RigEvent) => void): () => void;
  /** Sends a command; resolves on ACK, rejects on NAK, timeout after the retries, or link down. */
  send(command: RigCommand, options?: SendOptions): Promise<void>;
  stats(): LinkStats;
}

/**
 * Fan-out of source events: synchronous subscribers, and bounded async queues for `events()`
 * iterators (the oldest events are dropped, and counted, when a consumer falls behind).
 */
export class RigEventHub {
  private readonly listeners = new Set<(e: RigEvent) => void>();
  private readonly queues = new Set<EventQueue>();
  private closed = false;
  dropped = 0;

  subscribe(listener: (e: RigEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: RigEvent): void {
    for (const l of this.listeners) l(e);
    if (this.queues.size === 0) return;
    const copy: RigEvent = e.kind === "sample" ? { kind: "sample", sample: { ...e.sample } } : e;
    for (const q of this.queues) this.dropped += q.push(copy);
  }

  /** Ends every iterator (after they drain what is queued). */
  close(): void {
    this.closed = true;
    for (const q of this.queues) q.end();
    this.queues.clear();
  }

  /** Opens again after a close (a source reopened). */
  reopen(): void {
    this.closed = false;
  }

  iterable(capacity = 100_000): AsyncIterable<RigEvent> {
    return {
      [Symbol.asyncIterator]: () => {
        const q = new EventQueue(capacity, () => this.queues.delete(q));
        if (this.closed) q.end();
        else this.queues.add(q);
        return q;
      },
    };
  }
}

class EventQueue implements AsyncIterator<RigEvent> {
  private items: RigEvent[] = [];
  private head = 0;
  private ended = false;
  private waiter: ((r: IteratorResult<RigEvent>) => void) | null = null;
  private readonly capacity: number;
  private readonly onReturn: () => void;

  constructor(capacity: number, onReturn: () => void) {
    this.capacity = capacity;
    this.onReturn = onReturn;
  }

  /** Returns how many events were dropped to make room (0 or 1). */
  push(e: RigEvent): number {
    if (this.ended) return 0;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: e, done: false });
      return 0;
    }
    this.items.push(e);
    if (this.items.length - this.head > this.capacity) {
      this.head++;
      this.compact();
      return 1;
    }
    return 0;
  }

  end(): void {
    this.ended = true;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<RigEvent>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head++]!;
      this.compact();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<RigEvent>> {
    this.ended = true;
    this.items = [];
    this.head = 0;
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
