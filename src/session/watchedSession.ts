/**
 * What a screen reads of a session, and what it may ask of it. A {@link WatchedSession} is a
 * local {@link LiveSession} (its own rig, emulator or replay) or a remote rig seen through an MQTT
 * broker (src/fleet/remoteSession.ts); the terminal dashboard shows either with the same six
 * panels. Control ({@link SessionControl}) is separate: a remote rig has none (docs/mqtt.md: no
 * remote control over MQTT), so a screen can tell "read-only" from the type, not from a flag.
 */
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import type { LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import type { LoopPerformanceFigures, OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { InjectionRequest } from "./injection.js";
import type { DutyChannel } from "./injector.js";
import type { InjectionInForce, SessionObserver, SessionStatus } from "./sessionObserver.js";
import type { ShutdownReport } from "./shutdownReport.js";
import type { MonitorTuning } from "./tuning.js";

export interface WatchedSession {
  /** Adds an observer (told the setpoints at once); returns the unsubscribe function. */
  subscribe(observer: SessionObserver): () => void;
  /** Open alarms, newest first. */
  openAlarms(): readonly AlarmState[];
  /** The loop figures now. */
  performance(): LoopPerformanceFigures;
  /** Source and link facts now. */
  status(): SessionStatus;
  /** Injections in force, oldest first. */
  activeInjections(): readonly InjectionInForce[];
  /** The operator's setpoints (NaN duties: unknown). */
  readonly setpoints: OperatorSetpoints;
  /** Rig time of the latest sample [s] (0 before the first). */
  readonly latestTimeS: number;
  /** What the screen may ask of the session; null when it is only watched (a remote rig). */
  readonly control: SessionControl | null;
  /** Starts listening (a local session also sends the operator's setpoints). */
  start(): Promise<void>;
  /** Stops; a local session leaves its rig SAFE first. Idempotent; never rejects. */
  shutdown(reason: string): Promise<ShutdownReport>;
  /** The line `command` prints on exit about `report`. */
  exitMessage(report: ShutdownReport, command: string): string;
  /**
   * A remote session's feed: the broker's state and how fresh the data is (STALE), shown last on
   * the status line. Absent for a local session.
   */
  describeFeed?(): string;
  /**
   * The learned detector's state (`--learned`, `--learn-first`): learning, or its score against
   * its threshold; null or absent when none runs (a remote rig does not publish it).
   */
  learnedStatus?(): LearnedStatus | null;
}

/** The operator's actions on a local session (keys, HTTP requests). */
export interface SessionControl {
  /** The rig is the emulator: EMU faults are offered. */
  readonly isEmulator: boolean;
  /** A replay: setpoints and injections are refused (acknowledge, record and tune are not). */
  readonly isReadOnly: boolean;
  /** Dead-man hold of a physical injection [ms]. */
  readonly deadmanMs: number;
  /** The twin's parameters and detector thresholds in force. */
  readonly tuning: MonitorTuning;
  setSetpoint(channel: DutyChannel, duty: number): Promise<boolean>;
  inject(req: InjectionRequest): Promise<InjectionInForce | null>;
  endInjections(): Promise<boolean>;
  acknowledge(cause?: string): AlarmEvent | undefined;
  toggleRecording(path?: string): string;
  applyTuning(text: string): MonitorTuning;
}
