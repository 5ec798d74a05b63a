/**
 * An emulator's link left behind by SIGKILL, its pseudo-terminal's number since given to another
 * program: the link is older than the terminal it leads to, so it is stale and must not be opened
 * (docs/design.md 3, "Replug and stale links"). A terminal "made" later is stood in for by a chmod
 * of the terminal, which sets its change time to now as a new terminal's would be.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/command.js";
import { runRecord } from "../../src/cli/recordCommand.js";
import { openPtyLink, type PtyLink } from "../../src/rig/emulator/ptyLink.js";
import { pathIdentity, STALE_LINK_MARGIN_NS, staleTerminalLink } from "../../src/rig/hardware/pathWatch.js";
import { scanEmulatorLinks } from "../../src/rig/hardware/portList.js";

/** Sets the node's change time to now without changing it (same mode). */
function touchChangeTime(path: string): void {
  chmodSync(path, statSync(path).mode & 0o7777);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("stale emulator links", () => {
  let dir = "";
  let link: PtyLink | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "looptwin-stale-"));
  });
  afterEach(() => {
    link?.close();
    link = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it("the margin is two seconds", () => {
    expect(STALE_LINK_MARGIN_NS).toBe(2_000_000_000n);
  });

  it("a link made after its terminal is good; the terminal changing after the link makes it stale", async () => {
    link = await openPtyLink({ linkPath: join(dir, "ttyLOOP0"), backend: "node-pty" });
    const linkPath = link.linkPath;
    expect(link.ptsPath).toMatch(/^\/dev\/pts\/\d+$/);
    // The emulator made the link after the terminal: good at any margin, zero included.
    expect(staleTerminalLink(linkPath, 0n)).toBeNull();
    expect(pathIdentity(linkPath, 0n)).not.toBeNull();
    // Later than the link (past the coarse clock's tick), the terminal changes.
    await sleep(30);
    touchChangeTime(link.ptsPath);
    expect(staleTerminalLink(linkPath, 0n)).toBe(link.ptsPath);
    expect(pathIdentity(linkPath, 0n)).toBeNull();
    // Within the default two seconds it is not judged stale.
    expect(staleTerminalLink(linkPath)).toBeNull();
    expect(pathIdentity(linkPath)).not.toBeNull();
    // The terminal itself (not a link) is never stale.
    expect(staleTerminalLink(link.ptsPath, 0n)).toBeNull();
  });

  it("a link to anything but a pseudo-terminal is never judged, nor a path that is not there", async () => {
    const file = join(dir, "port");
    writeFileSync(file, "");
    const fileLink = join(dir, "ttyLOOP1");
    symlinkSync(file, fileLink);
    await sleep(30);
    touchChangeTime(file);
    // Newer than its link, but not a pseudo-terminal (a USB node is new at every replug).
    expect(staleTerminalLink(fileLink, 0n)).toBeNull();
    expect(pathIdentity(fileLink, 0n)).not.toBeNull();
    expect(staleTerminalLink(join(dir, "nothing"), 0n)).toBeNull();
    mkdirSync(join(dir, "sub"));
    expect(staleTerminalLink(join(dir, "sub"), 0n)).toBeNull();
  });

  it("past two seconds: looptwin ports leaves the link out and looptwin record refuses it in one line", async () => {
    link = await openPtyLink({ linkPath: join(dir, "ttyLOOP0"), backend: "node-pty" });
    const linkPath = link.linkPath;
    expect(scanEmulatorLinks([dir]).map((p) => p.path)).toEqual([linkPath]);
    await sleep(2100);
    touchChangeTime(link.ptsPath);
    expect(staleTerminalLink(linkPath)).toBe(link.ptsPath);
    expect(scanEmulatorLinks([dir])).toEqual([]);

    // The open is refused before anything is written to the port: the command rejects with the
    // error `looptwin` prints in one line.
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir } as unknown as CliIo;
    await expect(runRecord(["--port", linkPath, "--out", join(dir, "out.ndjson")], io)).rejects.toThrow(
      `${linkPath} is a stale link: ${link.ptsPath} was made after it, so the emulator that made it has gone and the terminal is another program's (start the emulator again, or give the port itself)`,
    );
  }, 20_000);
});
