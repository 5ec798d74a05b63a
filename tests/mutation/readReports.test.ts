/** readReports: kept reports read as one, the last given winning, and a bad one named by path. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readReports } from "../../scripts/mutation/readReports.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-reports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(name: string, status: string): string {
  const path = join(dir, name);
  const mutant = {
    id: "1",
    mutatorName: "EqualityOperator",
    replacement: "a >= b",
    status,
    location: { start: { line: 4, column: 7 }, end: { line: 4, column: 12 } },
  };
  writeFileSync(path, JSON.stringify({ files: { "src/model/a.ts": { mutants: [mutant] } } }));
  return path;
}

describe("readReports", () => {
  it("reads several reports as one, the mutant from the last given", () => {
    const first = report("first.json", "Survived");
    const second = report("second.json", "Killed");
    expect(readReports([first, second]).files["src/model/a.ts"]?.mutants.map((m) => m.status)).toEqual([
      "Killed",
    ]);
    expect(readReports([second, first]).files["src/model/a.ts"]?.mutants.map((m) => m.status)).toEqual([
      "Survived",
    ]);
  });

  it("names a missing or malformed report by its path", () => {
    const missing = join(dir, "missing.json");
    expect(() => readReports([missing])).toThrow(
      `${missing}: no such report (run npm run test:mutation first)`,
    );
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"files":');
    expect(() => readReports([bad])).toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not JSON \\(`),
    );
  });
});
