/** Runs the CLI in-process with captured output: the exit code, stdout and stderr as strings. */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `looptwin ...args` with `cwd` as the working directory. */
export async function runCli(args: readonly string[], cwd: string): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    cwd,
  });
  return { code, out: out.join(""), err: err.join("") };
}
