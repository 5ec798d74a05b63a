/**
 * The live stream's contract (`/ws` of `looptwin serve` and `dashboard --serve`; docs/web.md
 * "The stream"): JSON text frames, each one message, a discriminated union on `type`. The page
 * (web/) and any other client read these types; the server (liveStream.ts) writes them.
 *
 * Versioning: {@link LIVE_PROTOCOL_VERSION} is in `hello`. A new message type or a new field is
 * a minor change a client ignores when it does not know it; a renamed or removed field raises
 * the version. Numbers carry their unit in the field name; a value that was not measured (an
 * open thermistor, no flow estimate yet) is `null`, as JSON cannot carry NaN.
 *
 * Types only, and constants: no I/O, so the page can import it.
 */

/** Version of this contract, sent in `hello`. */
export const LIVE_PROTOCOL_VERSION = 1;

/** The columns of a `samples` batch, in order (one array each, same length). */
export const SAMPLE_COLUMNS = [
  /** Rig time [s]. */
  "t_s",
  /** Measured heater-outlet and radiator-outlet temperatures [C]. */
  "t_hot_c",
  "t_cold_c",
  /** The twin's prediction of both [C]. */
  "twin_t_hot_c",
  "twin_t_cold_c",
  /** Measured flow and the twin's expectation from the pump curve [L/min]. */
  "flow_lpm",
  "twin_flow_lpm",
  /** Residuals (measured minus twin) divided by their alarm band: |x| >= 1 is outside the band. */
  "res_t_hot_n",
  "res_t_cold_n",
  "res_flow_n",
  /** Combined anomaly score (>= 1: alarm level). */
  "score",
  /** The operator's setpoints (what the twin is driven with), 0-255; null in a replay. */
  "pump_set",
  "heater_set",
  "fan_set",
  /** The duties the device applies now (TLM), 0-255. */
  "pump_duty",
  "heater_duty",
  "fan_duty",
] as const;

export type SampleColumn = (typeof SAMPLE_COLUMNS)[number];

/** Link states as the rig source reports them. */
export type LiveLinkState = "CONNECTED" | "RECONNECTING" | "DISCONNECTED" | "REPLAY";

/** What `hello` says about the rig and the twin. */
export interface LiveRig {
  /** Port path, `emulator`, or the replayed file. */
  readonly source: string;
  /** The source is the in-process emulator: emulator faults (`EMU`) can be injected. */
  readonly emulator: boolean;
  /** A replay: nothing can be sent to the device. */
  readonly read_only: boolean;
  /** `<fw_name> <fw_version>` from the device's HELLO, "" before it. */
  readonly firmware: string;
  /** The twin's loop parameters (names as `--set` takes them, SI units, temperatures in C). */
  readonly parameters: Readonly<Record<string, number>>;
  /** The rig config in force (`--config`/`--set`, or the replayed recording's), null if none. */
  readonly config: unknown;
}

/** Alarm bands the residual columns were divided by (at the latest sample). */
export interface LiveBands {
  readonly t_hot_k: number | null;
  readonly t_cold_k: number | null;
  readonly flow_lpm: number | null;
}

/** An open alarm. */
export interface LiveAlarm {
  readonly alarm_id: number;
  /** Residual family that raised it (`flow`, `t_hot`, ...). */
  readonly cause: string;
  readonly severity: "warning" | "critical";
  readonly diagnosis: string;
  readonly evidence: readonly string[];
  readonly raised_at_s: number;
  readonly acknowledged: boolean;
  /** False once the condition is gone (a latched alarm waiting for its acknowledgement). */
  readonly condition_active: boolean;
  readonly level: number;
}

/** An injected fault in force. */
export interface LiveFault {
  /** Identifies it (the `id` of `POST /api/inject`'s answer). */
  readonly id: number;
  /** Its ground-truth label, a fault spec (`pump_failure`, `hx_fouling:severity=0.5`, ...). */
  readonly label: string;
  readonly start_s: number;
  /** Planned end in rig time [s]; null until ended by hand. */
  readonly end_s: number | null;
}

/** Loop-performance figures (null: not estimable yet). */
export interface LivePerformance {
  readonly heat_delivered_w: number | null;
  readonly heat_rejected_w: number | null;
  readonly hx_effectiveness: number | null;
  readonly thermal_resistance_k_per_w: number | null;
  readonly time_constant_s: number | null;
  readonly stability: "settling" | "steady" | "drifting" | "oscillating";
  readonly rmse_t_hot_k: number | null;
  readonly rmse_t_cold_k: number | null;
  readonly rmse_flow_lpm: number | null;
}

