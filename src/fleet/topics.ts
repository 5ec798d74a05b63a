/**
 * MQTT topic names of one rig (docs/mqtt.md): `<prefix>/<rig>/status`, `.../telemetry`,
 * `.../alarms`, `.../alarms/open`, `.../performance`, `.../hil/<run-id>/<scenario>` and
 * `.../hil/<run-id>/summary`. Pure: names built once per rig, parsed back by the fleet view.
 */
import { ConfigError } from "../core/errors.js";
import { err, ok, type Result } from "../core/result.js";

/** The topic prefix every rig publishes under unless `--prefix` says otherwise. */
/** MQTT forbids NUL in topic names (spec 4.7.3). */
const NUL = String.fromCharCode(0);

export const DEFAULT_TOPIC_PREFIX = "looptwin/v1";

/** The per-rig topics, as the fleet view tells them apart. */
export const RIG_TOPIC_KINDS = ["status", "telemetry", "alarms", "alarms/open", "performance"] as const;
export type RigTopicKind = (typeof RIG_TOPIC_KINDS)[number];

/** What a topic under the prefix names. */
export type ParsedTopic =
  | { readonly kind: RigTopicKind; readonly rig: string }
  | { readonly kind: "hil_verdict"; readonly rig: string; readonly runId: string; readonly scenario: string }
  | { readonly kind: "hil_summary"; readonly rig: string; readonly runId: string };

/** The topics one rig publishes on, built once. */
export interface RigTopics {
  readonly status: string;
  readonly telemetry: string;
  readonly alarms: string;
  readonly alarmsOpen: string;
  readonly performance: string;
  hilVerdict(runId: string, scenario: string): string;
  hilSummary(runId: string): string;
}

/**
 * A topic level taken from a name (a rig, a run id, a scenario): MQTT forbids `+`, `#` and NUL in
 * published topics and `/` would add a level, so each of these becomes `_`; empty is refused.
 */
export function topicLevel(field: string, name: string): string {
  const level = name.replace(/[/+#]/g, "_").replaceAll(NUL, "_").trim();
  if (level === "") throw new ConfigError(field, name, "must not be empty (it names an MQTT topic level)");
  return level;
}

/** Checks a `--prefix`: levels separated by `/`, no wildcards, no empty level. */
export function checkTopicPrefix(prefix: string): string {
  if (prefix === "" || /[+#]/.test(prefix) || prefix.includes(NUL) || prefix.split("/").some((l) => l === ""))
    throw new ConfigError(
      "--prefix",
      prefix,
      "must be topic levels such as looptwin/v1 (no +, #, empty level)",
    );
  return prefix;
}

export function rigTopics(prefix: string, rig: string): RigTopics {
  const base = `${prefix}/${topicLevel("--rig-name", rig)}`;
  return {
    status: `${base}/status`,
    telemetry: `${base}/telemetry`,
    alarms: `${base}/alarms`,
    alarmsOpen: `${base}/alarms/open`,
    performance: `${base}/performance`,
    hilVerdict: (runId, scenario) =>
      `${base}/hil/${topicLevel("run id", runId)}/${topicLevel("scenario", scenario)}`,
    hilSummary: (runId) => `${base}/hil/${topicLevel("run id", runId)}/summary`,
  };
}

/** The subscription that sees every rig under `prefix`. */
export function fleetSubscription(prefix: string): string {
  return `${prefix}/#`;
}

/** Names what a received topic is; a topic that is none of the documented ones is an error. */
export function parseTopic(prefix: string, topic: string): Result<ParsedTopic, string> {
  if (!topic.startsWith(`${prefix}/`)) return err(`not under ${prefix}`);
  const levels = topic.slice(prefix.length + 1).split("/");
  const [rig, a, b, c, ...rest] = levels;
  if (rig === undefined || rig === "" || a === undefined) return err("no rig level");
  if (rest.length > 0) return err("too many levels");
  if (a === "hil") {
    if (b === undefined || b === "" || c === undefined || c === "")
      return err("hil topic without run and scenario");
    return c === "summary"
      ? ok({ kind: "hil_summary", rig, runId: b })
      : ok({ kind: "hil_verdict", rig, runId: b, scenario: c });
  }
  if (c !== undefined) return err("too many levels");
  const kind = b === undefined ? a : `${a}/${b}`;
  return (RIG_TOPIC_KINDS as readonly string[]).includes(kind)
    ? ok({ kind: kind as RigTopicKind, rig })
    : err(`unknown topic ${JSON.stringify(kind)}`);
}
