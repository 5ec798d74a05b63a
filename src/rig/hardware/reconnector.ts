/**
 * Bringing a serial rig back after it disappeared (docs/design.md 3, the rig layer). The port's
 * path is watched ({@link PathWatcher}) and a new node under it is tried at once, as an unplug and
 * replug brings it back; besides that, retries with backoff from `minMs` doubling to `maxMs`, on
 * the same path, the last one used, or another port (`candidatePaths`) that may carry the same
 * unit. A path that failed is not tried again until it changes; one with another unit on it is
 * not opened again (a board resets when opened) until it changes. One loop at a time.
 */
import { AbortedError, WrongUnitError } from "../source/rigErrors.js";
import type { Scheduler } from "../source/scheduler.js";
import type { PathWatcher } from "./pathWatch.js";

/** What the loop drives: the source it reconnects. */
export interface ReconnectTarget {
  /** Opens `path` and handshakes; throws when it cannot; returns the uid replaced (`anyUnit`), else null. */
  connect(path: string, signal: AbortSignal): Promise<string | null>;
  /** `connect` succeeded on `path`: the link is back (or, when `signal` was aborted meanwhile, to be closed again). */
  reconnected(path: string, replaced: string | null, signal: AbortSignal): Promise<void>;
  /** Another unit answered on the rig's own path. */
  wrongUnit(e: WrongUnitError): void;
  /** The path of the last connection. */
  currentPath(): string;
  /** Whether the rig's unit is known (then other ports may be searched for it). */
  unitKnown(): boolean;
}

export interface ReconnectorOptions {
  /** The rig's own port path. */
  readonly path: string;
  /** Watches `path`; null retries on the backoff only. */
  readonly pathWatcher: PathWatcher | null;
  readonly scheduler: Scheduler;
  /** First retry delay when the path has not changed [ms]. */
  readonly minMs: number;
  /** Longest retry delay when the path has not changed [ms]. */
  readonly maxMs: number;
  /** Other ports to try for the same unit when the path is gone. */
  readonly candidatePaths: (() => Promise<readonly string[]>) | undefined;
}

export class Reconnector {
  private readonly opts: ReconnectorOptions;
  private readonly target: ReconnectTarget;
  private abort: AbortController | null = null;

  constructor(options: ReconnectorOptions, target: ReconnectTarget) {
    this.opts = options;
    this.target = target;
  }

  /** Starts the loop unless one runs; it ends when the link is back or on {@link stop}. */
  start(): void {
    void this.loop();
  }

  /** Stops the loop (a deliberate close). */
  stop(): void {
    this.abort?.abort();
    this.abort = null;
  }

  private async loop(): Promise<void> {
    if (this.abort !== null) return; // one loop at a time
    const abort = new AbortController();
    this.abort = abort;
    const signal = abort.signal;
    const watcher = this.opts.pathWatcher;
    const mainPath = this.opts.path;
    let delay = this.opts.minMs;
    /** Identity of the path at the last failed attempt on it: not tried again until it changes. */
    let failedIdentity: string | null = null;
    /** Identity of the path while another unit is on it: not opened again (a board resets). */
    let wrongUnitIdentity: string | null = null;
    try {
      while (!signal.aborted) {
        const identity = watcher === null ? null : watcher.identity();
        const fresh = identity !== null && identity !== failedIdentity && identity !== wrongUnitIdentity;
        if (!fresh) {
          const woke = await this.waitForPath(identity, delay, signal);
          if (woke === "path") continue;
          delay = Math.min(delay * 2, this.opts.maxMs);
        }
        const skipMain = identity !== null && identity === wrongUnitIdentity;
        for (const p of fresh ? [mainPath] : await this.paths(skipMain)) {
          if (signal.aborted) return;
          try {
            const replaced = await this.target.connect(p, signal);
            await this.target.reconnected(p, replaced, signal);
            return;
          } catch (e) {
            if (e instanceof WrongUnitError && p === mainPath) {
              // On the rig's own path: say so. On another candidate port: just not this rig.
              wrongUnitIdentity = identity;
              this.target.wrongUnit(e);
            }
            // Otherwise not there (yet): the next path, then wait for a change or the backoff.
          }
        }
        failedIdentity = identity;
      }
    } catch (e) {
      if (!(e instanceof AbortedError)) throw e;
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  /** The paths to try on a backoff retry: the port's, the last one used, other candidates. */
  private async paths(skipMain: boolean): Promise<string[]> {
    const main = this.opts.path;
    const paths = skipMain ? [] : [main];
    const current = this.target.currentPath();
    if (current !== main) paths.push(current);
    if (this.target.unitKnown() && this.opts.candidatePaths !== undefined) {
      try {
        for (const p of await this.opts.candidatePaths()) if (p !== main && !paths.includes(p)) paths.push(p);
      } catch {
        // Listing failed: try the known paths only.
      }
    }
    return paths;
  }

  /** Resolves "path" when the path changes from `since`, "timer" after `delayMs`; rejects on abort. */
  private waitForPath(since: string | null, delayMs: number, signal: AbortSignal): Promise<"path" | "timer"> {
    const s = this.opts.scheduler;
    const watcher = this.opts.pathWatcher;
    return new Promise((resolve, reject) => {
      let stopWatching = (): void => {};
      const finish = (woke: "path" | "timer" | null): void => {
        s.clearTimer(timer);
        stopWatching();
        signal.removeEventListener("abort", onAbort);
        if (woke === null) reject(new AbortedError("reconnect"));
        else resolve(woke);
      };
      const onAbort = (): void => finish(null);
      const timer = s.setTimer(() => finish("timer"), delayMs);
      if (signal.aborted) {
        finish(null);
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      if (watcher !== null) stopWatching = watcher.watch(since, () => finish("path"));
    });
  }
}
