/**
 * A looptwin process as a user runs it (`node bin/looptwin.js ...`), its stderr collected, with a
 * wait for a line and a stop by signal, for the broker tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/ensureBuilt.js";

export class CliProcess {
  readonly proc: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [join(REPO_ROOT, "bin", "looptwin.js"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc.stdout?.on("data", (d: Buffer) => {
      this.stdout += d.toString("utf8");
    });
    this.proc.stderr?.on("data", (d: Buffer) => {
      this.stderr += d.toString("utf8");
    });
    this.exited = new Promise((resolve) => this.proc.once("exit", (code) => resolve(code)));
  }

  /** Resolves when stderr or stdout matches `re`; rejects after `timeoutMs` with what was written. */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!re.test(this.stderr) && !re.test(this.stdout)) {
      if (Date.now() > until || this.proc.exitCode !== null)
        throw new Error(`no ${re} within ${timeoutMs} ms; stderr: ${this.stderr} stdout: ${this.stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits for the exit code. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}
