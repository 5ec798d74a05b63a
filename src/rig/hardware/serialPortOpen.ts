/**
 * Opening and closing one serial port for a {@link SerialSource}: serialport v13's
 * `SerialPortStream` on the OS binding (loaded on first use) or on any binding passed in (the
 * in-process emulator's mock), with a timeout and an AbortSignal on the open. A failed open is a
 * LinkDownError carrying the OS error as its `cause`.
 */
import { SerialPortStream } from "@serialport/stream";
import type { SerialBinding } from "../source/bindingTypes.js";
import { AbortedError, LinkDownError } from "../source/rigErrors.js";
import type { LinkState } from "../source/rigSource.js";
import type { Scheduler } from "../source/scheduler.js";
import { refuseStaleLink } from "./pathWatch.js";

export interface SerialPortOpenOptions {
  /** serialport binding; undefined: the OS binding (`serialport`'s autoDetect). */
  readonly binding: SerialBinding | undefined;
  readonly baudRate: number;
  /** Opening may take this long [ms]. */
  readonly openTimeoutMs: number;
  readonly scheduler: Scheduler;
  /** The link's state now, for the error of a failed open. */
  readonly linkState: () => LinkState;
}

/** What the port reports once open: its bytes, and its close (`err`: why, for a close not asked for). */
export interface SerialPortHandlers {
  readonly onData: (port: SerialPortStream, chunk: Buffer) => void;
  readonly onClose: (port: SerialPortStream, err: unknown) => void;
}

/** Creates the port object (loading the OS binding on first use: not part of the open timeout). */
async function createPort(path: string, o: SerialPortOpenOptions): Promise<SerialPortStream> {
  if (o.binding !== undefined) {
    return new SerialPortStream({ binding: o.binding, path, baudRate: o.baudRate, autoOpen: false });
  }
  refuseStaleLink(path);
  const { SerialPort } = await import("serialport");
  return new SerialPort({ path, baudRate: o.baudRate, autoOpen: false });
}

/**
 * Opens `path`; rejects with LinkDownError (no answer in time, or the OS said no), StaleLinkError
 * (an emulator's link left behind) or AbortedError.
 */
export async function openSerialPort(
  path: string,
  o: SerialPortOpenOptions,
  handlers: SerialPortHandlers,
  signal?: AbortSignal,
): Promise<SerialPortStream> {
  const port = await createPort(path, o);
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = o.scheduler.setTimer(() => {
      if (settled) return;
      settled = true;
      reject(new LinkDownError(`open ${path}: no answer within ${o.openTimeoutMs} ms`, o.linkState()));
    }, o.openTimeoutMs);
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      o.scheduler.clearTimer(timer);
      reject(new AbortedError(`open ${path}`, { cause: signal?.reason }));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    port.on("data", (chunk: Buffer) => handlers.onData(port, chunk));
    port.on("close", (err: unknown) => handlers.onClose(port, err));
    port.on("error", () => {
      // Errors of an open port end in 'close' with a disconnect error; nothing more to do.
    });
    port.open((err) => {
      signal?.removeEventListener("abort", onAbort);
      if (settled) {
        if (!err) port.close();
        return;
      }
      settled = true;
      o.scheduler.clearTimer(timer);
      if (err) reject(new LinkDownError(`open ${path}: ${err.message}`, o.linkState(), { cause: err }));
      else resolve(port);
    });
  });
}

/** Closes `port` if it is open; resolves once it is closed. */
export async function closeSerialPort(port: SerialPortStream | null): Promise<void> {
  if (port === null || !port.isOpen) return;
  await new Promise<void>((resolve) => {
    port.close(() => resolve());
  });
}
