/**
 * A pseudo-terminal for the emulator, with a stable symlink (e.g. `/tmp/ttyLOOP0 ->
 * /dev/pts/3`) that serialport, `looptwin dashboard --port`, picocom or screen can open.
 *
 * Backends: `node-pty` (its native `openpty(3)`, built with the machine's g++ at install) or
 * `socat` when installed (`socat pty,raw,echo=0,link=PATH STDIO`). The emulator holds the master;
 * with node-pty it also keeps the slave open (never reading it), so the pty survives clients
 * opening and closing it. The terminal is put in raw mode (no echo, no line editing, no CR/LF
 * translation) before anyone else opens it.
 *
 * Output is flow-controlled by the kernel: when the client does not read, writes would block;
 * the link then queues up to `maxQueuedBytes` and drops beyond that (counted), as a serial line
 * with nobody listening loses bytes.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  lstatSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  write,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ReadStream } from "node:tty";
import { ConfigError, OperationalError } from "../../core/errors.js";

export type PtyBackend = "node-pty" | "socat";

export interface PtyLinkOptions {
  /** Symlink to create (replaced if it is a stale link). */
  readonly linkPath: string;
  /** @default "auto": node-pty, else socat */
  readonly backend?: PtyBackend | "auto";
  /** Output queued while the client is not reading, at most [bytes]. @default 1 MiB */
  readonly maxQueuedBytes?: number;
}

export interface PtyLink {
  readonly backend: PtyBackend;
  readonly linkPath: string;
  /** The pseudo-terminal's own path, e.g. `/dev/pts/3`. */
  readonly ptsPath: string;
  /** Sends bytes to whoever has the terminal open. */
  write(chunk: Buffer): void;
  /** Bytes from the client. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Resolves when everything written so far has reached the kernel (or was dropped). */
  drained(): Promise<void>;
  /** Bytes dropped because the client was not reading. */
  readonly droppedBytes: number;
  /** Closes the terminal and removes the symlink (only if it still points at this terminal). */
  close(): void;
}

/** Throws unless `linkPath` is free or a symlink (which may be replaced). */
function refuseNonSymlink(linkPath: string): void {
  try {
    const st = lstatSync(linkPath);
    if (!st.isSymbolicLink()) {
      throw new ConfigError("--link", linkPath, "exists and is not a symlink: refusing to replace it");
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
  }
}

/** Makes `target` as a symlink under a private name beside `linkPath`; returns that name. */
function symlinkBeside(linkPath: string, target: string): string {
  const tmp = join(dirname(linkPath), `.${process.pid}.${Date.now()}.looptwin-link`);
  try {
    symlinkSync(target, tmp);
  } catch (e) {
    throw new ConfigError("--link", linkPath, `cannot create the link (${(e as Error).message})`, {
      cause: e,
    });
  }
  return tmp;
}

/** Creates `linkPath -> target` atomically, replacing a stale symlink; refuses to replace a file. */
export function placeSymlink(linkPath: string, target: string): void {
  refuseNonSymlink(linkPath);
  const tmp = symlinkBeside(linkPath, target);
  try {
    renameSync(tmp, linkPath);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ConfigError("--link", linkPath, `cannot create the link (${(e as Error).message})`, {
      cause: e,
    });
  }
}

/**
 * Readies `linkPath` for a link another program makes: checks it as placeSymlink does, proves the
 * folder takes a link under a private name, and removes a stale link. Nothing is ever placed at
 * `linkPath` itself: a client watching it would open the placeholder (seen as "No such file or
 * directory" when the placeholder went before the client's open).
 */
function clearLinkPath(linkPath: string): void {
  refuseNonSymlink(linkPath);
  unlinkSync(symlinkBeside(linkPath, "/dev/null"));
  try {
    unlinkSync(linkPath);
  } catch {
    // Nothing was there.
  }
}

function removeOwnSymlink(linkPath: string, target: string): void {
  try {
    if (readlinkSync(linkPath) === target) unlinkSync(linkPath);
  } catch {
    // Already gone, or taken over by another emulator.
  }
}

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

function loadNodePty(): NativePty {
  const require = createRequire(import.meta.url);
  const utils = require("node-pty/lib/utils.js") as { loadNativeModule(name: string): { module: NativePty } };
  return utils.loadNativeModule("pty").module;
}

/** Raw mode on the terminal: what serialport sets too, done before any client opens it. */
function makeRaw(ptsPath: string): void {
  execFileSync("stty", ["-F", ptsPath, "raw", "-echo", "-echoe", "-echok", "-echoctl", "-echoke"], {
    stdio: "ignore",
  });
}

/** Writes to a non-blocking fd, retrying on EAGAIN, bounded. */
class FdWriter {
  private readonly fd: number;
  private readonly maxQueued: number;
  private queue: Buffer[] = [];
  private queued = 0;
  private busy = false;
  private closed = false;
  private waiters: (() => void)[] = [];
  dropped = 0;

  constructor(fd: number, maxQueued: number) {
    this.fd = fd;
    this.maxQueued = maxQueued;
  }

  write(chunk: Buffer): void {
    if (this.closed) return;
    if (this.queued + chunk.length > this.maxQueued) {
      this.dropped += chunk.length;
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.busy) this.pump();
  }

  drained(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.release();
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private pump(): void {
    const chunk = this.queue[0];
    if (chunk === undefined || this.closed) {
      this.busy = false;
      this.release();
      return;
    }
    this.busy = true;
    write(this.fd, chunk, 0, chunk.length, null, (err, n) => {
      if (this.closed) return;
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") {
          setTimeout(() => this.pump(), 1);
          return;
        }
        // EIO and the like: the terminal is gone; drop what is queued.
        this.dropped += this.queued;
        this.queue = [];
        this.queued = 0;
        this.busy = false;
        this.release();
        return;
      }
      this.queued -= n;
      if (n < chunk.length) this.queue[0] = chunk.subarray(n);
      else this.queue.shift();
      this.pump();
    });
  }
}

