/**
 * How to reach the broker, validated once (docs/mqtt.md "Connecting"): `mqtt://` or `mqtts://`,
 * a host, an optional port and user name; never a password in the URL (the command line is
 * visible to every user through `ps`). Pure: the CLI reads the password and CA files and passes
 * their contents in.
 */
import { ConfigError } from "../core/errors.js";

export const BROKER_SCHEMES = ["mqtt", "mqtts"] as const;
export type BrokerScheme = (typeof BROKER_SCHEMES)[number];

export interface BrokerConfig {
  readonly scheme: BrokerScheme;
  readonly host: string;
  readonly port: number;
  /** The URL as shown to people: no credentials. */
  readonly displayUrl: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** PEM text of the CA that signed the broker's certificate (`--mqtt-ca`), mqtts only. */
  readonly caPem: string | undefined;
  /** Keep-alive [s]: the broker declares the client gone (Last Will) after 1.5 of these without a packet. @default 10 */
  readonly keepaliveS: number;
}

export interface BrokerConfigInput {
  /** The option the URL came from, for errors (`--mqtt`, `--mqtt-source`). */
  readonly option: string;
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly caPem?: string;
  readonly keepaliveS?: number;
}

const DEFAULT_PORTS: Readonly<Record<BrokerScheme, number>> = { mqtt: 1883, mqtts: 8883 };

/** Validates the URL and the credentials; every problem is a ConfigError naming the option. */
export function brokerConfig(input: BrokerConfigInput): BrokerConfig {
  const { option, url } = input;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(option, url, "not a URL (expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT])");
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (!(BROKER_SCHEMES as readonly string[]).includes(scheme))
    throw new ConfigError(
      option,
      url,
      `unknown scheme ${JSON.stringify(`${scheme}://`)} (use mqtt:// or mqtts://)`,
    );
  if (parsed.hostname === "") throw new ConfigError(option, url, "no host (expected mqtt://HOST[:PORT])");
  if (parsed.password !== "")
    throw new ConfigError(
      option,
      `${scheme}://${parsed.username}:***@${parsed.host}`,
      "no password in the URL (ps shows it to everyone): use --mqtt-password-file FILE or LOOPTWIN_MQTT_PASSWORD",
    );
  if (parsed.pathname !== "" && parsed.pathname !== "/")
    throw new ConfigError(option, url, "a broker URL has no path (the topics are fixed: docs/mqtt.md)");
  const urlUser = parsed.username === "" ? undefined : decodeURIComponent(parsed.username);
  if (urlUser !== undefined && input.username !== undefined && input.username !== urlUser)
    throw new ConfigError(
      "--mqtt-user",
      input.username,
      `differs from the user name in ${option} (${urlUser})`,
    );
  if (input.caPem !== undefined && scheme !== "mqtts")
    throw new ConfigError("--mqtt-ca", "(file)", `applies to mqtts:// only (${option} is ${scheme}://)`);
  const keepaliveS = input.keepaliveS ?? 10;
  if (!(Number.isInteger(keepaliveS) && keepaliveS >= 1 && keepaliveS <= 65535))
    throw new ConfigError("--mqtt-keepalive", keepaliveS, "must be a whole number of seconds 1-65535");
  const s = scheme as BrokerScheme;
  const port = parsed.port === "" ? DEFAULT_PORTS[s] : Number(parsed.port);
  const username = urlUser ?? input.username;
  return {
    scheme: s,
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port,
    displayUrl: `${s}://${username !== undefined ? `${encodeURIComponent(username)}@` : ""}${parsed.host.includes(":") ? parsed.host : `${parsed.host}:${port}`}`,
    username,
    password: input.password,
    caPem: input.caPem,
    keepaliveS,
  };
}
