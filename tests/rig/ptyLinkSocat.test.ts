/**
 * The socat backend of the emulator's pseudo-terminal, against a stand-in `socat` on the PATH
 * that behaves as socat 1.7 does but slowly: it announces the terminal ("PTY is ...") well before
 * it makes the symlink, then starts its transfer loop. A link that resolved on the announcement
 * handed its path to clients before the path existed (seen as "No such file or directory" when
 * the emulator's announcement reached a test running beside others).
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openPtyLink, type PtyLink } from "../../src/rig/emulator/ptyLink.js";

/** socat's -d -d notices, with 0.4 s between the announcement and the link. */
const SLOW_SOCAT = `#!/bin/sh
link=$(printf '%s\\n' "$3" | sed -n 's/.*link=\\([^,]*\\).*/\\1/p')
echo "2026/12/07 05:45:09 socat[1] N PTY is /dev/null" >&2
sleep 0.4
ln -s /dev/null "$link"
echo "2026/12/07 05:45:09 socat[1] N reading from and writing to stdio" >&2
echo "2026/12/07 05:45:09 socat[1] N starting data transfer loop with FDs [5,5] and [0,1]" >&2
exec cat
`;

/** A socat that fails to open the terminal. */
const FAILING_SOCAT = `#!/bin/sh
echo "2026/12/07 05:45:09 socat[1] E openpty(): no pseudo-terminals left" >&2
exit 1
`;

let dir = "";
let savedPath: string | undefined;
let link: PtyLink | undefined;

/** Puts `script` first on the PATH as `socat`. */
function installSocat(script: string): void {
  const binDir = mkdtempSync(join(dir, "bin-"));
  writeFileSync(join(binDir, "socat"), script);
  chmodSync(join(binDir, "socat"), 0o755);
  process.env.PATH = `${binDir}${delimiter}${savedPath ?? ""}`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-socat-"));
  savedPath = process.env.PATH;
});

afterEach(() => {
  link?.close();
  link = undefined;
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

describe("openPtyLink with the socat backend", () => {
  it("resolves only once the symlink exists, with the terminal socat announced", async () => {
    installSocat(SLOW_SOCAT);
    const linkPath = join(dir, "ttyLOOP0");
    link = await openPtyLink({ linkPath, backend: "socat" });
    expect(existsSync(linkPath)).toBe(true);
    expect(readlinkSync(linkPath)).toBe("/dev/null");
    expect(link.ptsPath).toBe("/dev/null");
    expect(link.backend).toBe("socat");
  });

  it("rejects with socat's own message when socat exits before the link is up", async () => {
    installSocat(FAILING_SOCAT);
    const linkPath = join(dir, "ttyLOOP0");
    await expect(openPtyLink({ linkPath, backend: "socat" })).rejects.toThrow(
      "socat exited (1): 2026/12/07 05:45:09 socat[1] E openpty(): no pseudo-terminals left",
    );
    expect(existsSync(linkPath)).toBe(false);
  });

  it("puts nothing at the link before socat does: the stale link goes, then socat's comes", async () => {
    installSocat(SLOW_SOCAT);
    const linkPath = join(dir, "ttyLOOP0");
    symlinkSync("/nonexistent/old-terminal", linkPath); // a stale link from a killed emulator
    const events: string[] = [];
    const watcher = watch(dir, (event, name) => {
      if (name === "ttyLOOP0") events.push(event);
    });
    try {
      link = await openPtyLink({ linkPath, backend: "socat" });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      watcher.close();
    }
    // The stale link's removal, then socat's link; no placeholder made and taken away between.
    expect(events).toEqual(["rename", "rename"]);
    expect(readlinkSync(linkPath)).toBe("/dev/null");
  });

  it("refuses a link path that is a file, and leaves the file", async () => {
    installSocat(SLOW_SOCAT);
    const linkPath = join(dir, "ttyLOOP0");
    writeFileSync(linkPath, "notes");
    await expect(openPtyLink({ linkPath, backend: "socat" })).rejects.toThrow(
      `--link: exists and is not a symlink: refusing to replace it (got "${linkPath}")`,
    );
    expect(readFileSync(linkPath, "utf8")).toBe("notes");
  });
});
