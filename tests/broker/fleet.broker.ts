/**
 * Issue 14 section 3 against a real mosquitto: rigs (`serve --emulate --mqtt`) publish, `fleet
 * --json` and `mosquitto_sub` read them; Last Will on SIGKILL; the broker killed and restarted
 * mid-run; a wrong password; bad broker URLs; malformed messages on the broker.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../../scripts/ensureBuilt.js";
import { TELEMETRY_FIELDS } from "../../src/fleet/payloads.js";
import { MOSQUITTO_MISSING, TestBroker } from "./mosquitto.js";
import { CliProcess } from "./rigProcess.js";

if (MOSQUITTO_MISSING !== null) console.warn(`broker tests skipped: ${MOSQUITTO_MISSING}`);

describe.skipIf(MOSQUITTO_MISSING !== null)("looptwin and a real mosquitto", () => {
  let broker: TestBroker;
  const running: CliProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    broker = await TestBroker.start();
  });

  afterAll(async () => {
    for (const p of running) await p.stop("SIGKILL");
    await broker?.stop();
  });

  /** An emulated rig serving its session and publishing it as `name`. */
  async function rig(
    name: string,
    extra: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
  ): Promise<CliProcess> {
    const p = new CliProcess(
      [
        "serve",
        "--emulate",
        "--listen",
        "127.0.0.1:0",
        "--mqtt",
        broker.url,
        "--mqtt-password-file",
        broker.passwordFile,
        "--rig-name",
        name,
        ...extra,
      ],
      env,
    );
    running.push(p);
    return p;
  }

  function fleetJson(seconds: number): {
    lines: Record<string, unknown>[];
    stderr: string;
    code: number | null;
  } {
    const r = spawnSync(
      process.execPath,
      ["bin/looptwin.js", "fleet", "--mqtt", broker.url, "--json", "--duration", String(seconds)],
      { encoding: "utf8", env: { ...process.env, LOOPTWIN_MQTT_PASSWORD: "bench-secret" } },
    );
    return {
      lines: r.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
      stderr: r.stderr,
      code: r.status,
    };
  }

  it("three emulated rigs publish and fleet --json lists all three with their values", async () => {
    const rigs = await Promise.all(["bench-1", "bench-2", "bench-3"].map((n) => rig(n)));
    await Promise.all(rigs.map((r) => r.waitFor(/mqtt connected/)));
    const { lines, code } = fleetJson(4);
    expect(code).toBe(0);
    for (const name of ["bench-1", "bench-2", "bench-3"]) {
      const last = lines.filter((l) => l.rig === name).at(-1);
      expect(last, name).toBeDefined();
      expect(last).toMatchObject({ online: true, command: "serve", source: "emulator", link: "CONNECTED" });
      // The emulated bench rig from cold: water near ambient (25 C), pump at 200 of 255.
      expect(last?.tHotC as number).toBeGreaterThan(20);
      expect(last?.tHotC as number).toBeLessThan(60);
      expect(last?.tColdC as number).toBeGreaterThan(20);
      expect(last?.flowLpm as number).toBeGreaterThan(1);
    }
    for (const r of rigs) expect(await r.stop("SIGINT")).toBe(0);
    // The goodbye: each rig offline, retained, with why.
    const after = fleetJson(1.5).lines;
    for (const name of ["bench-1", "bench-2", "bench-3"])
      expect(after.filter((l) => l.rig === name).at(-1)).toMatchObject({
        online: false,
        reason: "stopped (SIGINT)",
      });
  });

  it("mosquitto_sub reads the documented topics and payloads (status, telemetry, performance, alarms, open alarms)", async () => {
    const sub = broker.subscribe(["looptwin/v1/alarm-rig/#"], 100, 25);
    const r = await rig("alarm-rig", ["--speed", "4", "--fault", "pump_failure:start=8"]);
    await r.waitFor(/mqtt connected/);
    const lines = await sub;
    await r.stop("SIGINT");
    const byTopic = new Map<string, Record<string, unknown>[]>();
    for (const l of lines) {
      const i = l.indexOf(" ");
      const topic = l.slice(0, i);
      byTopic.set(topic, [
        ...(byTopic.get(topic) ?? []),
        JSON.parse(l.slice(i + 1)) as Record<string, unknown>,
      ]);
    }
    const t = (k: string) => byTopic.get(`looptwin/v1/alarm-rig/${k}`) ?? [];
    expect(t("status")[0]).toMatchObject({
      v: 1,
      rig: "alarm-rig",
      online: true,
      link: "CONNECTED",
      uid: expect.any(String),
    });
    const tel = t("telemetry");
    expect(tel.length).toBeGreaterThan(5);
    expect(tel[0]?.fields).toEqual([...TELEMETRY_FIELDS]);
    const rows = tel.flatMap((m) => m.rows as (number | null)[][]);
    expect(rows.every((row) => row.length === TELEMETRY_FIELDS.length)).toBe(true);
    // At most 10 batches a second: the rig ran 4x (40 samples per wall second) in fewer messages.
    const sentAt = tel.map((m) => m.sentAtMs as number);
    const spanS = (sentAt.at(-1)! - sentAt[0]!) / 1000;
    expect(tel.length - 1).toBeLessThanOrEqual(10 * spanS + 1);
    expect(rows.length).toBeGreaterThan(tel.length);
    expect(t("performance")[0]).toMatchObject({ v: 1, stability: expect.any(String) });
    const raised = t("alarms").find((a) => a.event === "raised");
    expect(raised).toMatchObject({
      severity: "critical",
      cause: expect.any(String),
      evidence: expect.any(Array),
    });
    const open = t("alarms/open").at(-1)?.alarms as Record<string, unknown>[];
    expect(open.length).toBeGreaterThan(0);
    expect(t("alarms").some((a) => a.diagnosis === "pump failure")).toBe(true);
  });

  it("hil run --mqtt: a verdict per scenario and the retained summary", async () => {
    const sub = broker.subscribe(["looptwin/v1/ci-runner/hil/#"], 2, 60);
    const run = new CliProcess([
      "hil",
      "run",
      "--filter",
      "pump-failure-deadman",
      "--mqtt",
      broker.url,
      "--mqtt-password-file",
      broker.passwordFile,
      "--rig-name",
      "ci-runner",
    ]);
    expect(await run.exited).toBe(0);
    expect(run.stdout).toMatch(/mqtt: run \S+ as rig ci-runner .*: \d+ messages sent, 0 dropped, 0 unsent/);
    const lines = await sub;
    expect(lines[0]).toMatch(
      /^looptwin\/v1\/ci-runner\/hil\/\S+\/pump-failure-deadman \{.*"status":"passed"/,
    );
    expect(lines[1]).toMatch(/^looptwin\/v1\/ci-runner\/hil\/\S+\/summary \{.*"passed":true/);
    // Retained: a subscriber that comes later still gets the summary.
    const later = await broker.subscribe(["looptwin/v1/ci-runner/hil/+/summary"], 1, 5);
    expect(later[0]).toMatch(/"counts":\{"passed":1,"failed":0,"error":0,"skipped":0\}/);
  });

  it("a rig killed with SIGKILL shows offline through its Last Will within 1.5 keep-alive periods", async () => {
    const keepaliveS = 2;
    const r = await rig("doomed", ["--mqtt-keepalive", String(keepaliveS)]);
    await r.waitFor(/mqtt connected/);
    await new Promise((res) => setTimeout(res, 500));
    // Retained online status first, then the Last Will.
    const sub = broker.subscribe(["looptwin/v1/doomed/status"], 2, 10);
    await new Promise((res) => setTimeout(res, 300));
    const killedAt = Date.now();
    r.proc.kill("SIGKILL");
    const lines = await sub;
    const arrivedAfterMs = Date.now() - killedAt;
    expect(lines[1]).toMatch(/"online":false/);
    expect(lines[1]).toMatch(/"reason":"connection lost \(Last Will\)"/);
    expect(arrivedAfterMs).toBeLessThanOrEqual(1.5 * keepaliveS * 1000);
  });

  it("the broker killed and restarted mid-run: the rig reconnects, re-publishes its status, the recording is complete, drops are counted and shown", async () => {
    const recording = join(broker.dir, "restart.ndjson");
    const r = await rig("survivor", ["--record", recording, "--mqtt-queue", "20"]);
    await r.waitFor(/mqtt connected/);
    await new Promise((res) => setTimeout(res, 1500));
    await broker.kill();
    // Down for 4 s: about 44 messages (10 telemetry batches and 1 loop figure a second) for a
    // queue of 20.
    await new Promise((res) => setTimeout(res, 4000));
    await broker.restart();
    // No persistence: the broker lost the retained status; the rig must send it again.
    const status = await broker.subscribe(["looptwin/v1/survivor/status"], 1, 15);
    expect(status[0]).toMatch(/"online":true/);
    expect(await r.stop("SIGINT")).toBe(0);
    const dropped = /mqtt (\d+) sent, (\d+) dropped/.exec(r.stderr);
    expect(dropped, r.stderr).not.toBeNull();
    expect(Number(dropped?.[2])).toBeGreaterThan(0);
    // The local recording went on: samples every 0.1 s of rig time, none missing.
    const tS = readFileSync(recording, "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"sample"'))
      .map((l) => (JSON.parse(l) as { sample: { tS: number } }).sample.tS);
    expect(tS.length).toBeGreaterThan(50);
    const maxStep = Math.max(...tS.slice(1).map((t, i) => t - tS[i]!));
    expect(maxStep).toBeLessThan(0.25);
  });

  it("a wrong password: the local session runs on and says the broker refused it", async () => {
    const r = new CliProcess(
      ["serve", "--emulate", "--listen", "127.0.0.1:0", "--mqtt", broker.url, "--rig-name", "wrong-pw"],
      { LOOPTWIN_MQTT_PASSWORD: "not-the-password" },
    );
    running.push(r);
    await r.waitFor(/mqtt refused: (bad user name or password|not authorized).*the local session goes on/);
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.proc.exitCode).toBeNull();
    expect(await r.stop("SIGINT")).toBe(0);
    expect(r.stderr).toMatch(/rig left SAFE \(SAFE acknowledged\)/);
  });

  it("a malformed broker URL, an unknown scheme or a missing password file: exit 2, one line naming the option, the port untouched", () => {
    const cases: [string[], RegExp][] = [
      [["--mqtt", "not a url"], /^looptwin record: --mqtt: not a URL/],
      [["--mqtt", "http://127.0.0.1:1883"], /^looptwin record: --mqtt: unknown scheme "http:\/\/"/],
      [
        ["--mqtt", broker.url, "--mqtt-password-file", "/nonexistent/pw"],
        /^looptwin record: --mqtt-password-file: no such file/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = spawnSync(
        process.execPath,
        [
          "bin/looptwin.js",
          "record",
          "--port",
          "/dev/looptwin-no-such-port",
          "--out",
          "/tmp/never.ndjson",
          ...args,
        ],
        { encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });

  it("malformed messages on the broker are counted and skipped; the fleet view goes on", async () => {
    const pub = (topic: string, message: string) =>
      spawnSync("mosquitto_pub", [
        "-h",
        "127.0.0.1",
        "-p",
        String(broker.port),
        "-u",
        "looptwin",
        "-P",
        "bench-secret",
        "-r",
        "-t",
        topic,
        "-m",
        message,
      ]);
    pub("looptwin/v1/junk-1/status", "not json");
    pub("looptwin/v1/junk-2/status", '{"v":1,"online":"yes"}');
    pub("looptwin/v1/junk-3/telemetry/extra", "{}");
    const { code, stderr } = fleetJson(1.5);
    expect(code).toBe(0);
    expect(stderr).toMatch(/3 malformed messages skipped/);
  });
});
