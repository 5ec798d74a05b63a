/**
 * Runs the dashboard until the operator quits or the process is told to stop, and leaves the rig
 * safe whatever the way out: `q`, Ctrl-C, SIGINT, SIGTERM, SIGHUP (the SSH session dropped) or an
 * uncaught error all go through one shutdown: SAFE to the rig, labels ended, recording flushed and
 * closed, source closed, terminal restored. Resolves with the exit code and the message to print;
 * exiting the process is the CLI's job.
 */
import type { Readable, Writable } from "node:stream";
import type { ShutdownReport } from "../session/shutdownReport.js";
import type { WatchedSession } from "../session/watchedSession.js";
import { DashboardScreen } from "./screen.js";
import type { DashboardViewModel } from "./viewModel.js";

/** The process-like object signals and uncaught errors come from (tests pass an EventEmitter). */
export interface SignalSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface RunDashboardOptions {
  /** A local session, or a remote rig watched through the broker. */
  readonly session: WatchedSession;
  readonly viewModel: DashboardViewModel;
  readonly signals: SignalSource;
  readonly input?: Readable;
  readonly output?: Writable;
  readonly terminal?: string;
  readonly color?: boolean;
  readonly maxFps?: number;
  /** Called with the screen once it is up (the bench counts frames). */
  readonly onScreen?: (screen: DashboardScreen) => void;
}

export interface DashboardExit {
  readonly code: number;
  /** One line for stderr after the terminal is restored. */
  readonly message: string;
  readonly report: ShutdownReport;
}

const STOP_SIGNALS = ["SIGHUP", "SIGTERM", "SIGINT"] as const;

export async function runDashboard(options: RunDashboardOptions): Promise<DashboardExit> {
  const { session, signals } = options;
  let screen: DashboardScreen | null = null;
  let finish: (reason: string, failed: boolean) => void = () => {};
  const done = new Promise<DashboardExit>((resolve) => {
    let started = false;
    finish = (reason, failed) => {
      if (started) return;
      started = true;
      screen?.showMessage(`stopping (${reason}): sending SAFE, closing the recording...`);
      void session.shutdown(reason).then((report) => {
        screen?.destroy();
        for (const [event, fn] of handlers) signals.off(event, fn);
        resolve({ code: failed ? 1 : 0, message: session.exitMessage(report, "looptwin dashboard"), report });
      });
    };
  });
  const handlers: [string, (...args: unknown[]) => void][] = [];
  for (const sig of STOP_SIGNALS) handlers.push([sig, () => finish(sig, false)]);
  const onError = (e: unknown): void => finish(`error: ${e instanceof Error ? e.message : String(e)}`, true);
  handlers.push(["uncaughtException", onError], ["unhandledRejection", onError]);
  for (const [event, fn] of handlers) signals.on(event, fn);

  // The terminal may vanish under us (SIGHUP): writing to it must not crash the shutdown.
  options.output?.on("error", () => {});

  try {
    screen = new DashboardScreen({
      session,
      viewModel: options.viewModel,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.output !== undefined ? { output: options.output } : {}),
      ...(options.terminal !== undefined ? { terminal: options.terminal } : {}),
      ...(options.color !== undefined ? { color: options.color } : {}),
      ...(options.maxFps !== undefined ? { maxFps: options.maxFps } : {}),
      onQuit: (reason) => finish(reason, false),
    });
    options.onScreen?.(screen);
    await session.start();
    screen.start();
  } catch (e) {
    onError(e);
  }
  return done;
}
