/** What a session's shutdown did, and the one line a command prints about it on exit. */

export interface ShutdownReport {
  readonly reason: string;
  /** SAFE acknowledged by the device. */
  readonly safeAcknowledged: boolean;
  /** Why SAFE was not acknowledged (empty when it was, or for a replay). */
  readonly safeProblem: string;
  /** The recording closed, if one was open. */
  readonly recordingPath: string | null;
}

/** The exit message of `command`: why it stopped, whether the rig is safe, where the recording is. */
export function describeShutdown(r: ShutdownReport, readOnly: boolean, command: string): string {
  const safe = readOnly
    ? "replay: nothing sent"
    : r.safeAcknowledged
      ? "rig left SAFE (SAFE acknowledged)"
      : `SAFE NOT acknowledged (${r.safeProblem}); the device goes SAFE by itself 3 s after the last heartbeat`;
  const rec = r.recordingPath === null ? "no recording" : `recording closed: ${r.recordingPath}`;
  return `${command}: stopped by ${r.reason}; ${safe}; ${rec}`;
}
