/**
 * `looptwin serve` as a user runs it: the built binary (built here first when dist is missing or
 * older than src) in a process of its own. Bad arguments are a one-line error with exit code 2;
 * `--emulate --listen 127.0.0.1:0 --record FILE` prints the URL as its first line, answers
 * health, and on SIGTERM exits 0 with the device SAFE (the acknowledged SAFE is in the recording)
 * and the recording whole.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../../scripts/ensureBuilt.js";
import { readRecording } from "../../src/rig/recording/recordingReader.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "bin", "looptwin.js");
const dir = mkdtempSync(join(tmpdir(), "looptwin-serve-proc-"));
const children: ChildProcess[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("looptwin serve (a real process)", () => {
  it("bad arguments: one line naming the argument, exit 2", () => {
    const cases: [string[], RegExp][] = [
      [["--emulate", "--listen", "localhost"], /^looptwin serve: --listen: expected HOST:PORT/],
      [
        ["--emulate", "--listen", "127.0.0.1:70000"],
        /^looptwin serve: --listen: port must be a whole number 0-65535/,
      ],
      [["--emulate", "--token-file", "t"], /^looptwin serve: --token-file: only with --allow-control/],
      [
        ["--emulate", "--allow-control", "--token-file", "/nonexistent"],
        /^looptwin serve: --token-file: cannot read/,
      ],
      [[], /^looptwin serve: source: choose exactly one of --emulate/],
    ];
    for (const [args, want] of cases) {
      const r = spawnSync(process.execPath, [bin, "serve", ...args], { encoding: "utf8", cwd: dir });
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(want);
    }
  });

  it("first line the URL; SIGTERM leaves the device SAFE and the recording whole", async () => {
    const recording = join(dir, "proc.ndjson");
    const child = spawn(
      process.execPath,
      [bin, "serve", "--emulate", "--listen", "127.0.0.1:0", "--record", recording, "--rate", "50"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let stderr = "";
    child.stderr!.on("data", (c) => {
      stderr += c;
    });
    const first = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited ${code} before its first line: ${stderr}`)));
    });
    expect(first).toMatch(/^looptwin serve: http:\/\/127\.0\.0\.1:\d+\/$/);
    const url = first.slice("looptwin serve: ".length);
    let health: Record<string, unknown> = {};
    for (let i = 0; i < 200 && health.samples !== true; i++) {
      health = (await (await fetch(`${url}api/health`)).json()) as Record<string, unknown>;
      if (health.samples !== true) await new Promise((r) => setTimeout(r, 50));
    }
    expect(health).toMatchObject({ status: "ok", link: "CONNECTED", samples: true, control: false });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe(
      `looptwin serve: stopped by SIGTERM; rig left SAFE (SAFE acknowledged); recording closed: ${recording}\n`,
    );
    const rec = await readRecording(recording);
    expect(rec.stats.badLines).toBe(0);
    const safe = rec.records.find((x) => x.type === "command" && /^SAFE,/.test(x.line));
    expect(safe).toBeDefined();
    const answer = rec.records.find(
      (x) => x.type === "answer" && safe?.type === "command" && x.id === safe.id,
    );
    expect(answer).toMatchObject({ result: "ack" });
  }, 60_000);
});
