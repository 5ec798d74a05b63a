/**
 * The host's side of the request/answer protocol (docs/protocol.md, docs/design.md 4), without a
 * port: command lines go out through a `write` callback, answers come in through
 * {@link HostConversation.answer} and {@link HostConversation.offerHello}, time from a
 * {@link Scheduler}. Pure (no Node module), so the serial source (serialSource.ts, on a Node
 * stream) and the Web Serial page (web/src/rigConversation.ts, in a browser) hold the same one.
 *
 * Commands: ids 1-65535, the next one not in flight; an ACK or NAK within `ackTimeoutMs`, else up
 * to `retries` resends with the same id (the device answers a repeated id again without applying
 * it twice). Handshake: wait for HELLO; after `infoAfterMs` ask with INFO, a new INFO (a fresh id,
 * not a resend: a HELLO lost to a corrupted byte would never come back for a repeated id) every
 * `ackTimeoutMs`, give up after the handshake time. Heartbeat: PING every `pingIntervalMs` (the
 * device goes SAFE after 3 s without a valid command).
 */
import { formatCommand } from "../../protocol/format.js";
import type { HelloMessage, HostCommand } from "../../protocol/messages.js";
import { AbortedError, CommandTimeoutError, HandshakeTimeoutError, NakError } from "./rigErrors.js";
import type { RigCommand } from "./rigSource.js";
import type { Scheduler, TimerHandle } from "./scheduler.js";

export interface HostConversationOptions {
  readonly scheduler: Scheduler;
  /** Puts one command line (without its `\n`) on the wire. Must not throw. */
  readonly write: (line: string) => void;
  /** Wait this long for ACK/NAK before resending [ms]. */
  readonly ackTimeoutMs: number;
  /** Resends of an unanswered command by {@link HostConversation.send}, same id. */
  readonly retries: number;
  /** PING period of the heartbeat [ms]; 0 or less: no heartbeat. */
  readonly pingIntervalMs: number;
  /**
   * How errors name a command: its line up to the CRC (`PWM,3,pump,200`, for a log that shows
   * what was asked) or its type (`PWM`, for a status bar). @default "line"
   */
  readonly commandName?: "line" | "type";
}

/** How a command ended. */
export type CommandResult = "ack" | "nak" | "timeout" | "cancelled";

/** What a recording wants to know of the conversation; all synchronous, all optional. */
export interface HostConversationObserver {
  /** A command line was written (attempt 1) or written again (attempt 2, ...). */
  onTransmit?(id: number, line: string, attempt: number): void;
  /** A command ended; `rttMs` since its first attempt; `reason`: the NAK's or the cancel's. */
  onSettled?(id: number, result: CommandResult, rttMs: number, reason?: string): void;
}

/** The request/answer counters (the serial source's LinkStats.commands). */
export interface CommandCounts {
  sent: number;
  retries: number;
  acks: number;
  naks: number;
  timeouts: number;
  /** ACK/NAK for an id no command was waiting for (a late duplicate answer). */
  stray: number;
}

interface Pending {
  readonly id: number;
  readonly line: string;
  readonly what: string;
  readonly firstAtMs: number;
  readonly retries: number;
  attempts: number;
  timer: TimerHandle | null;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly cleanup: () => void;
}

export class HostConversation {
  readonly counts: CommandCounts = { sent: 0, retries: 0, acks: 0, naks: 0, timeouts: 0, stray: 0 };
  private readonly opts: Required<HostConversationOptions>;
  private readonly observer: HostConversationObserver;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private pingTimer: TimerHandle | null = null;
  private helloWaiter: ((h: HelloMessage) => void) | null = null;
  private handshakeFail: ((e: Error) => void) | null = null;

  constructor(options: HostConversationOptions, observer: HostConversationObserver = {}) {
    this.opts = { commandName: "line", ...options };
    this.observer = observer;
  }

  /** Sends a command with the configured resends; resolves on ACK, rejects with NakError, CommandTimeoutError or AbortedError. */
  send(command: RigCommand, signal?: AbortSignal): Promise<void> {
    return this.request(command, this.opts.retries, signal);
  }

