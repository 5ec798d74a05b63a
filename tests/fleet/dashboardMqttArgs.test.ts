import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardCommand } from "../../src/cli/dashboardCommand.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-dash-mqtt-"));
writeFileSync(join(dir, "pw"), "secret\n");
const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir };

async function refusal(argv: string[]): Promise<string> {
  try {
    await dashboardCommand.run(argv, io);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("dashboard's broker options", () => {
  it("--mqtt with a password file is taken for publishing (not mistaken for --mqtt-source's)", async () => {
    // Without a terminal the dashboard stops at the terminal check: every argument was accepted.
    expect(
      await refusal(["--emulate", "--mqtt", "mqtt://u@127.0.0.1:1", "--mqtt-password-file", "pw"]),
    ).toMatch(/^terminal: the dashboard needs a terminal/);
  });

  it("--mqtt-source needs --rig, and refuses a local source", async () => {
    expect(await refusal(["--mqtt-source", "mqtt://h"])).toMatch(/^--rig: required with --mqtt-source/);
    expect(await refusal(["--mqtt-source", "mqtt://h", "--rig", "b1", "--emulate"])).toMatch(
      /^--emulate: not with --mqtt-source/,
    );
    expect(await refusal(["--rig", "b1", "--emulate"])).toMatch(/^--rig: needs --mqtt-source URL/);
    expect(await refusal(["--emulate", "--mqtt", "mqtt://u:pw@h"])).toMatch(
      /^--mqtt: no password in the URL/,
    );
  });
});
