#!/usr/bin/env node
// Entry point of the `looptwin` command: runs the compiled CLI from dist/ (built by `npm run build`,
// which `npm install` runs through the `prepare` script).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("looptwin: not built yet (dist/cli/main.js missing): run `npm run build` first\n");
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
