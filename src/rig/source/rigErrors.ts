/**
 * The rig layer's operational errors (docs/design.md 8, rule 3), in one place: what can go wrong
 * talking to a device. Each carries its context as fields and, where there is one, the
 * underlying error as `cause` (the OS error of a failed open stays attached to its
 * LinkDownError). Callers branch with the type guards below, never on message text.
 */
import { OperationalError } from "../../core/errors.js";
import type { LinkState } from "./rigSource.js";

/** The device refused a command. */
export class NakError extends OperationalError {
  override readonly name = "NakError";
  readonly id: number;
  readonly reason: string;
  readonly command: string;
  constructor(id: number, reason: string, command: string) {
    super(`device refused ${command} (id ${id}): NAK ${reason}`, { id, reason, command });
    this.id = id;
    this.reason = reason;
    this.command = command;
  }
}

/** No ACK/NAK after every attempt. */
export class CommandTimeoutError extends OperationalError {
  override readonly name = "CommandTimeoutError";
  readonly id: number;
  readonly attempts: number;
  constructor(id: number, command: string, attempts: number, timeoutMs: number) {
    super(`no answer to ${command} (id ${id}) after ${attempts} attempts of ${timeoutMs} ms`, {
      id,
      command,
      attempts,
      timeoutMs,
    });
    this.id = id;
    this.attempts = attempts;
  }
}

/**
 * The link is not connected (reconnecting, closed), or went down while a command waited; `cause`
 * is the OS or port error behind it, when there is one.
 */
export class LinkDownError extends OperationalError {
  override readonly name = "LinkDownError";
  readonly state: LinkState;
  constructor(what: string, state: LinkState, options?: { cause?: unknown }) {
    super(`${what}: link is ${state}`, { state }, options);
    this.state = state;
  }
}

/**
 * Another unit (uid) answered on the port where this rig's unit was: a board swapped on the bench,
 * or another emulator on the link. Not the same rig, so its data must not join the recording.
 */
export class WrongUnitError extends OperationalError {
  override readonly name = "WrongUnitError";
  readonly path: string;
  readonly foundUid: string;
  readonly expectedUid: string;
  constructor(path: string, foundUid: string, expectedUid: string) {
    super(`unit ${foundUid} is on ${path} where ${expectedUid} was expected (--any-unit accepts it)`, {
      path,
      foundUid,
      expectedUid,
    });
    this.path = path;
    this.foundUid = foundUid;
    this.expectedUid = expectedUid;
  }
}

/**
 * The port's path is an emulator's link left behind: the pseudo-terminal it leads to was made
 * after it, so it belongs to another program now (pathWatch.ts, `staleTerminalLink`).
 */
export class StaleLinkError extends OperationalError {
  override readonly name = "StaleLinkError";
  constructor(path: string, terminal: string) {
    super(
      `${path} is a stale link: ${terminal} was made after it, so the emulator that made it has gone and the terminal is another program's (start the emulator again, or give the port itself)`,
      { path, terminal },
    );
  }
}

/** No HELLO within the handshake time, INFO included. */
export class HandshakeTimeoutError extends OperationalError {
  override readonly name = "HandshakeTimeoutError";
  /** `missing`: what did not come, with the likely cause (default: the looptwin firmware's HELLO). */
  constructor(
    path: string,
    waitedMs: number,
    missing = "no HELLO from the device within {ms} ms (is it running looptwin firmware at this baud rate?)",
  ) {
    super(`${path}: ${missing.replace("{ms}", String(waitedMs))}`, {
      path,
      waitedMs,
    });
  }
}

/** The wait was cut short by its AbortSignal; `cause` is the signal's reason. */
export class AbortedError extends OperationalError {
  override readonly name = "AbortedError";
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what}: aborted`, { what }, options);
  }
}

export function isNakError(e: unknown): e is NakError {
  return e instanceof NakError;
}

export function isCommandTimeoutError(e: unknown): e is CommandTimeoutError {
  return e instanceof CommandTimeoutError;
}

export function isLinkDownError(e: unknown): e is LinkDownError {
  return e instanceof LinkDownError;
}

export function isWrongUnitError(e: unknown): e is WrongUnitError {
  return e instanceof WrongUnitError;
}

export function isHandshakeTimeoutError(e: unknown): e is HandshakeTimeoutError {
  return e instanceof HandshakeTimeoutError;
}

export function isAbortedError(e: unknown): e is AbortedError {
  return e instanceof AbortedError;
}