  /**
   * Sends a command with `retries` resends. Bad fields (a duty of 300) throw a ConfigError naming
   * the field at once, before anything is written.
   */
  request(command: RigCommand, retries: number, signal?: AbortSignal): Promise<void> {
    const id = this.allocateId();
    const line = formatCommand({ ...command, id } as HostCommand);
    const what = this.opts.commandName === "type" ? command.type : line.slice(0, line.indexOf("*"));
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError(what));
        return;
      }
      const onAbort = (): void => {
        const p = this.pending.get(id);
        if (p === undefined) return;
        this.settle(p);
        this.observer.onSettled?.(id, "cancelled", this.rttMs(p));
        reject(new AbortedError(what, { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const p: Pending = {
        id,
        line,
        what,
        firstAtMs: this.opts.scheduler.nowMs(),
        retries,
        attempts: 0,
        timer: null,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      this.pending.set(id, p);
      this.transmit(p);
    });
  }

  /** A SAFE line (without its `\n`) with a fresh id, for when no answer can be awaited: write it and forget it. */
  safeLine(): string {
    return formatCommand({ type: "SAFE", id: this.allocateId() });
  }

  /** An ACK (`nakReason` null) or NAK came for `id`. */
  answer(id: number, nakReason: string | null): void {
    const p = this.pending.get(id);
    if (p === undefined) {
      this.counts.stray++;
      return;
    }
    this.settle(p);
    if (nakReason === null) {
      this.counts.acks++;
      this.observer.onSettled?.(id, "ack", this.rttMs(p));
      p.resolve();
    } else {
      this.counts.naks++;
      this.observer.onSettled?.(id, "nak", this.rttMs(p), nakReason);
      p.reject(new NakError(id, nakReason, p.what));
    }
  }

  /**
   * Waits for HELLO (fed through {@link offerHello}); asks with INFO after `infoAfterMs` (0: at
   * once). Rejects with HandshakeTimeoutError naming `where` after `timeoutMs`, with AbortedError
   * on `signal`, or with what {@link failHandshake} is given. The HELLO's version is the caller's
   * to check.
   */
  awaitHello(
    where: string,
    infoAfterMs: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<HelloMessage> {
    const s = this.opts.scheduler;
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void): void => {
        if (done) return;
        done = true;
        this.helloWaiter = null;
        this.handshakeFail = null;
        s.clearTimer(infoTimer);
        s.clearTimer(giveUp);
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = (): void => finish(() => reject(new AbortedError(`handshake on ${where}`)));
      this.helloWaiter = (h) => finish(() => resolve(h));
      this.handshakeFail = (e) => finish(() => reject(e));
      const ask = (): void => {
        infoTimer = s.setTimer(ask, this.opts.ackTimeoutMs);
        this.request({ type: "INFO" }, 0, signal).catch(() => {
          // The give-up timer reports the failure.
        });
      };
      let infoTimer = s.setTimer(ask, infoAfterMs);
      const giveUp = s.setTimer(
        () => finish(() => reject(new HandshakeTimeoutError(where, timeoutMs))),
        timeoutMs,
      );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** A HELLO came: true when a handshake was waiting for it (and now has it). */
  offerHello(hello: HelloMessage): boolean {
    if (this.helloWaiter === null) return false;
    this.helloWaiter(hello);
    return true;
  }

  /** Fails the handshake in progress, if any (the port closed under it). */
  failHandshake(e: Error): void {
    this.handshakeFail?.(e);
  }

  /** Starts (or restarts) the PING heartbeat; one attempt each, the next PING follows soon anyway. */
  startHeartbeat(): void {
    this.stopHeartbeat();
    const periodMs = this.opts.pingIntervalMs;
    if (periodMs <= 0) return;
    const s = this.opts.scheduler;
    const tick = (): void => {
      this.pingTimer = s.setTimer(tick, periodMs);
      this.request({ type: "PING" }, 0).catch(() => {
        // A lost PING is counted as a timeout.
      });
    };
    this.pingTimer = s.setTimer(tick, periodMs);
  }

  stopHeartbeat(): void {
    if (this.pingTimer !== null) this.opts.scheduler.clearTimer(this.pingTimer);
    this.pingTimer = null;
  }

  /** Fails every command in flight with `error(what, id)`; the observer sees them cancelled for `why`. */
  cancelAll(why: string, error: (what: string, id: number) => Error): void {
    for (const p of [...this.pending.values()]) {
      this.settle(p);
      this.observer.onSettled?.(p.id, "cancelled", this.rttMs(p), why);
      p.reject(error(p.what, p.id));
    }
  }

  private allocateId(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
    throw new RangeError("65535 commands in flight");
  }

  private transmit(p: Pending): void {
    p.attempts++;
    if (p.attempts > 1) this.counts.retries++;
    else this.counts.sent++;
    this.opts.write(p.line);
    this.observer.onTransmit?.(p.id, p.line, p.attempts);
    p.timer = this.opts.scheduler.setTimer(() => this.onAckTimeout(p), this.opts.ackTimeoutMs);
  }

  private onAckTimeout(p: Pending): void {
    p.timer = null;
    if (this.pending.get(p.id) !== p) return;
    if (p.attempts <= p.retries) {
      this.transmit(p);
      return;
    }
    this.counts.timeouts++;
    this.settle(p);
    this.observer.onSettled?.(p.id, "timeout", this.rttMs(p));
    p.reject(new CommandTimeoutError(p.id, p.what, p.attempts, this.opts.ackTimeoutMs));
  }

  private settle(p: Pending): void {
    this.pending.delete(p.id);
    if (p.timer !== null) this.opts.scheduler.clearTimer(p.timer);
    p.timer = null;
    p.cleanup();
  }

  private rttMs(p: Pending): number {
    return this.opts.scheduler.nowMs() - p.firstAtMs;
  }
}
