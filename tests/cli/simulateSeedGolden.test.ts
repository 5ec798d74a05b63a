/**
 * The 24 h seed run of issue 16 (`simulate --model seed --duration 86400 --dt 0.1 --out FILE`,
 * 864,001 rows, 55.6 MB) is byte for byte the file looptwin wrote before the CSV was made fast:
 * the SHA-256 below is that of the file written by commit 4dbbb7c (one string per row from
 * `toFixed`, the generic Rk4 on SeedModel.rhs). A change to the writer, the seed integrator or
 * the walk over output times that moves a single digit fails here.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const BEFORE_ISSUE_16_SHA256 = "fee77b028f76d957a8bd56fa17c9a3e57f69186b08eb1867161d5b7f80debae6";

const dir = mkdtempSync(join(tmpdir(), "looptwin-seed-golden-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulate --model seed, 24 h at dt = 0.1 s", () => {
  it("writes the same bytes as before issue 16", async () => {
    const file = join(dir, "seed.csv");
    let stderr = "";
    const io = {
      stdout: { write: () => true },
      stderr: { write: (c: string) => (stderr += c) },
      cwd: dir,
    };
    const argv = ["simulate", "--model", "seed", "--duration", "86400", "--dt", "0.1", "--out", file];
    expect(await main(argv, io)).toBe(0);
    expect(stderr).toBe("");
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(55_598_384);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(BEFORE_ISSUE_16_SHA256);
  });
});