function openNodePty(linkPath: string, maxQueued: number): PtyLink {
  const native = loadNodePty();
  const t = native.open(80, 24);
  makeRaw(t.pty);
  placeSymlink(linkPath, t.pty);
  const reader = new ReadStream(t.master);
  const writer = new FdWriter(t.master, maxQueued);
  const listeners: ((chunk: Buffer) => void)[] = [];
  reader.on("data", (chunk: Buffer | string) => {
    const b = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
    for (const l of listeners) l(b);
  });
  reader.on("error", () => {
    // EIO when no client has the slave open on some kernels; the link stays.
  });
  let closed = false;
  return {
    backend: "node-pty",
    linkPath,
    ptsPath: t.pty,
    write: (chunk) => writer.write(chunk),
    onData: (l) => listeners.push(l),
    drained: () => writer.drained(),
    get droppedBytes() {
      return writer.dropped;
    },
    close: () => {
      if (closed) return;
      closed = true;
      writer.close();
      removeOwnSymlink(linkPath, t.pty);
      reader.destroy();
      try {
        closeSync(t.slave);
      } catch {
        // already closed
      }
    },
  };
}

async function openSocat(linkPath: string, maxQueued: number): Promise<PtyLink> {
  clearLinkPath(linkPath);
  const child: ChildProcess = spawn(
    "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${linkPath},ignoreeof`, "STDIO"],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  // socat announces the terminal ("PTY is /dev/pts/N") before it makes the symlink; it starts its
  // transfer loop only once both ends are open, so the link exists from that line on.
  const ptsPath = await new Promise<string>((resolve, reject) => {
    let err = "";
    const onErr = (chunk: Buffer): void => {
      err += chunk.toString();
      const m = /PTY is (\S+)/.exec(err);
      if (m?.[1] !== undefined && err.includes("starting data transfer loop")) {
        child.stderr?.off("data", onErr);
        resolve(m[1]);
      }
    };
    child.stderr?.on("data", onErr);
    child.once("error", (e) => reject(new OperationalError(`socat: ${e.message}`, {}, { cause: e })));
    // "close", not "exit": it comes after socat's stderr has been read to its end, so the message
    // carries socat's own reason ("exit" can come first, with the reason still in the pipe).
    child.once("close", (code) => reject(new OperationalError(`socat exited (${code}): ${err.trim()}`)));
  });
  child.stderr?.resume();
  const listeners: ((chunk: Buffer) => void)[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    for (const l of listeners) l(chunk);
  });
  let queued = 0;
  let dropped = 0;
  let closed = false;
  return {
    backend: "socat",
    linkPath,
    ptsPath,
    write: (chunk) => {
      if (closed) return;
      if (queued + chunk.length > maxQueued) {
        dropped += chunk.length;
        return;
      }
      queued += chunk.length;
      child.stdin?.write(chunk, () => {
        queued -= chunk.length;
      });
    },
    onData: (l) => listeners.push(l),
    drained: () =>
      queued === 0 || child.stdin === null
        ? Promise.resolve()
        : new Promise((r) => child.stdin?.once("drain", () => r())),
    get droppedBytes() {
      return dropped;
    },
    close: () => {
      if (closed) return;
      closed = true;
      child.kill("SIGTERM");
    },
  };
}

/** Whether `socat` is on the PATH. */
export function socatAvailable(): boolean {
  try {
    execFileSync("socat", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Opens a pseudo-terminal link with the requested (or the first working) backend. */
export async function openPtyLink(options: PtyLinkOptions): Promise<PtyLink> {
  const backend = options.backend ?? "auto";
  const maxQueued = options.maxQueuedBytes ?? 1024 * 1024;
  if (backend === "node-pty") return openNodePty(options.linkPath, maxQueued);
  if (backend === "socat") return openSocat(options.linkPath, maxQueued);
  let nodePtyError: unknown;
  try {
    return openNodePty(options.linkPath, maxQueued);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    nodePtyError = e;
  }
  if (socatAvailable()) return openSocat(options.linkPath, maxQueued);
  throw new OperationalError(
    `cannot create a pseudo-terminal: node-pty failed (${(nodePtyError as Error).message}) and socat is not installed`,
    {},
    { cause: nodePtyError },
  );
}
