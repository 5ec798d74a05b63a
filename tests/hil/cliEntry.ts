/** Runs the CLI from source (`node --import tsx tests/hil/cliEntry.ts ...`): the pty target's child in tests. */
import { main } from "../../src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exitCode = 1;
  },
);
