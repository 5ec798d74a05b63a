/**
 * Watches a serial port's path for the device coming back, as an unplug and replug does it: the
 * node disappears, and a new one appears under the same name (a USB adapter re-enumerated as
 * `/dev/ttyACM0`, an emulator's symlink such as `/tmp/ttyLOOP0` replaced to point at a new
 * pseudo-terminal). Reconnecting on that change instead of backing off blind brings the link back
 * as soon as the device is there (docs/design.md 3, the rig layer).
 *
 * Two triggers, because neither is enough alone: `fs.watch` on the directory reports a replaced
 * symlink at once, but inotify does not see nodes coming and going in devtmpfs or devpts on every
 * kernel; a poll of the path every `pollMs` catches those. The identity compared is the symlink's
 * own inode (a replaced link is a new inode) plus the inode, device number and change time of
 * what it leads to (a pseudo-terminal number reused by the kernel is still a new node).
 */
import { type FSWatcher, lstatSync, realpathSync, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { StaleLinkError } from "../source/rigErrors.js";

/** What a reconnect loop needs to know about the port's path. */
export interface PathWatcher {
  /** Identity of the node the path leads to now; null when it leads nowhere (unplugged). */
  identity(): string | null;
  /**
   * Calls `onChange` whenever the identity differs from `since` (and then from the last one seen);
   * returns the function that stops watching.
   */
  watch(since: string | null, onChange: () => void): () => void;
}

export interface FsPathWatcherOptions {
  /** Poll period of the path [wall ms]. @default 50 */
  readonly pollMs?: number;
}

/**
 * The identity of what `path` leads to, or null when it leads nowhere: it does not exist, is a
 * dangling link, or is a stale link to a pseudo-terminal ({@link staleTerminalLink}).
 */
export function pathIdentity(path: string, staleMarginNs = STALE_LINK_MARGIN_NS): string | null {
  try {
    const link = lstatSync(path, { bigint: true });
    const node = statSync(path, { bigint: true });
    if (isStale(link.isSymbolicLink(), link.ctimeNs, node.ctimeNs, path, staleMarginNs)) return null;
    return `${link.ino}/${node.dev}:${node.ino}:${node.rdev}:${node.ctimeNs}`;
  } catch {
    return null;
  }
}

/**
 * A pseudo-terminal made this long after the link to it [ns] is not the one the link was made
 * for. (Two seconds covers file systems that keep times in whole or even seconds.)
 */
export const STALE_LINK_MARGIN_NS = 2_000_000_000n;

/**
 * The terminal `path` links to when the link is stale (the terminal changed more than `marginNs`
 * after the link was made), else null. An emulator links to its pseudo-terminal after the
 * terminal exists; killed with SIGKILL it leaves the link behind, and the kernel gives the
 * terminal's number to the next one opened: another emulator, or someone's SSH session. Such a
 * link is older than the terminal it leads to, and opening it would talk to whatever now holds
 * that number (docs/design.md 3, the rig layer). Only links to /dev/pts/* are judged: a USB
 * port's node is made anew at every replug, and a link to it stays good.
 */
export function staleTerminalLink(path: string, marginNs = STALE_LINK_MARGIN_NS): string | null {
  try {
    const link = lstatSync(path, { bigint: true });
    if (!link.isSymbolicLink()) return null;
    const node = statSync(path, { bigint: true });
    return isStale(true, link.ctimeNs, node.ctimeNs, path, marginNs) ? realpathSync(path) : null;
  } catch {
    return null;
  }
}

/** Throws a StaleLinkError when `path` is a stale link (before a port is opened on it). */
export function refuseStaleLink(path: string): void {
  const terminal = staleTerminalLink(path);
  if (terminal !== null) throw new StaleLinkError(path, terminal);
}

function isStale(
  symbolic: boolean,
  linkCtimeNs: bigint,
  nodeCtimeNs: bigint,
  path: string,
  marginNs: bigint,
): boolean {
  return symbolic && nodeCtimeNs - linkCtimeNs > marginNs && isPseudoTerminal(path);
}

/**
 * Whether `path` is (or links to) a pseudo-terminal: an emulator, which does not reset when the
 * port opens (a board on USB does, and its boot output is what a host waits for first).
 */
export function isPseudoTerminal(path: string): boolean {
  try {
    return realpathSync(path).startsWith("/dev/pts/");
  } catch {
    return false;
  }
}

/** A {@link PathWatcher} on the file system, for a real port path or an emulator's link. */
export function fsPathWatcher(path: string, options: FsPathWatcherOptions = {}): PathWatcher {
  const pollMs = options.pollMs ?? 50;
  return {
    identity: () => pathIdentity(path),
    watch: (since, onChange) => {
      let last = since;
      let stopped = false;
      const check = (): void => {
        if (stopped) return;
        const now = pathIdentity(path);
        if (now === last) return;
        last = now;
        onChange();
      };
      const name = basename(path);
      let dirWatcher: FSWatcher | null = null;
      try {
        dirWatcher = watch(dirname(path), { persistent: false }, (_event, file) => {
          if (file === null || file === name) check();
        });
        dirWatcher.on("error", () => {
          // The directory went away or cannot be watched: the poll still runs.
        });
      } catch {
        // Not watchable (permissions, a file system without inotify): the poll alone.
      }
      const poll = setInterval(check, pollMs);
      poll.unref();
      queueMicrotask(check);
      return () => {
        stopped = true;
        clearInterval(poll);
        dirWatcher?.close();
      };
    },
  };
}
