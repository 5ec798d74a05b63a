/**
 * A terminal program in a real tmux pane, for the broker tests that look at a screen as an
 * operator does: tmux itself, a wait for what the pane shows, and whether the pane still runs.
 * {@link TMUX_MISSING} says why those tests skip.
 */
import { execFileSync, spawnSync } from "node:child_process";

/** Why the tmux tests cannot run here (null: they can). */
export const TMUX_MISSING: string | null =
  spawnSync("sh", ["-c", "command -v tmux"]).status !== 0 ? "tmux is not installed" : null;

export const tmux = (...args: string[]): string => execFileSync("tmux", args, { encoding: "utf8" });

/** Resolves with the pane's text once it matches `re`; throws with the last text after `timeoutMs`. */
export async function paneShows(session: string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = tmux("capture-pane", "-p", "-t", session);
    if (re.test(text)) return text;
    if (Date.now() > until) throw new Error(`the pane never showed ${re}:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The tmux session still exists (its program has not exited). */
export function alive(session: string): boolean {
  return spawnSync("tmux", ["has-session", "-t", session]).status === 0;
}
