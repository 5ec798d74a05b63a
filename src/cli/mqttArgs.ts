/**
 * The broker options every command shares (`dashboard`, `serve`, `record`, `hil run`, `fleet`),
 * parsed in one place: `--mqtt URL` (or `--mqtt-source URL` for a remote dashboard),
 * `--mqtt-user`, `--mqtt-password-file FILE` or `LOOPTWIN_MQTT_PASSWORD` (never the password on
 * the command line), `--mqtt-ca FILE`, `--mqtt-keepalive S`, `--mqtt-prefix`, `--rig-name`.
 * Every problem is a ConfigError naming the option (exit 2), found before the rig is touched.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { type BrokerConfig, brokerConfig } from "../fleet/brokerConfig.js";
import { checkTopicPrefix, DEFAULT_TOPIC_PREFIX, topicLevel } from "../fleet/topics.js";
import { type ParsedArgs, parseNumberArg, stringOpt } from "./args.js";

/** Environment variable holding the broker password (when there is no --mqtt-password-file). */
export const MQTT_PASSWORD_ENV = "LOOPTWIN_MQTT_PASSWORD";

/** The credential options (spread into a command's option specs). */
export const MQTT_CREDENTIAL_OPTIONS = {
  "mqtt-user": { type: "string" },
  "mqtt-password-file": { type: "string" },
  "mqtt-ca": { type: "string" },
  "mqtt-keepalive": { type: "string" },
} as const;

/** Options of a command that publishes its session. */
export const MQTT_PUBLISH_OPTIONS = {
  mqtt: { type: "string" },
  "mqtt-prefix": { type: "string" },
  "rig-name": { type: "string" },
  "mqtt-queue": { type: "string" },
  ...MQTT_CREDENTIAL_OPTIONS,
} as const;

/** The `--help` lines of {@link MQTT_PUBLISH_OPTIONS}. */
export const MQTT_PUBLISH_HELP = `MQTT (publish this session to a broker; topics in docs/mqtt.md):
  --mqtt URL              mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; a user name may be in the URL
  --mqtt-user NAME        user name (or in the URL)
  --mqtt-password-file F  file holding the password (or the environment variable
                          ${MQTT_PASSWORD_ENV}); never on the command line
  --mqtt-ca FILE          CA certificate (PEM) of an mqtts:// broker
  --mqtt-keepalive S      keep-alive in seconds (default 10): the broker marks the rig offline
                          through its Last Will 1.5 keep-alives after it vanished
  --mqtt-prefix P         topic prefix (default ${DEFAULT_TOPIC_PREFIX})
  --rig-name NAME         the rig in topics (default: the device uid)
  --mqtt-queue N          messages held while the broker is away, at most (default 10000;
                          also at most 16 MB); beyond it the oldest telemetry goes first
  A broker that is down, slow or refusing never stops the session: messages wait in a bounded
  queue (10,000 messages or 16 MB); what it drops is counted and shown.
`;

/** A publishing setup: where, and under which name (null: the device uid, known after HELLO). */
export interface MqttPublishArgs {
  readonly broker: BrokerConfig;
  readonly prefix: string;
  readonly rigName: string | null;
  /** Bound of the publisher's queue [messages]. */
  readonly queueMessages: number;
}

/**
 * The broker of `option` (`--mqtt` or `--mqtt-source`) with its credentials, or undefined when the
 * option is absent. `env` gives LOOPTWIN_MQTT_PASSWORD; files are read relative to `cwd`.
 */
export function brokerFromArgs(
  args: ParsedArgs,
  option: "mqtt" | "mqtt-source",
  env: NodeJS.ProcessEnv,
  cwd: string,
): BrokerConfig | undefined {
  const url = stringOpt(args, option);
  const passwordFile = stringOpt(args, "mqtt-password-file");
  const caFile = stringOpt(args, "mqtt-ca");
  const user = stringOpt(args, "mqtt-user");
  const keepText = stringOpt(args, "mqtt-keepalive");
  if (url === undefined) {
    const stray = [
      passwordFile !== undefined ? "--mqtt-password-file" : "",
      caFile !== undefined ? "--mqtt-ca" : "",
      user !== undefined ? "--mqtt-user" : "",
      keepText !== undefined ? "--mqtt-keepalive" : "",
    ].filter((s) => s !== "");
    if (stray.length > 0) throw new ConfigError(stray[0]!, undefined, `needs --${option} URL`);
    return undefined;
  }
  let password: string | undefined;
  if (passwordFile !== undefined)
    password = readSmallFile("--mqtt-password-file", passwordFile, cwd).split(/\r?\n/)[0];
  else if (env[MQTT_PASSWORD_ENV] !== undefined && env[MQTT_PASSWORD_ENV] !== "")
    password = env[MQTT_PASSWORD_ENV];
  const caPem = caFile === undefined ? undefined : readSmallFile("--mqtt-ca", caFile, cwd);
  if (caPem !== undefined && !caPem.includes("-----BEGIN CERTIFICATE-----"))
    throw new ConfigError("--mqtt-ca", caFile, "is not a PEM certificate (no BEGIN CERTIFICATE line)");
  const keepaliveS =
    keepText === undefined
      ? undefined
      : parseNumberArg("--mqtt-keepalive", keepText, { integer: true, min: 1, max: 65535 });
  return brokerConfig({
    option: `--${option}`,
    url,
    ...(user !== undefined ? { username: user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(caPem !== undefined ? { caPem } : {}),
    ...(keepaliveS !== undefined ? { keepaliveS } : {}),
  });
}

/** The publishing options of a command, or undefined without `--mqtt`. */
export function mqttPublishFromArgs(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  cwd: string,
): MqttPublishArgs | undefined {
  const broker = brokerFromArgs(args, "mqtt", env, cwd);
  const prefixText = stringOpt(args, "mqtt-prefix");
  const rigText = stringOpt(args, "rig-name");
  const queueText = stringOpt(args, "mqtt-queue");
  if (broker === undefined) {
    if (queueText !== undefined) throw new ConfigError("--mqtt-queue", queueText, "needs --mqtt URL");
    if (prefixText !== undefined) throw new ConfigError("--mqtt-prefix", prefixText, "needs --mqtt URL");
    if (rigText !== undefined) throw new ConfigError("--rig-name", rigText, "needs --mqtt URL");
    return undefined;
  }
  const prefix = checkTopicPrefix(prefixText ?? DEFAULT_TOPIC_PREFIX);
  if (rigText !== undefined && topicLevel("--rig-name", rigText) !== rigText)
    throw new ConfigError("--rig-name", rigText, "must not contain / + # (it is one MQTT topic level)");
  const queueMessages =
    queueText === undefined
      ? 10_000
      : parseNumberArg("--mqtt-queue", queueText, { integer: true, min: 1, max: 10_000_000 });
  return { broker, prefix, rigName: rigText ?? null, queueMessages };
}

function readSmallFile(option: string, path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ConfigError(
      option,
      path,
      code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(e)})`,
      {
        cause: e,
      },
    );
  }
}