/**
 * The learned detector beside the twin (`--learned`, `--learn-first`): learning its first
 * seconds, scoring (`score` divided by its threshold: > 1 is above it; null while the twin
 * aligns), or off because learning failed.
 */
export type LiveLearned =
  | { readonly state: "learning"; readonly learned_s: number; readonly span_s: number }
  | { readonly state: "scoring"; readonly score: number | null; readonly alarm: boolean }
  | { readonly state: "failed"; readonly reason: string };

/** Source, link, firmware, recording and rig time. */
export interface LiveStatus {
  readonly source: string;
  readonly link: LiveLinkState;
  readonly firmware: string;
  /** Path of the open recording, null when not recording. */
  readonly recording: string | null;
  /** Rig time of the latest sample [s]. */
  readonly rig_time_s: number;
  readonly crc_errors: number;
  readonly lost_samples: number;
  readonly reconnects: number;
  readonly malformed: number;
  /** Viewers connected now. */
  readonly viewers: number;
  /** Why the twin follows the applied duties instead of the setpoints ("" when it does not). */
  readonly override: string;
  /** The learned detector's state; null when none runs (added in version 1: absent from older servers). */
  readonly learned?: LiveLearned | null;
}

/** Server -> client. */
export type LiveServerMessage =
  /** First message on every connection. */
  | {
      readonly type: "hello";
      readonly version: typeof LIVE_PROTOCOL_VERSION;
      /** This connection; an injection made with it (`POST /api/inject`) ends when it closes. */
      readonly connection_id: string;
      /** The server accepts control (`--allow-control`); a bearer token is still needed. */
      readonly control: boolean;
      readonly rig: LiveRig;
      readonly bands: LiveBands;
      /** The columns every `samples` message carries. */
      readonly columns: readonly SampleColumn[];
      /** Samples per second the rig sends (measured), 0 before any. */
      readonly rate_hz: number;
    }
  /**
   * A batch of samples as columns (at most about 10 a second), one array per column, all the
   * same length. `decimation` > 1: only every n-th sample was kept (a fast replay). A new viewer
   * gets the last minute of batches right after `hello`.
   */
  | {
      readonly type: "samples";
      readonly columns: Readonly<Record<SampleColumn, readonly (number | null)[]>>;
      readonly decimation: number;
      readonly bands: LiveBands;
    }
  /** An alarm transition, as it happens. */
  | {
      readonly type: "alarm";
      readonly event: "raised" | "escalated" | "rediagnosed" | "acknowledged" | "cleared";
      readonly alarm_id: number;
      readonly t_s: number;
      readonly cause: string;
      readonly severity: "warning" | "critical";
      readonly diagnosis: string;
      readonly evidence: readonly string[];
    }
  /** The open alarms, newest first (after every transition and once a second). */
  | { readonly type: "alarms"; readonly open: readonly LiveAlarm[] }
  /** Loop figures, once a second. */
  | { readonly type: "performance"; readonly t_s: number; readonly figures: LivePerformance }
  /** On a change and once a second. */
  | { readonly type: "status"; readonly status: LiveStatus }
  /** An injection started or ended (a marker on the charts). */
  | { readonly type: "label"; readonly t_s: number; readonly action: "start" | "end"; readonly fault: string }
  /** The injections in force, after every change. */
  | { readonly type: "faults"; readonly active: readonly LiveFault[] }
  /** The operator's setpoints changed (null duties: unknown, a replay). */
  | {
      readonly type: "setpoints";
      readonly pump_duty: number | null;
      readonly heater_duty: number | null;
      readonly fan_duty: number | null;
    }
  /** A one-line message for the operator; "" withdraws the previous one. */
  | { readonly type: "notice"; readonly text: string; readonly level: "info" | "error" }
  /** The session is ending (the server shuts down); the socket closes after it. */
  | { readonly type: "bye"; readonly reason: string };

export type LiveServerMessageType = LiveServerMessage["type"];

/**
 * Client -> server: nothing is required. `ping` is answered by nothing but keeps proxies from
 * closing an idle socket; anything else is ignored (control goes over HTTP, docs/web.md).
 */
export type LiveClientMessage = { readonly type: "ping" };
