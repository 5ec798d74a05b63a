/** Where the HTML reports go: writing the file, and the run id a report carries. */
import { writeFileSync } from "node:fs";
import { ConfigError } from "../core/errors.js";

/** GitHub Actions' run id and attempt (`gh-123456-1`), when running there. */
export function ciRunId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const id = env.GITHUB_RUN_ID;
  if (id === undefined || id === "") return undefined;
  return `gh-${id}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
}

/** Writes a report; a failure names `--html` and the file. */
export function writeReport(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new ConfigError("--html", path, `cannot write the report (${(e as Error).message})`, { cause: e });
  }
}
