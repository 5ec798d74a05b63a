/**
 * One connection to a StandardFirmata board: firmata.js on a serialport v13 port (or the IO
 * plugin given), the johnny-five board on it, and the handshake that waits for its version and
 * capability reports. johnny-five runs with `repl: false` and no SIGINT hook; its bundled
 * serialport 8 native bindings are never needed (package overrides map every `serialport` in the
 * tree to the project's v13).
 */
import { createRequire } from "node:module";
import { AbortedError, HandshakeTimeoutError, LinkDownError } from "../source/rigErrors.js";
import type { LinkState } from "../source/rigSource.js";
import type { Scheduler, TimerHandle } from "../source/scheduler.js";
import type { FirmataIo } from "./firmataPins.js";
import { isPseudoTerminal, refuseStaleLink } from "./pathWatch.js";

export interface JohnnyFiveBoard {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  io: FirmataIo;
}

/** johnny-five's Board constructor, and its cache of every board made (`Board.cache`). */
interface JohnnyFive {
  Board: (new (opts: Record<string, unknown>) => JohnnyFiveBoard) & { readonly cache: JohnnyFiveBoard[] };
}

/** The serial port of a connection, as the Firmata source uses it. */
export interface FirmataPort {
  close(cb?: (err?: Error | null) => void): void;
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer): unknown;
  on(event: "close", listener: (err: unknown) => void): unknown;
  readonly isOpen: boolean;
}

export interface FirmataBoardOptions {
  /** An IO plugin to use instead of opening the path (tests: mock-firmata). */
  readonly io?: FirmataIo;
  /** @default 57600 (StandardFirmata's) */
  readonly baudRate?: number;
  /** @default true, except on a pseudo-terminal (`/dev/pts/*`) */
  readonly resetsOnOpen?: boolean;
  /** Board must be ready within this [ms]. @default 10000 */
  readonly readyTimeoutMs?: number;
}

export interface FirmataBoardHooks {
  /** The board and port made, before the handshake: the caller's to close if it fails. */
  made(board: JohnnyFiveBoard, port: FirmataPort | null): void;
  /** The port closed after the handshake (the link lost, or a close of the caller's). */
  portClosed(port: FirmataPort, err: unknown): void;
  /** The link's state, for the error of a port closed during the handshake. */
  linkState(): LinkState;
}

/** Until the board is ready, the version and firmware queries are sent again this often [ms]. */
const ASK_AGAIN_MS = 300;
/** Firmata's REPORT_VERSION, and the sysex REPORT_FIRMWARE query. */
const VERSION_AND_FIRMWARE_QUERIES = Buffer.from([0xf9, 0xf0, 0x79, 0xf7]);

/**
 * Makes firmata.js and the johnny-five board on `path` (or takes `options.io`) and waits for
 * ready; resolves with the connection's IO plugin. On failure the board and port handed to
 * `hooks.made` are left for the caller to drop.
 */
export async function connectFirmataBoard(
  path: string,
  options: FirmataBoardOptions,
  scheduler: Scheduler,
  hooks: FirmataBoardHooks,
  signal?: AbortSignal,
): Promise<FirmataIo> {
  const require = createRequire(import.meta.url);
  let io = options.io;
  let port: FirmataPort | null = null;
  let firstAskMs = 0;
  if (io === undefined) {
    refuseStaleLink(path);
    const { SerialPort } = await import("serialport");
    port = new SerialPort({ path, baudRate: options.baudRate ?? 57_600, autoOpen: false });
    const Firmata = require("firmata") as new (port: unknown, options: Record<string, unknown>) => FirmataIo;
    // firmata.js waits for the version report StandardFirmata sends at boot, and asks for it only
    // after `reportVersionTimeout` (5 s by default). A board that resets on open boots within
    // the bootloader's ~1.5 s; one that does not (a pseudo-terminal, a board whose DTR reset is
    // cut, a port reopened) sent its report long ago: ask at once. mock-firmata hid this: it
    // is ready as soon as it is made.
    const resets = options.resetsOnOpen ?? !isPseudoTerminal(path);
    // Both made before the port opens: firmata.js turns the port's "open" event into the
    // "connect" johnny-five waits for before "ready"; with the port opened first "ready" never
    // came (a real board showed it; mock-firmata emits "connect" itself).
    firstAskMs = resets ? 2000 : 50;
    io = new Firmata(port, { reportVersionTimeout: firstAskMs });
  }
  const five = require("johnny-five") as JohnnyFive;
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: timeoutMs });
  hooks.made(board, port);
  let portGone: ((e: Error) => void) | null = null;
  port?.on("close", (err: unknown) => {
    if (portGone !== null)
      portGone(new LinkDownError(`${path}: port closed during the handshake`, hooks.linkState()));
    else if (port !== null) hooks.portClosed(port, err);
  });
  const opening = port;
  if (opening !== null) await new Promise<void>((res, rej) => opening.open((e) => (e ? rej(e) : res())));
  const ready = io;
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      portGone = null;
      stopAsking();
      scheduler.clearTimer(timer);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = (): void => finish(() => reject(new AbortedError("firmata open")));
    const timer = scheduler.setTimer(
      () =>
        finish(() =>
          reject(
            new HandshakeTimeoutError(
              path,
              timeoutMs,
              `no Firmata version and capability reports within {ms} ms (is the board running StandardFirmata at ${options.baudRate ?? 57_600} baud?)`,
            ),
          ),
        ),
      timeoutMs,
    );
    portGone = (e) => finish(() => reject(e));
    // A query sent before the board listens (an emulator's link is there before its firmware
    // runs; a board still in its bootloader) is lost, and firmata.js asks only once: ask
    // again until the board is ready. Repeated reports are harmless (firmata.js takes the
    // first of each).
    const askAgain = (): void => {
      asking = scheduler.setTimer(askAgain, ASK_AGAIN_MS);
      // Written to the port itself: firmata.js's reportVersion() and queryFirmware() add a
      // listener per call.
      if (port?.isOpen) port.write(VERSION_AND_FIRMWARE_QUERIES);
    };
    let asking: TimerHandle | null =
      port === null ? null : scheduler.setTimer(askAgain, firstAskMs + ASK_AGAIN_MS);
    const stopAsking = (): void => {
      if (asking !== null) scheduler.clearTimer(asking);
      asking = null;
    };
    board.on("ready", () => finish(resolve));
    board.on("error", (e) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))));
    // firmata.js re-emits the port's errors (EIO on a pseudo-terminal whose far end is not
    // there yet): unheard, an 'error' event ends the process. During the handshake it fails
    // the attempt; later the port's close that follows is the link lost.
    ready.on("error", (e) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
  return ready;
}

/** Takes a connection's board out of johnny-five's cache of every board made (one per reconnect would pile up). */
export function forgetBoard(board: JohnnyFiveBoard): void {
  const require = createRequire(import.meta.url);
  const cache = (require("johnny-five") as JohnnyFive).Board.cache;
  const at = cache.indexOf(board);
  if (at >= 0) cache.splice(at, 1);
}
