/**
 * `--listen HOST:PORT` and `--serve [HOST:]PORT`: where the web server binds. Port 0 picks a free
 * port. Only a loopback host keeps the page to this machine; any other is reachable from the
 * network, which the server warns about when control is on.
 */
import { isIP } from "node:net";
import { ConfigError } from "../core/errors.js";

export interface ListenAddress {
  /** Host or IP address to bind (IPv6 without brackets). */
  readonly host: string;
  /** TCP port, 0: any free one. */
  readonly port: number;
}

/** Where `serve` listens without `--listen`. */
export const DEFAULT_LISTEN: ListenAddress = { host: "127.0.0.1", port: 8080 };

/**
 * Parses `HOST:PORT` (`[v6]:PORT` for IPv6), or with `portOnly` also a bare `PORT` (on
 * 127.0.0.1). Throws a ConfigError naming `option` and the value.
 */
export function parseListenAddress(
  text: string,
  option: string,
  rule: { readonly portOnly?: boolean } = {},
): ListenAddress {
  const t = text.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(t);
  if (v6 !== null) {
    host = v6[1]!;
    portText = v6[2]!;
    if (isIP(host) !== 6) throw new ConfigError(option, text, `"${host}" is not an IPv6 address`);
  } else {
    const colon = t.lastIndexOf(":");
    if (colon < 0) {
      if (!rule.portOnly) throw new ConfigError(option, text, "expected HOST:PORT, e.g. 127.0.0.1:8080");
      host = DEFAULT_LISTEN.host;
      portText = t;
    } else {
      host = t.slice(0, colon);
      portText = t.slice(colon + 1);
      if (host === "" || host.includes(":"))
        throw new ConfigError(option, text, "expected HOST:PORT (an IPv6 host in brackets: [::1]:8080)");
    }
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new ConfigError(option, text, "port must be a whole number 0-65535 (0: any free port)");
  return { host, port: Number(portText) };
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `http://HOST:PORT/` as a browser takes it (IPv6 in brackets). */
export function httpUrl(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}
