#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `looptwin` command: runs the compiled CLI from dist/ (built by `npm run build`,
// which `npm install` runs through the `prepare` script).
//
// --max-semi-space-size=2 caps V8's young generation at 2 MiB a semi-space. A recorder or dashboard
// runs for days on a 100 Hz link; with V8's default (up to 16 MiB a semi-space) the young generation
// grew to 20-30 MB in bursts of reading and RSS followed it, 17 MB over a one-hour soak with nothing
// leaking (README, "Soak"). The cap costs no measurable CPU here (hil run, simulate). It takes
// effect only at start, so it is in the command line (`env -S`; `npm start` runs this file).
//
// A command that holds a live link for days (`runsForDays` in src/cli/registry.ts) also gets
// --optimize-for-size, before its modules load: V8's memory-saving mode keeps the committed heap
// closer to what is in use, which halved the soak's RSS growth. V8 reads that flag as it collects,
// so setting it here works; batch commands keep full speed (docs/design.md, section 3, "Memory
// over days").
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("looptwin: not built yet (dist/cli/main.js missing): run `npm run build` first\n");
  process.exit(2);
}
const { main, runsForDays } = await import(pathToFileURL(entry).href);
const argv = process.argv.slice(2);
if (runsForDays(argv)) setFlagsFromString("--optimize-for-size");
const code = await main(argv);
process.exitCode = code;
