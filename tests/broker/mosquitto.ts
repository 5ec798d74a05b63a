/**
 * A real mosquitto for the broker tests (Debian's `mosquitto`, not a mock): a generated config on
 * a free 127.0.0.1 port with `allow_anonymous false` and a password file made by
 * `mosquitto_passwd -c -b`, started with `mosquitto -c`, waited for, killed (and restarted on the
 * same port) on request, stopped in afterAll. {@link MOSQUITTO_MISSING} says why the tests skip.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function missing(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).status !== 0;
}

/** Why the broker tests cannot run here (null: they can). */
export const MOSQUITTO_MISSING: string | null = missing("mosquitto")
  ? "mosquitto is not installed (Debian: apt-get install mosquitto mosquitto-clients)"
  : missing("mosquitto_passwd") || missing("mosquitto_sub")
    ? "mosquitto_passwd/mosquitto_sub missing (Debian: apt-get install mosquitto-clients)"
    : null;

export const BROKER_USER = "looptwin";
export const BROKER_PASSWORD = "bench-secret";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class TestBroker {
  readonly dir: string;
  readonly port: number;
  /** A file holding the password (for --mqtt-password-file). */
  readonly passwordFile: string;
  private proc: ChildProcess | null = null;
  private readonly configFile: string;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
    this.configFile = join(dir, "mosquitto.conf");
    this.passwordFile = join(dir, "password");
  }

  /** The CA that signed the broker's certificate (PEM), when started with TLS. */
  caFile = "";

  /** `mqtt://looptwin@127.0.0.1:PORT` (`mqtts://` with TLS; the password goes in a file or the environment). */
  get url(): string {
    return `${this.caFile === "" ? "mqtt" : "mqtts"}://${BROKER_USER}@127.0.0.1:${this.port}`;
  }

  /** With `tls`, a CA and a certificate for 127.0.0.1 are made with openssl and the listener is TLS only. */
  static async start(options: { tls?: boolean } = {}): Promise<TestBroker> {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-broker-"));
    // Started as root, mosquitto drops to its own user: it must be able to read the folder.
    chmodSync(dir, 0o755);
    const b = new TestBroker(dir, await freePort());
    const passwd = spawnSync(
      "mosquitto_passwd",
      ["-c", "-b", join(dir, "passwd"), BROKER_USER, BROKER_PASSWORD],
      {
        encoding: "utf8",
      },
    );
    if (passwd.status !== 0) throw new Error(`mosquitto_passwd failed: ${passwd.stderr}`);
    writeFileSync(b.passwordFile, `${BROKER_PASSWORD}\n`);
    const tlsLines: string[] = [];
    if (options.tls === true) {
      makeCertificates(dir);
      b.caFile = join(dir, "ca.pem");
      tlsLines.push(
        `cafile ${b.caFile}`,
        `certfile ${join(dir, "broker.pem")}`,
        `keyfile ${join(dir, "broker.key")}`,
      );
    }
    writeFileSync(
      b.configFile,
      [
        `listener ${b.port} 127.0.0.1`,
        ...tlsLines,
        "allow_anonymous false",
        `password_file ${join(dir, "passwd")}`,
        "persistence false",
        // The Last Will test needs the broker to act on a dead client without delay.
        "max_keepalive 65535",
        "",
      ].join("\n"),
    );
    await b.launch();
    return b;
  }

  private async launch(): Promise<void> {
    this.proc = spawn("mosquitto", ["-c", this.configFile], { stdio: ["ignore", "ignore", "pipe"] });
    this.proc.stderr?.resume();
    await waitForPort(this.port, 5000);
  }

  /** SIGKILL: the broker vanishes without a goodbye (its retained messages go with it: no persistence). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (p === null || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await gone;
    this.proc = null;
  }

  /** Starts it again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p === null || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await gone;
    this.proc = null;
  }

  /**
   * Runs `mosquitto_sub` (a client no one here wrote) on `topics` until it has `count` messages
   * or `seconds` passed; resolves with its `-v` lines (`topic payload`).
   */
  subscribe(topics: readonly string[], count: number, seconds: number): Promise<string[]> {
    return new Promise((resolve) => {
      const args = [
        "-h",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-u",
        BROKER_USER,
        "-P",
        BROKER_PASSWORD,
        "-v",
      ];
      if (this.caFile !== "") args.push("--cafile", this.caFile);
      for (const t of topics) args.push("-t", t);
      args.push("-C", String(count), "-W", String(seconds));
      const p = spawn("mosquitto_sub", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8");
      });
      p.on("exit", () => resolve(out.split("\n").filter((l) => l !== "")));
    });
  }
}

/** A lab CA and the broker's certificate for 127.0.0.1, as examples/fleet.md makes them. */
function makeCertificates(dir: string): void {
  const run = (args: string[]): void => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=looptwin test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ]);
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "broker.key",
    "-out",
    "broker.csr",
  ]);
  writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run([
    "x509",
    "-req",
    "-in",
    "broker.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
    "-out",
    "broker.pem",
  ]);
  // mosquitto drops to its own user when started as root.
  for (const f of ["ca.pem", "broker.pem", "broker.key"]) chmodSync(join(dir, f), 0o644);
}
