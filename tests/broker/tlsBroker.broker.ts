/**
 * mqtts:// with --mqtt-ca against a real mosquitto with a TLS listener (a CA and a certificate
 * made with openssl, as examples/fleet.md makes them): a rig publishes and the fleet view reads
 * it over TLS; without the CA the broker's certificate is refused and the session goes on.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../../scripts/ensureBuilt.js";
import { MOSQUITTO_MISSING, TestBroker } from "./mosquitto.js";
import { CliProcess } from "./rigProcess.js";

const OPENSSL_MISSING =
  spawnSync("sh", ["-c", "command -v openssl"]).status !== 0 ? "openssl is not installed" : null;
const MISSING = MOSQUITTO_MISSING ?? OPENSSL_MISSING;
if (MISSING !== null) console.warn(`TLS broker tests skipped: ${MISSING}`);

describe.skipIf(MISSING !== null)("mqtts:// with --mqtt-ca", () => {
  let broker: TestBroker;
  const running: CliProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    broker = await TestBroker.start({ tls: true });
  });

  afterAll(async () => {
    for (const p of running) await p.stop("SIGKILL");
    await broker?.stop();
  });

  it("a rig publishes over TLS and fleet --json reads it", async () => {
    const r = new CliProcess([
      "serve",
      "--emulate",
      "--listen",
      "127.0.0.1:0",
      "--mqtt",
      broker.url,
      "--mqtt-ca",
      broker.caFile,
      "--mqtt-password-file",
      broker.passwordFile,
      "--rig-name",
      "tls-bench",
    ]);
    running.push(r);
    await r.waitFor(/mqtt connected \(mqtts:\/\/looptwin@127\.0\.0\.1:\d+, rig tls-bench\)/);
    const fleet = spawnSync(
      process.execPath,
      [
        "bin/looptwin.js",
        "fleet",
        "--mqtt",
        broker.url,
        "--mqtt-ca",
        broker.caFile,
        "--json",
        "--duration",
        "2.5",
      ],
      { encoding: "utf8", env: { ...process.env, LOOPTWIN_MQTT_PASSWORD: "bench-secret" } },
    );
    expect(fleet.status, fleet.stderr).toBe(0);
    const last = fleet.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.rig === "tls-bench")
      .at(-1);
    expect(last).toMatchObject({ online: true, link: "CONNECTED" });
    expect(last?.tHotC as number).toBeGreaterThan(20);
    expect(await r.stop("SIGINT")).toBe(0);
  });

  it("without --mqtt-ca the lab CA is not trusted: the broker stays down for the rig, the session goes on", async () => {
    const r = new CliProcess(
      ["serve", "--emulate", "--listen", "127.0.0.1:0", "--mqtt", broker.url, "--rig-name", "no-ca"],
      {
        LOOPTWIN_MQTT_PASSWORD: "bench-secret",
      },
    );
    running.push(r);
    await r.waitFor(/mqtt down \(.*certificate.*\).*the local session goes on/i);
    expect(r.proc.exitCode).toBeNull();
    expect(await r.stop("SIGINT")).toBe(0);
    expect(r.stderr).toMatch(/rig left SAFE \(SAFE acknowledged\)/);
  });
});
