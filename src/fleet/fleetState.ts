/**
 * What the fleet view knows about every rig on the broker, built from the messages it receives
 * (pure: the receive time is an argument). A malformed message or a topic that is not ours is
 * counted and skipped, never thrown.
 */
import { type DecodedAlarm, decodePayload } from "./payloadDecode.js";
import { parseTopic } from "./topics.js";

export interface RigRow {
  readonly name: string;
  /** null until a status message arrived. */
  online: boolean | null;
  command: string;
  source: string;
  link: string;
  firmware: string;
  uid: string;
  /** Why it went offline ("" while online). */
  reason: string;
  tHotC: number;
  tColdC: number;
  flowLpm: number;
  /** Open alarms, newest first. */
  alarms: readonly DecodedAlarm[];
  /** Receive time of its newest message [epoch ms]. */
  lastSeenMs: number;
  /** When it went offline [epoch ms] (its goodbye's time, or when its Last Will arrived); NaN while online. */
  offlineSinceMs: number;
  /** Messages its publisher's queue dropped (from its status). */
  droppedMessages: number;
  /** The newest HIL summary, e.g. `run 2026...: 18 passed, 0 failed, 0 errors, 0 skipped`. */
  hil: string;
}

/** What a message changed: `telemetry` (values only) or `state` (status, alarms, HIL). */
export type RigChange = { readonly rig: string; readonly what: "telemetry" | "state" };

const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

/** Highest open severity of a rig: 2 critical, 1 warning, 0 none. */
export function alarmRank(r: RigRow): number {
  let rank = 0;
  for (const a of r.alarms) rank = Math.max(rank, SEVERITY_RANK[a.severity]);
  return rank;
}

export class FleetState {
  readonly prefix: string;
  private readonly rigs = new Map<string, RigRow>();
  private malformedCount = 0;
  private lastProblemText = "";

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** Messages skipped because their topic or payload was not as documented. */
  get malformed(): number {
    return this.malformedCount;
  }

  /** The newest of those problems, e.g. `looptwin/v1/b1/status: online: expected true or false`. */
  get lastProblem(): string {
    return this.lastProblemText;
  }

  get size(): number {
    return this.rigs.size;
  }

  rig(name: string): RigRow | undefined {
    return this.rigs.get(name);
  }

  /** Applies one received message; returns what changed, or null when it was skipped. */
  apply(topic: string, payload: Uint8Array | string, receivedAtMs: number): RigChange | null {
    const t = parseTopic(this.prefix, topic);
    if (!t.ok) return this.countMalformed(`${topic}: ${t.error}`);
    const d = decodePayload(t.value, payload);
    if (!d.ok) {
      // An empty retained message is how a rig's retained topic is cleared: not a problem.
      const size = typeof payload === "string" ? payload.length : payload.byteLength;
      return size === 0 ? null : this.countMalformed(`${topic}: ${d.error}`);
    }
    const r = this.row(t.value.rig);
    const m = d.value;
    // A gone rig's retained messages, read now, do not make it recently seen.
    if (r.online !== false || m.kind === "status") r.lastSeenMs = receivedAtMs;
    switch (m.kind) {
      case "status":
        r.online = m.online;
        r.command = m.command;
        r.source = m.source;
        r.link = m.link;
        r.firmware = m.firmware;
        r.uid = m.uid;
        r.reason = m.reason;
        r.droppedMessages = m.droppedMessages;
        r.offlineSinceMs = m.online ? Number.NaN : (m.sentAtMs ?? receivedAtMs);
        // A retained goodbye read later: last seen when it went away, not when we read it.
        if (!m.online) r.lastSeenMs = Math.min(receivedAtMs, r.offlineSinceMs);
        return { rig: r.name, what: "state" };
      case "telemetry": {
        const last = m.rows[m.rows.length - 1];
        if (last === undefined) return null;
        const at = (name: string): number => {
          const i = m.fields.indexOf(name);
          return i < 0 ? Number.NaN : last[i]!;
        };
        r.tHotC = at("tHotC");
        r.tColdC = at("tColdC");
        r.flowLpm = at("flowLpm");
        return { rig: r.name, what: "telemetry" };
      }
      case "alarms/open":
        r.alarms = m.alarms;
        return { rig: r.name, what: "state" };
      case "hil_summary":
        r.hil = `run ${m.runId}: ${m.counts.passed} passed, ${m.counts.failed} failed, ${m.counts.error} errors, ${m.counts.skipped} skipped`;
        return { rig: r.name, what: "state" };
      case "alarms":
      case "performance":
      case "hil_verdict":
        // The open alarms (retained) carry the state; these are for the live view and for logs.
        return null;
    }
  }

  /**
   * Every rig: those not offline with open alarms first (critical, then warning), then online,
   * then not yet known, then offline (their alarms are as they left them, stale); each by name.
   */
  rows(): RigRow[] {
    const onlineRank = (r: RigRow): number => (r.online === true ? 0 : r.online === null ? 1 : 2);
    const liveAlarm = (r: RigRow): number => (r.online === false ? -1 : alarmRank(r));
    return [...this.rigs.values()].sort(
      (a, b) =>
        liveAlarm(b) - liveAlarm(a) ||
        onlineRank(a) - onlineRank(b) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  }

  private row(name: string): RigRow {
    let r = this.rigs.get(name);
    if (r === undefined) {
      r = {
        name,
        online: null,
        command: "",
        source: "",
        link: "",
        firmware: "",
        uid: "",
        reason: "",
        tHotC: Number.NaN,
        tColdC: Number.NaN,
        flowLpm: Number.NaN,
        alarms: [],
        lastSeenMs: Number.NaN,
        offlineSinceMs: Number.NaN,
        droppedMessages: 0,
        hil: "",
      };
      this.rigs.set(name, r);
    }
    return r;
  }

  private countMalformed(problem: string): null {
    this.malformedCount++;
    this.lastProblemText = problem;
    return null;
  }
}

/** One rig as a JSON line of `fleet --json` (NaN as null). */
export function rigJson(r: RigRow, nowMs: number): string {
  const n = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return JSON.stringify({
    rig: r.name,
    online: r.online,
    command: r.command,
    source: r.source,
    link: r.link,
    firmware: r.firmware,
    uid: r.uid,
    tHotC: n(r.tHotC),
    tColdC: n(r.tColdC),
    flowLpm: n(r.flowLpm),
    openAlarms: r.alarms.map((a) => ({ severity: a.severity, cause: a.cause, diagnosis: a.diagnosis })),
    lastSeenAgoS: Number.isFinite(r.lastSeenMs) ? Math.max(0, (nowMs - r.lastSeenMs) / 1000) : null,
    offlineSinceMs: n(r.offlineSinceMs),
    reason: r.reason,
    droppedMessages: r.droppedMessages,
    hil: r.hil,
  });
}
