import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "../../src/cli/args.js";
import { brokerFromArgs, MQTT_PUBLISH_OPTIONS, mqttPublishFromArgs } from "../../src/cli/mqttArgs.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-mqttargs-"));
writeFileSync(join(dir, "pw"), "s3cret\n");
writeFileSync(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
writeFileSync(join(dir, "not-a-cert"), "hello\n");

const parse = (argv: string[]) => parseCommandArgs(argv, MQTT_PUBLISH_OPTIONS, false);
const publish = (argv: string[], env: NodeJS.ProcessEnv = {}) => mqttPublishFromArgs(parse(argv), env, dir);

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("mqtt arguments", () => {
  it("are absent without --mqtt, and an MQTT option without --mqtt is refused naming it", () => {
    expect(publish([])).toBeUndefined();
    expect(errorOf(() => publish(["--mqtt-password-file", "pw"]))).toBe(
      "--mqtt-password-file: needs --mqtt URL",
    );
    expect(errorOf(() => publish(["--rig-name", "b1"]))).toMatch(/^--rig-name: needs --mqtt URL/);
  });

  it("read the password from the file (first line), else from LOOPTWIN_MQTT_PASSWORD", () => {
    expect(publish(["--mqtt", "mqtt://u@h", "--mqtt-password-file", "pw"])?.broker.password).toBe("s3cret");
    expect(publish(["--mqtt", "mqtt://u@h"], { LOOPTWIN_MQTT_PASSWORD: "envpw" })?.broker.password).toBe(
      "envpw",
    );
    expect(
      publish(["--mqtt", "mqtt://u@h", "--mqtt-password-file", "pw"], { LOOPTWIN_MQTT_PASSWORD: "envpw" })
        ?.broker.password,
    ).toBe("s3cret");
  });

  it("refuse a missing password file, a missing or non-PEM CA, in one line naming the option", () => {
    expect(errorOf(() => publish(["--mqtt", "mqtt://h", "--mqtt-password-file", "nope"]))).toBe(
      '--mqtt-password-file: no such file (got "nope")',
    );
    expect(errorOf(() => publish(["--mqtt", "mqtts://h", "--mqtt-ca", "nope.pem"]))).toBe(
      '--mqtt-ca: no such file (got "nope.pem")',
    );
    expect(errorOf(() => publish(["--mqtt", "mqtts://h", "--mqtt-ca", "not-a-cert"]))).toMatch(
      /^--mqtt-ca: is not a PEM certificate/,
    );
    expect(publish(["--mqtt", "mqtts://h", "--mqtt-ca", "ca.pem"])?.broker.caPem).toContain(
      "BEGIN CERTIFICATE",
    );
  });

  it("take --rig-name and --mqtt-prefix, refusing a name with a level separator", () => {
    expect(
      publish(["--mqtt", "mqtt://h", "--rig-name", "bench-3", "--mqtt-prefix", "lab/looptwin/v1"]),
    ).toMatchObject({
      rigName: "bench-3",
      prefix: "lab/looptwin/v1",
    });
    expect(publish(["--mqtt", "mqtt://h"])).toMatchObject({ rigName: null, prefix: "looptwin/v1" });
    expect(errorOf(() => publish(["--mqtt", "mqtt://h", "--rig-name", "a/b"]))).toMatch(
      /^--rig-name: must not contain/,
    );
  });

  it("--mqtt-source is read the same way (the remote dashboard)", () => {
    const args = parseCommandArgs(["--mqtt-source", "ftp://h"], { "mqtt-source": { type: "string" } }, false);
    expect(errorOf(() => brokerFromArgs(args, "mqtt-source", {}, dir))).toMatch(
      /^--mqtt-source: unknown scheme/,
    );
  });
});
