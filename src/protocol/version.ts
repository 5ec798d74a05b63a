/**
 * Protocol version negotiation (docs/design.md 4): a host speaks major version 1 and accepts
 * any minor (minor versions only add line types and trailing fields, which the parser tolerates);
 * a device with another major version is refused.
 */
import { OperationalError } from "../core/errors.js";
import type { HelloMessage } from "./messages.js";

/** The version this code implements, written `1.0` on the wire. */
export const PROTOCOL_VERSION = { major: 1, minor: 0 } as const;

/** `major.minor`, as in HELLO. */
export function versionText(v: { readonly major: number; readonly minor: number }): string {
  return `${v.major}.${v.minor}`;
}

/** The device speaks a protocol major version this host does not. */
export class ProtocolVersionError extends OperationalError {
  override readonly name = "ProtocolVersionError";
  readonly deviceVersion: string;
  readonly hostVersion: string;

  constructor(hello: Pick<HelloMessage, "major" | "minor" | "fwName" | "fwVersion">) {
    const deviceVersion = versionText(hello);
    const hostVersion = versionText(PROTOCOL_VERSION);
    super(
      `device ${hello.fwName} ${hello.fwVersion} speaks protocol ${deviceVersion}, this host speaks ${PROTOCOL_VERSION.major}.x (${hostVersion}): refusing a different major version; update the host or the firmware`,
      { deviceVersion, hostVersion, fwName: hello.fwName, fwVersion: hello.fwVersion },
    );
    this.deviceVersion = deviceVersion;
    this.hostVersion = hostVersion;
  }
}

/** Whether a device of this version can be talked to. */
export function isCompatibleVersion(v: { readonly major: number }): boolean {
  return v.major === PROTOCOL_VERSION.major;
}

/** Throws {@link ProtocolVersionError} unless the HELLO's major version is ours. */
export function checkProtocolVersion(hello: HelloMessage): void {
  if (!isCompatibleVersion(hello)) throw new ProtocolVersionError(hello);
}

export function isProtocolVersionError(e: unknown): e is ProtocolVersionError {
  return e instanceof ProtocolVersionError;
}
