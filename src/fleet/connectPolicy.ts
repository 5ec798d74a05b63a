/**
 * What the broker connection does after a failure (pure): how long it waits before the next try
 * (exponential backoff with a cap, so a lab of rigs does not hammer a restarting broker in step),
 * and what a refusal means (a wrong password is said so, a broker without MQTT 5 gets 3.1.1).
 */

/** Reason codes of a refused CONNACK, MQTT 5 (section 3.2.2.2) and 3.1.1 (section 3.2.2.3). */
const V5_UNSUPPORTED_PROTOCOL = 0x84;
const V5_BAD_CREDENTIALS = 0x86;
const V5_NOT_AUTHORIZED = 0x87;
const V3_UNACCEPTABLE_PROTOCOL = 1;
const V3_BAD_CREDENTIALS = 4;
const V3_NOT_AUTHORIZED = 5;

export type ConnectFailure =
  /** User name or password wrong, or the user may not connect: said once, retried slowly. */
  | { readonly kind: "credentials"; readonly text: string }
  /** The broker does not speak MQTT 5: try again at once with 3.1.1. */
  | { readonly kind: "protocol" }
  /** Anything else (network down, broker restarting, refused for another reason). */
  | { readonly kind: "other"; readonly text: string };

/** Classifies a connection error by its CONNACK reason code (if any) under the protocol in use. */
export function classifyConnectFailure(
  code: unknown,
  protocolVersion: 4 | 5,
  message: string,
): ConnectFailure {
  if (typeof code === "number") {
    if (protocolVersion === 5 && code === V5_UNSUPPORTED_PROTOCOL) return { kind: "protocol" };
    if (protocolVersion === 4 && code === V3_UNACCEPTABLE_PROTOCOL) return { kind: "protocol" };
    const bad = protocolVersion === 5 ? code === V5_BAD_CREDENTIALS : code === V3_BAD_CREDENTIALS;
    const notAuth = protocolVersion === 5 ? code === V5_NOT_AUTHORIZED : code === V3_NOT_AUTHORIZED;
    if (bad) return { kind: "credentials", text: "bad user name or password" };
    if (notAuth) return { kind: "credentials", text: "not authorized" };
  }
  return { kind: "other", text: message };
}

export interface BackoffOptions {
  /** First delay [ms]. @default 500 */
  readonly firstMs?: number;
  /** Longest delay [ms]. @default 10000 */
  readonly maxMs?: number;
}

/**
 * Delay before try `attempt` (0 for the first retry): first, 2x, 4x, ... up to the cap, with up
 * to 20 % taken off by `jitter01` (0-1) so rigs that lost the broker together do not return together.
 */
export function backoffMs(attempt: number, jitter01: number, options: BackoffOptions = {}): number {
  const first = options.firstMs ?? 500;
  const max = options.maxMs ?? 10_000;
  const raw = Math.min(max, first * 2 ** Math.min(30, Math.max(0, attempt)));
  return Math.round(raw * (1 - 0.2 * Math.min(1, Math.max(0, jitter01))));
}
