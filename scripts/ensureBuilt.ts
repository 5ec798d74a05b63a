/**
 * Builds `dist/` (tsc -p tsconfig.build.json) when it is missing or older than any file in `src/`,
 * for the checks that run the CLI as a user does (`bin/looptwin.js`): the dashboard's tmux test
 * and its benchmark.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles `src/` into `dist/` unless `dist/cli/main.js` is newer than every source file. */
export function ensureBuilt(root: string = REPO_ROOT): void {
  const entry = join(root, "dist", "cli", "main.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtimeMs(join(root, "src"))) return;
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    { cwd: root, stdio: "inherit" },
  );
}
